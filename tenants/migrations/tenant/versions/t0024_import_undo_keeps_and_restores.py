"""Import undo keeps records later work hangs on and restores the records a batch updated

Revision ID: t0024
Revises: t0023
Create Date: 2026-12-03 07:10:20.961391

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from atrium.tenants.migrations import workspace_schema

# revision identifiers, used by Alembic.
revision: str = "t0024"
down_revision: str | Sequence[str] | None = "t0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Tenant ops must name the real schema: pass schema=schema (autogenerate writes "tenant").
    schema = workspace_schema()
    op.create_table(
        "import_changes",
        sa.Column("batch_id", sa.Uuid(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("before", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("after", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            [f"{schema}.import_batches.id"],
            name=op.f("fk_import_changes_batch_id_import_batches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("batch_id", "row_number", name=op.f("pk_import_changes")),
        schema=schema,
    )
    op.add_column(
        "import_batches",
        sa.Column("kept_count", sa.Integer(), server_default="0", nullable=False),
        schema=schema,
    )
    op.add_column(
        "import_batches",
        sa.Column(
            "kept_because",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="{}",
            nullable=False,
        ),
        schema=schema,
    )
    op.add_column(
        "import_batches",
        sa.Column("restored_count", sa.Integer(), server_default="0", nullable=False),
        schema=schema,
    )


def downgrade() -> None:
    schema = workspace_schema()
    op.drop_column("import_batches", "restored_count", schema=schema)
    op.drop_column("import_batches", "kept_because", schema=schema)
    op.drop_column("import_batches", "kept_count", schema=schema)
    op.drop_table("import_changes", schema=schema)
