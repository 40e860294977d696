"""The outbox: domain events written in the same transaction as the change they describe."""

from typing import Any

from sqlalchemy import BigInteger, Identity, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from atrium.platform.db import TenantBase
from atrium.platform.db.types import CreatedAt, OptionalTimestamp


class OutboxEvent(TenantBase):
    __tablename__ = "outbox_events"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))  # dotted: contact.created
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    created_at: Mapped[CreatedAt]
    published_at: Mapped[OptionalTimestamp] = mapped_column(index=True)
