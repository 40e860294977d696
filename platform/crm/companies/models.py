"""Companies (organisations a business deals with) and their tags."""

import uuid
from typing import Any

from sqlalchemy import (
    ForeignKey,
    String,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, validates

from atrium.platform.crm.records.models import trigram_index
from atrium.platform.crm.records.normalize import search_key
from atrium.platform.db import TenantBase
from atrium.platform.db.types import CreatedAt, UUIDPk


class Company(TenantBase):
    __tablename__ = "companies"
    __table_args__ = (trigram_index("ix_companies_search_name", "search_name"),)

    id: Mapped[UUIDPk]
    name: Mapped[str] = mapped_column(String(300), index=True)
    legal_name: Mapped[str] = mapped_column(String(300), default="")
    tax_id: Mapped[str] = mapped_column(String(40), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    email: Mapped[str] = mapped_column(String(320), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[uuid.UUID | None]
    team_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("teams.id", ondelete="SET NULL"), index=True
    )
    notes: Mapped[str] = mapped_column(Text, default="")
    custom: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    search_name: Mapped[str] = mapped_column(Text, default="")  # normalize.search_key
    created_by: Mapped[uuid.UUID | None]
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[CreatedAt]

    @validates("name", "legal_name", "tax_id")
    def _index_name(self, key: str, value: str) -> str:
        parts = {field: getattr(self, field) or "" for field in ("name", "legal_name", "tax_id")}
        parts[key] = value
        self.search_name = search_key(*parts.values())
        return value


class CompanyTag(TenantBase):
    __tablename__ = "company_tags"

    company_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True
    )
