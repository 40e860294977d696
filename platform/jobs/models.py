"""Shared tables of the job system: the dead-letter list and the keys of processed messages."""

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Identity, Integer, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from atrium.platform.db import SharedBase
from atrium.platform.db.types import CreatedAt, OptionalTimestamp


class FailedJob(SharedBase):
    """A message that failed past its retries (or could never succeed); kept for `jobs retry`."""

    __tablename__ = "failed_jobs"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    actor: Mapped[str] = mapped_column(String(100), index=True)
    queue_name: Mapped[str] = mapped_column(String(100))
    message_id: Mapped[str] = mapped_column(String(64))
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    args: Mapped[list[Any]] = mapped_column(JSONB, default=list)
    kwargs: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    retries: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text)
    failed_at: Mapped[CreatedAt]
    retried_at: Mapped[OptionalTimestamp]


class ProcessedMessage(SharedBase):
    """The idempotency key of a message whose actor finished; a redelivery finds it and stops."""

    __tablename__ = "processed_messages"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), index=True
    )
