"""telegram bots, linked chats, telegram log

Revision ID: t0016
Revises: t0015
Create Date: 2026-11-25 16:28:14.695389

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from atrium.tenants.migrations import workspace_schema

# revision identifiers, used by Alembic.
revision: str = "t0016"
down_revision: str | Sequence[str] | None = "t0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Tenant ops must name the real schema: pass schema=schema (autogenerate writes "tenant").
    schema = workspace_schema()
    op.create_table(
        "telegram_log",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("contact_id", sa.Uuid(), nullable=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_telegram_log")),
        schema=schema,
    )
    op.create_table(
        "telegram_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bot_username", sa.String(length=64), nullable=False),
        sa.Column("token_sealed", sa.Text(), nullable=False),
        sa.Column("webhook_secret_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_telegram_settings")),
        schema=schema,
    )
    op.add_column(
        "contacts", sa.Column("telegram_chat_id", sa.BigInteger(), nullable=True), schema=schema
    )


def downgrade() -> None:
    schema = workspace_schema()
    op.drop_column("contacts", "telegram_chat_id", schema=schema)
    op.drop_table("telegram_settings", schema=schema)
    op.drop_table("telegram_log", schema=schema)
