"""import rows skipped as duplicates and rejected rows keep their cells

Revision ID: t0029
Revises: t0026
Create Date: 2026-12-07 13:42:47

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from atrium.tenants.migrations import workspace_schema

# revision identifiers, used by Alembic.
revision: str = "t0029"
down_revision: str | Sequence[str] | None = "t0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Tenant ops must name the real schema: pass schema=schema (autogenerate writes "tenant").
    schema = workspace_schema()
    op.create_table(
        "import_skips",
        sa.Column("batch_id", sa.Uuid(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=True),
        sa.Column("same_as_row", sa.Integer(), nullable=True),
        sa.Column("cells", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            [f"{schema}.import_batches.id"],
            name=op.f("fk_import_skips_batch_id_import_batches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("batch_id", "row_number", name=op.f("pk_import_skips")),
        schema=schema,
    )
    op.add_column(
        "import_rejections",
        sa.Column(
            "cells", postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False
        ),
        schema=schema,
    )


def downgrade() -> None:
    schema = workspace_schema()
    op.drop_column("import_rejections", "cells", schema=schema)
    op.drop_table("import_skips", schema=schema)
