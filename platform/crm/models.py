"""Core CRM tables in every workspace: contacts, companies, tags, custom fields, the audit trail."""

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

from atrium.platform.crm.normalize import search_key
from atrium.platform.db import TenantBase
from atrium.platform.db.types import CreatedAt, OptionalTimestamp, UUIDPk

GENDERS = ("female", "male", "unknown")


def trigram_index(name: str, column: str) -> Index:
    """A pg_trgm index: substring (LIKE '%x%') and typo-tolerant matches without a scan."""
    return Index(name, column, postgresql_using="gin", postgresql_ops={column: "gin_trgm_ops"})


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


class Note(TenantBase):
    """A note on a customer's card, one per entry on the timeline."""

    __tablename__ = "notes"
    __table_args__ = (Index("ix_notes_contact_created", "contact_id", "created_at"),)

    id: Mapped[UUIDPk]
    contact_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[uuid.UUID | None]
    created_at: Mapped[CreatedAt]


class Team(TenantBase):
    """A group of members: records shared with it are seen by all of them, and its managers
    see everything its members own."""

    __tablename__ = "teams"

    id: Mapped[UUIDPk]
    name: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[CreatedAt]


class TeamMember(TenantBase):
    __tablename__ = "team_members"

    team_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(primary_key=True, index=True)


class Tag(TenantBase):
    __tablename__ = "tags"

    id: Mapped[UUIDPk]
    name: Mapped[str] = mapped_column(String(60), unique=True)


class ContactTag(TenantBase):
    __tablename__ = "contact_tags"

    contact_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class CompanyTag(TenantBase):
    __tablename__ = "company_tags"

    company_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class CustomField(TenantBase):
    """A field the workspace adds to contacts or companies; values live in ``custom``."""

    __tablename__ = "custom_fields"
    __table_args__ = (
        UniqueConstraint("object_type", "key"),
        CheckConstraint("object_type IN ('contact', 'company')", name="object_type"),
        CheckConstraint(
            "field_type IN ('text', 'number', 'date', 'choice', 'boolean')", name="field_type"
        ),
    )

    id: Mapped[UUIDPk]
    object_type: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(60))
    label: Mapped[str] = mapped_column(String(100))
    field_type: Mapped[str] = mapped_column(String(20))
    choices: Mapped[list[str]] = mapped_column(JSONB, default=list)
    required: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[CreatedAt]


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


class DemoRecord(TenantBase):
    """A record made as demo data at sign-up, so one click can clear exactly those."""

    __tablename__ = "demo_records"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    record_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
