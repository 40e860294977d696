"""outbox events know when they were dispatched

Revision ID: t0015
Revises: t0014
Create Date: 2026-11-25 16:14:52.373037

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from atrium.tenants.migrations import workspace_schema

# revision identifiers, used by Alembic.
revision: str = "t0015"
down_revision: str | Sequence[str] | None = "t0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Tenant ops must name the real schema: pass schema=schema (autogenerate writes "tenant").
    schema = workspace_schema()
    op.add_column(
        "outbox_events",
        sa.Column("dispatched_at", sa.DateTime(timezone=True), nullable=True),
        schema=schema,
    )
    # Events published before this revision are taken as dispatched: never published again.
    op.execute(
        f"UPDATE {schema}.outbox_events SET dispatched_at = published_at"
        " WHERE published_at IS NOT NULL"
    )
    op.create_index(
        "ix_outbox_events_undispatched",
        "outbox_events",
        ["published_at"],
        unique=False,
        schema=schema,
        postgresql_where=sa.text("dispatched_at IS NULL"),
    )


def downgrade() -> None:
    schema = workspace_schema()
    op.drop_index(
        "ix_outbox_events_undispatched",
        table_name="outbox_events",
        schema=schema,
        postgresql_where=sa.text("dispatched_at IS NULL"),
    )
    op.drop_column("outbox_events", "dispatched_at", schema=schema)
