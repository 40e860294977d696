"""API shapes of /api/v1/companies."""

import uuid
from datetime import datetime
from typing import Any

import msgspec

from atrium.platform.http.kit import UNSET, Unset


class CompanyIn(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """Create takes any of these (a name at least); PATCH changes only what it sends."""

    name: str | Unset = UNSET
    legal_name: str | Unset = UNSET
    tax_id: str | Unset = UNSET
    phone: str | Unset = UNSET
    email: str | Unset = UNSET
    website: str | Unset = UNSET
    address: str | Unset = UNSET
    owner_id: uuid.UUID | Unset = UNSET
    team_id: uuid.UUID | None | Unset = UNSET
    notes: str | Unset = UNSET
    tags: list[str] | Unset = UNSET
    custom: dict[str, Any] | Unset = UNSET


class CompanyOut(msgspec.Struct):
    id: uuid.UUID
    name: str
    legal_name: str
    tax_id: str
    phone: str
    email: str
    website: str
    address: str
    owner_id: uuid.UUID | None
    team_id: uuid.UUID | None
    notes: str
    tags: list[str]
    custom: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class CompanyList(msgspec.Struct):
    items: list[CompanyOut]
    next_cursor: str | None
