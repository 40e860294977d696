"""The appeals register: every time a customer turns to the business, and what came of it."""

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from atrium.platform.db import TenantBase
from atrium.platform.db.types import CreatedAt, OptionalTimestamp, UUIDPk

APPEAL_CHANNELS = ("phone", "email", "social", "messenger", "website", "visit")
APPEAL_KINDS = ("inquiry", "complaint", "proposal", "order", "other")


class Appeal(TenantBase):
    __tablename__ = "appeals"
    __table_args__ = (
        CheckConstraint(f"channel IN {APPEAL_CHANNELS}", name="channel"),
        CheckConstraint(f"kind IN {APPEAL_KINDS}", name="kind"),
        Index("ix_appeals_open_due", "answered_at", "respond_by"),
    )

    id: Mapped[UUIDPk]
    contact_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    employee_id: Mapped[uuid.UUID | None]  # who handled it
    channel: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(
        String(300), default=""
    )  # a product's article or a service
    summary: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[str] = mapped_column(Text, default="")
    manager_decision: Mapped[str] = mapped_column(Text, default="")
    respond_by: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    answered_at: Mapped[OptionalTimestamp]
    overdue_noticed_at: Mapped[OptionalTimestamp]  # the scheduler raised appeal.overdue
    owner_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[CreatedAt]


class AppealSubject(TenantBase):
    """A subject offered when an appeal is registered; the appeal keeps its own text, so renaming
    or deleting one leaves the appeals already registered as they were."""

    __tablename__ = "appeal_subjects"

    id: Mapped[UUIDPk]
    name: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[CreatedAt]


def subject_key(subject):
    """What tells subjects apart, in SQL: case and spaces do not ("Gift card", " GIFT  card")."""
    return func.lower(func.trim(func.regexp_replace(subject, r"\s+", " ", "g")))


def typed_subject_key(subject: str) -> str:
    """The same for a subject as typed."""
    return " ".join(subject.split()).lower()


Index("uq_appeal_subjects_name", func.lower(AppealSubject.name), unique=True)
