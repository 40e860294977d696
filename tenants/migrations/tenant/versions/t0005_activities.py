"""activities

Revision ID: t0005
Revises: t0004
Create Date: 2026-11-23 13:14:28.328090

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from atrium.tenants.migrations import workspace_schema

# revision identifiers, used by Alembic.
revision: str = "t0005"
down_revision: str | Sequence[str] | None = "t0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Tenant ops must name the real schema: pass schema=schema (autogenerate writes "tenant").
    schema = workspace_schema()
    op.create_table(
        "activities",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("contact_id", sa.Uuid(), nullable=True),
        sa.Column("company_id", sa.Uuid(), nullable=True),
        sa.Column("deal_id", sa.Uuid(), nullable=True),
        sa.Column("assignee_id", sa.Uuid(), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("remind_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("owner_id", sa.Uuid(), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "kind IN ('call', 'meeting', 'email', 'task')", name=op.f("ck_activities_kind")
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            [f"{schema}.companies.id"],
            name=op.f("fk_activities_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            [f"{schema}.contacts.id"],
            name=op.f("fk_activities_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["deal_id"],
            [f"{schema}.deals.id"],
            name=op.f("fk_activities_deal_id_deals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activities")),
        schema=schema,
    )
    op.create_index(
        "ix_activities_assignee_due",
        "activities",
        ["assignee_id", "done_at", "due_at"],
        unique=False,
        schema=schema,
    )
    op.create_index(
        op.f("ix_activities_company_id"), "activities", ["company_id"], unique=False, schema=schema
    )
    op.create_index(
        op.f("ix_activities_contact_id"), "activities", ["contact_id"], unique=False, schema=schema
    )
    op.create_index(
        op.f("ix_activities_deal_id"), "activities", ["deal_id"], unique=False, schema=schema
    )
    op.create_index(
        op.f("ix_activities_owner_id"), "activities", ["owner_id"], unique=False, schema=schema
    )


def downgrade() -> None:
    schema = workspace_schema()
    op.drop_index(op.f("ix_activities_owner_id"), table_name="activities", schema=schema)
    op.drop_index(op.f("ix_activities_deal_id"), table_name="activities", schema=schema)
    op.drop_index(op.f("ix_activities_contact_id"), table_name="activities", schema=schema)
    op.drop_index(op.f("ix_activities_company_id"), table_name="activities", schema=schema)
    op.drop_index("ix_activities_assignee_due", table_name="activities", schema=schema)
    op.drop_table("activities", schema=schema)
