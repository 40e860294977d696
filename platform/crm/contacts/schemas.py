"""API shapes of /api/v1/contacts."""

import uuid
from datetime import date, datetime
from typing import Any

import msgspec

from atrium.platform.http.kit import UNSET, Unset
from atrium.platform.instants import Checked


class PhoneIn(msgspec.Struct, forbid_unknown_fields=True):
    number: str
    kind: str = "mobile"


class EmailIn(msgspec.Struct, forbid_unknown_fields=True):
    address: str
    kind: str = "work"


class CompanyLinkIn(msgspec.Struct, forbid_unknown_fields=True):
    company_id: uuid.UUID
    role: str = ""


class ContactIn(Checked, forbid_unknown_fields=True, omit_defaults=True):
    """Create takes any of these; PATCH changes only the fields it sends."""

    first_name: str | Unset = UNSET
    middle_name: str | Unset = UNSET
    last_name: str | Unset = UNSET
    phones: list[PhoneIn] | Unset = UNSET
    emails: list[EmailIn] | Unset = UNSET
    birthday: date | None | Unset = UNSET
    gender: str | Unset = UNSET
    address: str | Unset = UNSET
    source: str | Unset = UNSET
    owner_id: uuid.UUID | Unset = UNSET
    team_id: uuid.UUID | None | Unset = UNSET  # shared with this team (null: not shared)
    marketing_consent: bool | Unset = UNSET
    # Channels the customer unsubscribed from (email, sms, telegram); consent stands for others.
    marketing_opt_outs: list[str] | Unset = UNSET
    consent_channel: str | Unset = UNSET
    notes: str | Unset = UNSET
    tags: list[str] | Unset = UNSET
    companies: list[CompanyLinkIn] | Unset = UNSET
    custom: dict[str, Any] | Unset = UNSET


class PhoneOut(msgspec.Struct):
    number: str
    kind: str


class EmailOut(msgspec.Struct):
    address: str
    kind: str


class CompanyLinkOut(msgspec.Struct):
    company_id: uuid.UUID
    role: str


class ContactOut(msgspec.Struct):
    id: uuid.UUID
    display_name: str
    first_name: str
    middle_name: str
    last_name: str
    phones: list[PhoneOut]
    emails: list[EmailOut]
    birthday: date | None
    gender: str
    address: str
    source: str
    owner_id: uuid.UUID | None
    team_id: uuid.UUID | None
    marketing_consent: bool
    marketing_opt_outs: list[str]
    consent_at: datetime | None
    consent_channel: str
    notes: str
    tags: list[str]
    companies: list[CompanyLinkOut]
    custom: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class ContactList(msgspec.Struct):
    items: list[ContactOut]
    next_cursor: str | None


class MergeIn(msgspec.Struct, forbid_unknown_fields=True):
    duplicate_id: uuid.UUID


class TimelineEntryOut(msgspec.Struct):
    id: uuid.UUID
    at: datetime
    kind: str
    actor_id: uuid.UUID | None
    data: dict[str, Any]


class TimelineList(msgspec.Struct):
    items: list[TimelineEntryOut]
    next_cursor: str | None
