"""Saved audiences (segments) and the campaigns sent to them."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from atrium.platform.db import TenantBase
from atrium.platform.db.types import CreatedAt, OptionalTimestamp, UUIDPk

CAMPAIGN_CHANNELS = ("email", "sms")
CAMPAIGN_STATUSES = ("draft", "scheduled", "sending", "sent", "cancelled")
MESSAGE_STATUSES = ("queued", "sent", "delivered", "failed", "skipped")


class Segment(TenantBase):
    """A saved filter over contacts; who is in it is worked out each time it is asked."""

    __tablename__ = "segments"

    id: Mapped[UUIDPk]
    name: Mapped[str] = mapped_column(String(200))
    # [{"field": "tag", "op": "has", "value": "vip"}, ...], all of them must hold
    conditions: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    created_by: Mapped[uuid.UUID | None]
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[CreatedAt]


class Campaign(TenantBase):
    __tablename__ = "campaigns"

    id: Mapped[UUIDPk]
    name: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(10))
    segment_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("segments.id", ondelete="SET NULL")
    )
    subject: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text, default="")  # a Jinja template, sandboxed
    status: Mapped[str] = mapped_column(String(10), default="draft", index=True)
    scheduled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[OptionalTimestamp]
    finished_at: Mapped[OptionalTimestamp]
    created_by: Mapped[uuid.UUID | None]
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[CreatedAt]


class CampaignMessage(TenantBase):
    """One recipient of a campaign: what was sent and what they did with it."""

    __tablename__ = "campaign_messages"
    __table_args__ = (
        UniqueConstraint("campaign_id", "contact_id"),
        Index("ix_campaign_messages_token", "token", unique=True),
    )

    id: Mapped[UUIDPk]
    campaign_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    to_address: Mapped[str] = mapped_column(String(320))
    token: Mapped[str] = mapped_column(String(40))  # for opens, clicks and unsubscribes
    status: Mapped[str] = mapped_column(String(10), default="queued")
    error: Mapped[str] = mapped_column(Text, default="")
    sms_id: Mapped[uuid.UUID | None]  # the SMS log row, for its delivery status
    sent_at: Mapped[OptionalTimestamp]
    opened_at: Mapped[OptionalTimestamp]
    clicked_at: Mapped[OptionalTimestamp]
    unsubscribed_at: Mapped[OptionalTimestamp]
