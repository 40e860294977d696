"""messages swept when stalled, outbox publish attempts

Revision ID: t0023
Revises: t0022
Create Date: 2026-12-02 10:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from atrium.tenants.migrations import workspace_schema

# revision identifiers, used by Alembic.
revision: str = "t0023"
down_revision: str | Sequence[str] | None = "t0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MESSAGE_TABLES = ("mail_log", "sms_log", "telegram_log")


def upgrade() -> None:
    # Tenant ops must name the real schema: pass schema=schema (autogenerate writes "tenant").
    schema = workspace_schema()
    op.add_column(
        "outbox_events",
        sa.Column("publish_attempts", sa.Integer(), server_default="0", nullable=False),
        schema=schema,
    )
    op.add_column(
        "outbox_events",
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True),
        schema=schema,
    )
    for table in _MESSAGE_TABLES:
        op.add_column(
            table,
            sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=True),
            schema=schema,
        )


def downgrade() -> None:
    schema = workspace_schema()
    for table in _MESSAGE_TABLES:
        op.drop_column(table, "attempted_at", schema=schema)
    op.drop_column("outbox_events", "failed_at", schema=schema)
    op.drop_column("outbox_events", "publish_attempts", schema=schema)
