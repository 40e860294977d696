"""The migration ledger's versions hold a row per branch of the tenant history

Revision ID: p0005
Revises: p0004
Create Date: 2026-12-08 09:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "p0005"
down_revision: str | Sequence[str] | None = "p0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("from_version", "to_version")


def upgrade() -> None:
    # "t0029 t0028_booking": the core's head and each pack's, longer with every pack.
    for column in COLUMNS:
        op.alter_column(
            "migration_ledger",
            column,
            type_=sa.Text(),
            existing_type=sa.String(length=32),
            schema="atrium",
        )


def downgrade() -> None:
    for column in COLUMNS:
        op.alter_column(
            "migration_ledger",
            column,
            type_=sa.String(length=32),
            existing_type=sa.Text(),
            postgresql_using=f"left({column}, 32)",
            schema="atrium",
        )
