"""Billing's registry tables (shared schema): each workspace's subscription, Stripe's events."""

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, DateTime, Enum, ForeignKey, Integer, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from atrium.platform.db import SharedBase
from atrium.platform.db.types import CreatedAt, OptionalTimestamp


class SubscriptionStatus(enum.StrEnum):
    TRIALING = "trialing"  # our own trial: no card, no Stripe subscription
    ACTIVE = "active"  # paid and current, or on the Free plan
    PAST_DUE = "past_due"  # a payment failed; works until grace_ends_at, then read-only
    CANCELED = "canceled"  # the paid subscription ended: the workspace is on Free


class Subscription(SharedBase):
    """One per workspace: the plan in effect and where it stands with Stripe."""

    __tablename__ = "subscriptions"

    tenant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
    )
    plan: Mapped[str] = mapped_column(String(20))
    interval: Mapped[str] = mapped_column(String(5), default="month")
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[SubscriptionStatus] = mapped_column(
        Enum(
            SubscriptionStatus,
            name="subscription_status",
            values_callable=lambda e: [m.value for m in e],
        ),
        index=True,
    )
    trial_ends_at: Mapped[OptionalTimestamp]
    stripe_customer_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    stripe_subscription_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    seats: Mapped[int] = mapped_column(Integer, default=1)  # the quantity Stripe bills
    current_period_end: Mapped[OptionalTimestamp]
    cancel_at_period_end: Mapped[bool] = mapped_column(Boolean, default=False)
    past_due_since: Mapped[OptionalTimestamp]
    grace_ends_at: Mapped[OptionalTimestamp]
    next_retry_at: Mapped[OptionalTimestamp]
    retries: Mapped[int] = mapped_column(Integer, default=0)
    # A franchise branch whose network's HQ pays: it follows the HQ's plan and status.
    paid_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("tenants.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[CreatedAt]


class StripeEvent(SharedBase):
    """A webhook from Stripe, kept by its id: stored and acknowledged, then applied by a job."""

    __tablename__ = "stripe_events"

    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    type: Mapped[str] = mapped_column(String(100))
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    received_at: Mapped[CreatedAt]
    processed_at: Mapped[OptionalTimestamp]
    error: Mapped[str | None] = mapped_column(Text)
