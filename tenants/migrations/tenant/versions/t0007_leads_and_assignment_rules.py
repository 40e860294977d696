"""leads and assignment rules

Revision ID: t0007
Revises: t0006
Create Date: 2026-11-23 13:21:52.781037

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from atrium.tenants.migrations import workspace_schema

# revision identifiers, used by Alembic.
revision: str = "t0007"
down_revision: str | Sequence[str] | None = "t0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Tenant ops must name the real schema: pass schema=schema (autogenerate writes "tenant").
    schema = workspace_schema()
    op.create_table(
        "assignment_rules",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=True),
        sa.Column("field", sa.String(length=60), nullable=True),
        sa.Column("value", sa.String(length=200), nullable=True),
        sa.Column("strategy", sa.String(length=20), nullable=False),
        sa.Column("user_ids", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("turn", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "strategy IN ('round_robin', 'least_loaded')", name=op.f("ck_assignment_rules_strategy")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignment_rules")),
        schema=schema,
    )
    op.create_table(
        "leads",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("company_name", sa.String(length=300), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("fields", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("assignee_id", sa.Uuid(), nullable=True),
        sa.Column("assigned_by_rule_id", sa.Uuid(), nullable=True),
        sa.Column("contact_id", sa.Uuid(), nullable=True),
        sa.Column("deal_id", sa.Uuid(), nullable=True),
        sa.Column("converted_at", sa.DateTime(timezone=True), nullable=True),
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
            "source IN ('form', 'call', 'chat', 'email', 'manual', 'other')",
            name=op.f("ck_leads_source"),
        ),
        sa.CheckConstraint(
            "status IN ('unsorted', 'assigned', 'converted', 'rejected')",
            name=op.f("ck_leads_status"),
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            [f"{schema}.contacts.id"],
            name=op.f("fk_leads_contact_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["deal_id"],
            [f"{schema}.deals.id"],
            name=op.f("fk_leads_deal_id_deals"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leads")),
        schema=schema,
    )
    op.create_index(
        op.f("ix_leads_assignee_id"), "leads", ["assignee_id"], unique=False, schema=schema
    )
    op.create_index(
        "ix_leads_status_created", "leads", ["status", "created_at"], unique=False, schema=schema
    )


def downgrade() -> None:
    schema = workspace_schema()
    op.drop_index("ix_leads_status_created", table_name="leads", schema=schema)
    op.drop_index(op.f("ix_leads_assignee_id"), table_name="leads", schema=schema)
    op.drop_table("leads", schema=schema)
    op.drop_table("assignment_rules", schema=schema)
