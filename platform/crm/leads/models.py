"""Leads: incoming requests waiting in the unsorted inbox, and the rules that assign them."""

import uuid
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from atrium.platform.db import TenantBase
from atrium.platform.db.types import CreatedAt, OptionalTimestamp, UUIDPk

LEAD_SOURCES = ("form", "call", "chat", "email", "manual", "other")
LEAD_STATUSES = ("unsorted", "assigned", "converted", "rejected")
STRATEGIES = ("round_robin", "least_loaded")


class Lead(TenantBase):
    __tablename__ = "leads"
    __table_args__ = (
        CheckConstraint(f"source IN {LEAD_SOURCES}", name="source"),
        CheckConstraint(f"status IN {LEAD_STATUSES}", name="status"),
        Index("ix_leads_status_created", "status", "created_at"),
    )

    id: Mapped[UUIDPk]
    source: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="unsorted")
    name: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")  # E.164
    email: Mapped[str] = mapped_column(String(320), default="")
    company_name: Mapped[str] = mapped_column(String(300), default="")
    message: Mapped[str] = mapped_column(Text, default="")
    fields: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)  # e.g. city, product
    assignee_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    assigned_by_rule_id: Mapped[uuid.UUID | None]
    contact_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL")
    )
    deal_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("deals.id", ondelete="SET NULL"))
    converted_at: Mapped[OptionalTimestamp]
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[CreatedAt]


class AssignmentRule(TenantBase):
    """Applied in order to each new lead; the first that matches assigns it."""

    __tablename__ = "assignment_rules"
    __table_args__ = (CheckConstraint(f"strategy IN {STRATEGIES}", name="strategy"),)

    id: Mapped[UUIDPk]
    name: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(default=0)
    source: Mapped[str | None] = mapped_column(String(20))  # match leads from this source
    field: Mapped[str | None] = mapped_column(String(60))  # match fields[field] == value
    value: Mapped[str | None] = mapped_column(String(200))
    strategy: Mapped[str] = mapped_column(String(20), default="round_robin")
    user_ids: Mapped[list[str]] = mapped_column(JSONB, default=list)
    turn: Mapped[int] = mapped_column(default=0)  # round robin: who is next
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[CreatedAt]
