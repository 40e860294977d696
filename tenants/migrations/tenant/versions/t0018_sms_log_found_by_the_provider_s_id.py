"""sms log found by the provider's id

Revision ID: t0018
Revises: t0017
Create Date: 2026-11-25 16:44:48.127720

"""

from collections.abc import Sequence

from alembic import op

from atrium.tenants.migrations import workspace_schema

# revision identifiers, used by Alembic.
revision: str = "t0018"
down_revision: str | Sequence[str] | None = "t0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Tenant ops must name the real schema: pass schema=schema (autogenerate writes "tenant").
    schema = workspace_schema()
    op.create_index(
        op.f("ix_sms_log_provider_id"), "sms_log", ["provider_id"], unique=False, schema=schema
    )


def downgrade() -> None:
    schema = workspace_schema()
    op.drop_index(op.f("ix_sms_log_provider_id"), table_name="sms_log", schema=schema)
