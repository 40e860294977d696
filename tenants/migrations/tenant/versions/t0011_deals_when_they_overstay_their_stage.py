"""deals: when they overstay their stage

Revision ID: t0011
Revises: t0010
Create Date: 2026-11-25 14:59:15.636472

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from atrium.tenants.migrations import workspace_schema

# revision identifiers, used by Alembic.
revision: str = "t0011"
down_revision: str | Sequence[str] | None = "t0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Tenant ops must name the real schema: pass schema=schema (autogenerate writes "tenant").
    schema = workspace_schema()
    op.add_column(
        "deals", sa.Column("stage_due_at", sa.DateTime(timezone=True), nullable=True), schema=schema
    )
    op.create_index(
        op.f("ix_deals_stage_due_at"), "deals", ["stage_due_at"], unique=False, schema=schema
    )
    op.execute(
        f"UPDATE {schema}.deals d SET stage_due_at = d.stage_changed_at"
        " + make_interval(hours => s.time_limit_hours)"
        f" FROM {schema}.stages s WHERE s.id = d.stage_id AND s.kind = 'open'"
        " AND s.time_limit_hours IS NOT NULL AND d.closed_at IS NULL"
    )


def downgrade() -> None:
    schema = workspace_schema()
    op.drop_index(op.f("ix_deals_stage_due_at"), table_name="deals", schema=schema)
    op.drop_column("deals", "stage_due_at", schema=schema)
