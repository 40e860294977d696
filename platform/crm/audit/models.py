"""The audit trail: who changed which record, when, and what."""

import uuid
from typing import Any

from sqlalchemy import (
    Index,
    String,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from atrium.platform.db import TenantBase
from atrium.platform.db.types import CreatedAt, UUIDPk


class AuditEntry(TenantBase):
    """Who changed which field of which record from what to what, and when."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_record", "record_type", "record_id", "at"),)

    id: Mapped[UUIDPk]
    record_type: Mapped[str] = mapped_column(String(30))
    record_id: Mapped[uuid.UUID]
    action: Mapped[str] = mapped_column(String(20))  # created, updated, deleted, merged
    field: Mapped[str] = mapped_column(String(60), default="")
    old_value: Mapped[Any] = mapped_column(JSONB, nullable=True)
    new_value: Mapped[Any] = mapped_column(JSONB, nullable=True)
    actor_id: Mapped[uuid.UUID | None]
    at: Mapped[CreatedAt]
