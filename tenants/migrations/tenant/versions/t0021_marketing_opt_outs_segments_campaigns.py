"""Marketing opt-outs, segments, campaigns

Revision ID: t0021
Revises: t0020
Create Date: 2026-11-25 18:26:07.634353

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from atrium.tenants.migrations import workspace_schema

# revision identifiers, used by Alembic.
revision: str = "t0021"
down_revision: str | Sequence[str] | None = "t0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Tenant ops must name the real schema: pass schema=schema (autogenerate writes "tenant").
    schema = workspace_schema()
    op.create_table(
        "segments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("conditions", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_segments")),
        schema=schema,
    )
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("segment_id", sa.Uuid(), nullable=True),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("scheduled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
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
            ["segment_id"],
            [f"{schema}.segments.id"],
            name=op.f("fk_campaigns_segment_id_segments"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
        schema=schema,
    )
    op.create_index(
        op.f("ix_campaigns_status"), "campaigns", ["status"], unique=False, schema=schema
    )
    op.create_table(
        "campaign_messages",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("campaign_id", sa.Uuid(), nullable=False),
        sa.Column("contact_id", sa.Uuid(), nullable=False),
        sa.Column("to_address", sa.String(length=320), nullable=False),
        sa.Column("token", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("sms_id", sa.Uuid(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("clicked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("unsubscribed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            [f"{schema}.campaigns.id"],
            name=op.f("fk_campaign_messages_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            [f"{schema}.contacts.id"],
            name=op.f("fk_campaign_messages_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_messages")),
        sa.UniqueConstraint(
            "campaign_id", "contact_id", name=op.f("uq_campaign_messages_campaign_id_contact_id")
        ),
        schema=schema,
    )
    op.create_index(
        op.f("ix_campaign_messages_campaign_id"),
        "campaign_messages",
        ["campaign_id"],
        unique=False,
        schema=schema,
    )
    op.create_index(
        op.f("ix_campaign_messages_contact_id"),
        "campaign_messages",
        ["contact_id"],
        unique=False,
        schema=schema,
    )
    op.create_index(
        "ix_campaign_messages_token", "campaign_messages", ["token"], unique=True, schema=schema
    )
    op.add_column(
        "contacts",
        sa.Column(
            "marketing_opt_outs",
            postgresql.ARRAY(sa.String(length=10)),
            server_default="{}",
            nullable=False,
        ),
        schema=schema,
    )
    op.add_column(
        "sms_settings",
        sa.Column(
            "segment_price", sa.Numeric(precision=10, scale=4), server_default="0", nullable=False
        ),
        schema=schema,
    )


def downgrade() -> None:
    schema = workspace_schema()
    op.drop_column("sms_settings", "segment_price", schema=schema)
    op.drop_column("contacts", "marketing_opt_outs", schema=schema)
    op.drop_index("ix_campaign_messages_token", table_name="campaign_messages", schema=schema)
    op.drop_index(
        op.f("ix_campaign_messages_contact_id"), table_name="campaign_messages", schema=schema
    )
    op.drop_index(
        op.f("ix_campaign_messages_campaign_id"), table_name="campaign_messages", schema=schema
    )
    op.drop_table("campaign_messages", schema=schema)
    op.drop_index(op.f("ix_campaigns_status"), table_name="campaigns", schema=schema)
    op.drop_table("campaigns", schema=schema)
    op.drop_table("segments", schema=schema)
