"""Online booking: how phones are confirmed, visits to confirm by phone

Revision ID: t0028_booking
Revises: t0027
Create Date: 2026-12-07 13:46:15.822913

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from atrium.tenants.migrations import workspace_schema

# revision identifiers, used by Alembic.
revision: str = "t0028_booking"
down_revision: str | Sequence[str] | None = "t0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Tenant ops must name the real schema: pass schema=schema (autogenerate writes "tenant").
    schema = workspace_schema()
    op.add_column(
        "salon_settings",
        sa.Column("phone_check", sa.String(length=10), server_default="none", nullable=False),
        schema=schema,
    )
    op.add_column(
        "salon_visits",
        sa.Column("to_call", sa.Boolean(), server_default="false", nullable=False),
        schema=schema,
    )
    op.create_check_constraint(
        op.f("ck_salon_settings_phone_check"),
        "salon_settings",
        "phone_check IN ('sms', 'telegram', 'none')",
        schema=schema,
    )


def downgrade() -> None:
    schema = workspace_schema()
    op.drop_constraint(op.f("ck_salon_settings_phone_check"), "salon_settings", schema=schema)
    op.drop_column("salon_visits", "to_call", schema=schema)
    op.drop_column("salon_settings", "phone_check", schema=schema)
