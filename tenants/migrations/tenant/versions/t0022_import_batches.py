"""Import batches

Revision ID: t0022
Revises: t0021
Create Date: 2026-11-25 18:30:26.608414

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from atrium.tenants.migrations import workspace_schema

# revision identifiers, used by Alembic.
revision: str = "t0022"
down_revision: str | Sequence[str] | None = "t0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Tenant ops must name the real schema: pass schema=schema (autogenerate writes "tenant").
    schema = workspace_schema()
    op.create_table(
        "import_batches",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("file_name", sa.String(length=300), nullable=False),
        sa.Column("file_format", sa.String(length=10), nullable=False),
        sa.Column("encoding", sa.String(length=40), nullable=False),
        sa.Column("delimiter", sa.String(length=4), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("headers", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("preview", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("total_rows", sa.Integer(), nullable=False),
        sa.Column("mapping", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("on_duplicate", sa.String(length=10), nullable=False),
        sa.Column("cursor", sa.Integer(), nullable=False),
        sa.Column("created_count", sa.Integer(), nullable=False),
        sa.Column("updated_count", sa.Integer(), nullable=False),
        sa.Column("skipped_count", sa.Integer(), nullable=False),
        sa.Column("rejected_count", sa.Integer(), nullable=False),
        sa.Column("undone_count", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "kind IN ('contacts', 'companies', 'deals', 'products')",
            name=op.f("ck_import_batches_kind"),
        ),
        sa.CheckConstraint(
            "on_duplicate IN ('skip', 'update', 'create')",
            name=op.f("ck_import_batches_on_duplicate"),
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'queued', 'running', 'done', 'failed', 'undone')",
            name=op.f("ck_import_batches_status"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batches")),
        schema=schema,
    )
    op.create_index(
        "ix_import_batches_created_at",
        "import_batches",
        ["created_at"],
        unique=False,
        schema=schema,
    )
    op.create_table(
        "import_records",
        sa.Column("batch_id", sa.Uuid(), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            [f"{schema}.import_batches.id"],
            name=op.f("fk_import_records_batch_id_import_batches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("batch_id", "record_id", name=op.f("pk_import_records")),
        schema=schema,
    )
    op.create_table(
        "import_rejections",
        sa.Column("batch_id", sa.Uuid(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=100), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("params", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            [f"{schema}.import_batches.id"],
            name=op.f("fk_import_rejections_batch_id_import_batches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("batch_id", "row_number", name=op.f("pk_import_rejections")),
        schema=schema,
    )


def downgrade() -> None:
    schema = workspace_schema()
    op.drop_table("import_rejections", schema=schema)
    op.drop_table("import_records", schema=schema)
    op.drop_index("ix_import_batches_created_at", table_name="import_batches", schema=schema)
    op.drop_table("import_batches", schema=schema)
