"""Demo records

Revision ID: t0020
Revises: t0019
Create Date: 2026-11-25 17:56:40.500836

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from atrium.tenants.migrations import workspace_schema

# revision identifiers, used by Alembic.
revision: str = "t0020"
down_revision: str | Sequence[str] | None = "t0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Tenant ops must name the real schema: pass schema=schema (autogenerate writes "tenant").
    schema = workspace_schema()
    op.create_table(
        "demo_records",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "record_id", name=op.f("pk_demo_records")),
        schema=schema,
    )


def downgrade() -> None:
    schema = workspace_schema()
    op.drop_table("demo_records", schema=schema)
