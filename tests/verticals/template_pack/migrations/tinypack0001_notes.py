"""Tiny notes: the pack's first revision starts its branch of the tenant history

Revision ID: tinypack0001
Revises:
Depends on: t0029
Create Date: 2026-12-08 09:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from atrium.tenants.migrations import workspace_schema

# revision identifiers, used by Alembic.
revision: str = "tinypack0001"  # a pack's revisions are named after it: no two packs collide
down_revision: str | Sequence[str] | None = None  # a branch of its own, from nothing
branch_labels: str | Sequence[str] | None = ("tinypack",)  # the pack's key
depends_on: str | Sequence[str] | None = "t0029"  # the core revision its tables need


def upgrade() -> None:
    op.create_table(
        "tinypack_notes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tinypack_notes")),
        schema=workspace_schema(),
    )


def downgrade() -> None:
    op.drop_table("tinypack_notes", schema=workspace_schema())
