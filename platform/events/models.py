"""The outbox: domain events written in the same transaction as the change they describe."""

from typing import Any

from sqlalchemy import BigInteger, Identity, Index, String, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from atrium.platform.db import TenantBase
from atrium.platform.db.types import CreatedAt, OptionalTimestamp


class OutboxEvent(TenantBase):
    __tablename__ = "outbox_events"
    __table_args__ = (
        # Published long ago and never dispatched: the relay publishes these again.
        Index(
            "ix_outbox_events_undispatched",
            "published_at",
            postgresql_where=text("dispatched_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))  # dotted: contact.created
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    created_at: Mapped[CreatedAt]
    published_at: Mapped[OptionalTimestamp] = mapped_column(index=True)
    dispatched_at: Mapped[OptionalTimestamp]  # its handlers ran (the dispatch job committed)
    # How often the relay sent it; it stops republishing after OUTBOX_MAX_PUBLISHES.
    publish_attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    # Its dispatch failed past its retries (a failed job): not republished until retried.
    failed_at: Mapped[OptionalTimestamp]
