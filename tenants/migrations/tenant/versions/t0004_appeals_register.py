"""appeals register

Revision ID: t0004
Revises: t0003
Create Date: 2026-11-23 13:03:47.832878

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from atrium.tenants.migrations import workspace_schema

# revision identifiers, used by Alembic.
revision: str = "t0004"
down_revision: str | Sequence[str] | None = "t0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Tenant ops must name the real schema: pass schema=schema (autogenerate writes "tenant").
    schema = workspace_schema()
    op.create_table(
        "appeals",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("contact_id", sa.Uuid(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("employee_id", sa.Uuid(), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("manager_decision", sa.Text(), nullable=False),
        sa.Column("respond_by", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("owner_id", sa.Uuid(), nullable=True),
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
            "channel IN ('phone', 'email', 'social', 'messenger', 'website', 'visit')",
            name=op.f("ck_appeals_channel"),
        ),
        sa.CheckConstraint(
            "kind IN ('inquiry', 'complaint', 'proposal', 'order', 'other')",
            name=op.f("ck_appeals_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            [f"{schema}.contacts.id"],
            name=op.f("fk_appeals_contact_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appeals")),
        schema=schema,
    )
    op.create_index(
        op.f("ix_appeals_contact_id"), "appeals", ["contact_id"], unique=False, schema=schema
    )
    op.create_index(
        "ix_appeals_open_due", "appeals", ["answered_at", "respond_by"], unique=False, schema=schema
    )
    op.create_index(
        op.f("ix_appeals_owner_id"), "appeals", ["owner_id"], unique=False, schema=schema
    )
    op.create_index(
        op.f("ix_appeals_received_at"), "appeals", ["received_at"], unique=False, schema=schema
    )


def downgrade() -> None:
    schema = workspace_schema()
    op.drop_index(op.f("ix_appeals_received_at"), table_name="appeals", schema=schema)
    op.drop_index(op.f("ix_appeals_owner_id"), table_name="appeals", schema=schema)
    op.drop_index("ix_appeals_open_due", table_name="appeals", schema=schema)
    op.drop_index(op.f("ix_appeals_contact_id"), table_name="appeals", schema=schema)
    op.drop_table("appeals", schema=schema)
