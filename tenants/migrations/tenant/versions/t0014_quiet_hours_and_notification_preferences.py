"""quiet hours and notification preferences

Revision ID: t0014
Revises: t0013
Create Date: 2026-11-25 16:06:56.421454

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from atrium.tenants.migrations import workspace_schema

# revision identifiers, used by Alembic.
revision: str = "t0014"
down_revision: str | Sequence[str] | None = "t0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Tenant ops must name the real schema: pass schema=schema (autogenerate writes "tenant").
    schema = workspace_schema()
    op.create_table(
        "notification_preferences",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.Boolean(), nullable=False),
        sa.Column("muted", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_notification_preferences")),
        schema=schema,
    )
    op.add_column(
        "workspace_settings", sa.Column("quiet_from", sa.Time(), nullable=True), schema=schema
    )
    op.add_column(
        "workspace_settings", sa.Column("quiet_to", sa.Time(), nullable=True), schema=schema
    )


def downgrade() -> None:
    schema = workspace_schema()
    op.drop_column("workspace_settings", "quiet_to", schema=schema)
    op.drop_column("workspace_settings", "quiet_from", schema=schema)
    op.drop_table("notification_preferences", schema=schema)
