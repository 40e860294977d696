"""sms settings and log

Revision ID: t0013
Revises: t0012
Create Date: 2026-11-25 16:03:26.458895

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from atrium.tenants.migrations import workspace_schema

# revision identifiers, used by Alembic.
revision: str = "t0013"
down_revision: str | Sequence[str] | None = "t0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Tenant ops must name the real schema: pass schema=schema (autogenerate writes "tenant").
    schema = workspace_schema()
    op.create_table(
        "sms_log",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("to_number", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("encoding", sa.String(length=5), nullable=False),
        sa.Column("segments", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("provider_id", sa.String(length=100), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("effect_key", sa.String(length=200), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_log")),
        sa.UniqueConstraint("effect_key", name=op.f("uq_sms_log_effect_key")),
        schema=schema,
    )
    op.create_index("ix_sms_log_created", "sms_log", ["created_at"], unique=False, schema=schema)
    op.create_table(
        "sms_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("gateway_url", sa.String(length=500), nullable=False),
        sa.Column("token_sealed", sa.Text(), nullable=False),
        sa.Column("sender", sa.String(length=20), nullable=False),
        sa.Column("monthly_quota", sa.Integer(), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_settings")),
        schema=schema,
    )


def downgrade() -> None:
    schema = workspace_schema()
    op.drop_table("sms_settings", schema=schema)
    op.drop_index("ix_sms_log_created", table_name="sms_log", schema=schema)
    op.drop_table("sms_log", schema=schema)
