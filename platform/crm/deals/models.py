"""Pipelines with ordered stages, and the deals that move through them."""

import uuid
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, validates

from atrium.platform.crm.records.models import trigram_index
from atrium.platform.crm.records.normalize import search_key
from atrium.platform.db import TenantBase
from atrium.platform.db.types import CreatedAt, OptionalTimestamp, UUIDPk

STAGE_KINDS = ("open", "won", "lost")


class Pipeline(TenantBase):
    __tablename__ = "pipelines"

    id: Mapped[UUIDPk]
    name: Mapped[str] = mapped_column(String(100), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[CreatedAt]


class Stage(TenantBase):
    __tablename__ = "stages"
    __table_args__ = (
        UniqueConstraint("pipeline_id", "name"),
        CheckConstraint(f"kind IN {STAGE_KINDS}", name="kind"),
        CheckConstraint("probability BETWEEN 0 AND 100", name="probability"),
    )

    id: Mapped[UUIDPk]
    pipeline_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("pipelines.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(10), default="open")
    probability: Mapped[int] = mapped_column(default=0)
    responsible_role: Mapped[str] = mapped_column(String(100), default="")
    time_limit_hours: Mapped[int | None]


class Deal(TenantBase):
    __tablename__ = "deals"
    __table_args__ = (
        Index("ix_deals_stage_changed", "stage_id", "stage_changed_at"),
        trigram_index("ix_deals_search_name", "search_name"),
    )

    id: Mapped[UUIDPk]
    title: Mapped[str] = mapped_column(String(300))
    pipeline_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pipelines.id"), index=True)
    stage_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stages.id"))
    contact_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    company_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("companies.id", ondelete="SET NULL"), index=True
    )
    owner_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    team_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("teams.id", ondelete="SET NULL"), index=True
    )
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal("0"))
    currency: Mapped[str] = mapped_column(String(3))
    lost_reason: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    search_name: Mapped[str] = mapped_column(Text, default="")  # normalize.search_key
    stage_changed_at: Mapped[CreatedAt]
    # When an open deal overstays its stage (the stage's time limit at entry); see deals.py.
    stage_due_at: Mapped[OptionalTimestamp] = mapped_column(index=True)
    closed_at: Mapped[OptionalTimestamp]
    created_by: Mapped[uuid.UUID | None]
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[CreatedAt]

    @validates("title")
    def _index_title(self, _key: str, value: str) -> str:
        self.search_name = search_key(value)
        return value


class DealMove(TenantBase):
    """Who moved a deal from which stage to which, and when."""

    __tablename__ = "deal_moves"

    id: Mapped[UUIDPk]
    deal_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("deals.id", ondelete="CASCADE"), index=True
    )
    from_stage_id: Mapped[uuid.UUID | None]
    to_stage_id: Mapped[uuid.UUID]
    actor_id: Mapped[uuid.UUID | None]
    at: Mapped[CreatedAt]
