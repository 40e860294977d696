"""Salon settings: the sites that may show the booking widget

Revision ID: t0027
Revises: t0025
Create Date: 2026-12-03 15:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from atrium.tenants.migrations import workspace_schema

# revision identifiers, used by Alembic.
revision: str = "t0027"
down_revision: str | Sequence[str] | None = "t0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "salon_settings",
        sa.Column(
            "widget_sites",
            postgresql.ARRAY(sa.String(length=200)),
            server_default="{}",
            nullable=False,
        ),
        schema=workspace_schema(),
    )


def downgrade() -> None:
    op.drop_column("salon_settings", "widget_sites", schema=workspace_schema())
