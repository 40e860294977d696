"""failed jobs and processed messages

Revision ID: p0002
Revises: p0001
Create Date: 2026-11-30 10:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "p0002"
down_revision: str | Sequence[str] | None = "p0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""

    op.create_table(
        "failed_jobs",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("queue_name", sa.String(length=100), nullable=False),
        sa.Column("message_id", sa.String(length=64), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=True),
        sa.Column("args", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("kwargs", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("retries", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column(
            "failed_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("retried_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_failed_jobs")),
        schema="atrium",
    )
    op.create_index(
        op.f("ix_failed_jobs_actor"), "failed_jobs", ["actor"], unique=False, schema="atrium"
    )
    op.create_table(
        "processed_messages",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column(
            "processed_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_processed_messages")),
        schema="atrium",
    )
    op.create_index(
        op.f("ix_processed_messages_processed_at"),
        "processed_messages",
        ["processed_at"],
        unique=False,
        schema="atrium",
    )


def downgrade() -> None:
    """Downgrade schema."""

    op.drop_index(
        op.f("ix_processed_messages_processed_at"),
        table_name="processed_messages",
        schema="atrium",
    )
    op.drop_table("processed_messages", schema="atrium")
    op.drop_index(op.f("ix_failed_jobs_actor"), table_name="failed_jobs", schema="atrium")
    op.drop_table("failed_jobs", schema="atrium")
