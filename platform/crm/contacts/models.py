"""Contacts (the customer card), their phones, e-mails, companies and tags."""

import uuid
from datetime import date
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Computed,
    Date,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column, validates

from atrium.platform.crm.records.models import trigram_index
from atrium.platform.crm.records.normalize import search_key
from atrium.platform.db import TenantBase
from atrium.platform.db.types import CreatedAt, OptionalTimestamp, UUIDPk

GENDERS = ("female", "male", "unknown")

CHANNELS = ("phone", "email", "sms", "messenger", "social", "website", "visit", "other")


class Contact(TenantBase):
    """A person the business deals with; the customer card."""

    __tablename__ = "contacts"
    __table_args__ = (
        CheckConstraint(f"gender IN {GENDERS}", name="gender"),
        Index("ix_contacts_owner_created", "owner_id", "created_at"),
        trigram_index("ix_contacts_search_name", "search_name"),
    )

    id: Mapped[UUIDPk]
    first_name: Mapped[str] = mapped_column(String(100), default="")
    middle_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100), default="")
    display_name: Mapped[str] = mapped_column(String(320), index=True)
    birthday: Mapped[date | None] = mapped_column(Date)
    gender: Mapped[str] = mapped_column(String(10), default="unknown")
    address: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(40), default="")
    owner_id: Mapped[uuid.UUID | None]  # a user of the shared registry; no FK across schemas
    team_id: Mapped[uuid.UUID | None] = mapped_column(  # shared with this team
        ForeignKey("teams.id", ondelete="SET NULL"), index=True
    )
    marketing_consent: Mapped[bool] = mapped_column(default=False)
    # Channels the customer withdrew from marketing (unsubscribed) while the consent stands.
    marketing_opt_outs: Mapped[list[str]] = mapped_column(
        ARRAY(String(10)), default=list, server_default="{}"
    )
    consent_at: Mapped[OptionalTimestamp]
    consent_channel: Mapped[str] = mapped_column(String(20), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    custom: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    search_name: Mapped[str] = mapped_column(Text, default="")  # normalize.search_key
    # The Telegram chat the customer linked by opening the workspace bot's link (notify).
    telegram_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    # Month * 100 + day, so the scheduler finds today's birthdays by index; and the last year
    # the customer was greeted (the greeting's once-a-year claim).
    birthday_md: Mapped[int | None] = mapped_column(
        SmallInteger,
        Computed(
            "(EXTRACT(MONTH FROM birthday) * 100 + EXTRACT(DAY FROM birthday))::smallint",
            persisted=True,
        ),
        index=True,
    )
    birthday_greeted_in: Mapped[int | None] = mapped_column(SmallInteger)
    created_by: Mapped[uuid.UUID | None]
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[CreatedAt]

    @validates("display_name")
    def _index_name(self, _key: str, value: str) -> str:
        self.search_name = search_key(value)
        return value


class ContactPhone(TenantBase):
    """Phones in E.164, one row each, so duplicates and exact lookups use an index."""

    __tablename__ = "contact_phones"
    __table_args__ = (
        UniqueConstraint("contact_id", "number"),
        trigram_index("ix_contact_phones_number_trgm", "number"),
    )

    id: Mapped[UUIDPk]
    contact_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    number: Mapped[str] = mapped_column(String(20), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="mobile")
    position: Mapped[int] = mapped_column(default=0)


class ContactEmail(TenantBase):
    __tablename__ = "contact_emails"
    __table_args__ = (
        UniqueConstraint("contact_id", "address"),
        trigram_index("ix_contact_emails_address_trgm", "address"),
    )

    id: Mapped[UUIDPk]
    contact_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    address: Mapped[str] = mapped_column(String(320), index=True)  # lower-cased
    kind: Mapped[str] = mapped_column(String(20), default="work")
    position: Mapped[int] = mapped_column(default=0)


class ContactCompany(TenantBase):
    """A person's place at a company (many-to-many, with their role there)."""

    __tablename__ = "contact_companies"

    contact_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True
    )
    company_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(100), default="")


class ContactTag(TenantBase):
    __tablename__ = "contact_tags"

    contact_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True
    )
