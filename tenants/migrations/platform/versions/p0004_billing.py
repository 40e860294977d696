"""billing: subscriptions, stripe events, workspace entitlements

Revision ID: p0004
Revises: p0003
Create Date: 2026-12-03 07:11:29.676825

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "p0004"
down_revision: str | Sequence[str] | None = "p0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "stripe_events",
        sa.Column("id", sa.String(length=255), nullable=False),
        sa.Column("type", sa.String(length=100), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "received_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stripe_events")),
        schema="atrium",
    )
    op.create_table(
        "subscriptions",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("plan", sa.String(length=20), nullable=False),
        sa.Column("interval", sa.String(length=5), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "trialing",
                "active",
                "past_due",
                "canceled",
                name="subscription_status",
                schema="atrium",
            ),
            nullable=False,
        ),
        sa.Column("trial_ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("stripe_customer_id", sa.String(length=64), nullable=True),
        sa.Column("stripe_subscription_id", sa.String(length=64), nullable=True),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("current_period_end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancel_at_period_end", sa.Boolean(), nullable=False),
        sa.Column("past_due_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("grace_ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_retry_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("retries", sa.Integer(), nullable=False),
        sa.Column("paid_by_id", sa.Uuid(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["paid_by_id"],
            ["atrium.tenants.id"],
            name=op.f("fk_subscriptions_paid_by_id_tenants"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["atrium.tenants.id"],
            name=op.f("fk_subscriptions_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_subscriptions")),
        sa.UniqueConstraint("stripe_customer_id", name=op.f("uq_subscriptions_stripe_customer_id")),
        sa.UniqueConstraint(
            "stripe_subscription_id", name=op.f("uq_subscriptions_stripe_subscription_id")
        ),
        schema="atrium",
    )
    op.create_index(
        op.f("ix_subscriptions_paid_by_id"),
        "subscriptions",
        ["paid_by_id"],
        unique=False,
        schema="atrium",
    )
    op.create_index(
        op.f("ix_subscriptions_status"), "subscriptions", ["status"], unique=False, schema="atrium"
    )
    op.add_column(
        "tenants",
        sa.Column("entitlements", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        schema="atrium",
    )
    op.add_column(
        "tenants",
        sa.Column("read_only_since", sa.DateTime(timezone=True), nullable=True),
        schema="atrium",
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_column("tenants", "read_only_since", schema="atrium")
    op.drop_column("tenants", "entitlements", schema="atrium")
    op.drop_index(op.f("ix_subscriptions_status"), table_name="subscriptions", schema="atrium")
    op.drop_index(op.f("ix_subscriptions_paid_by_id"), table_name="subscriptions", schema="atrium")
    op.drop_table("subscriptions", schema="atrium")
    op.drop_table("stripe_events", schema="atrium")
    op.execute("DROP TYPE atrium.subscription_status")
