"""A customer's timeline: everything that happened with them, newest first, in one list.

Each kind of record contributes through a provider; deals, activities and appeals add theirs
with ``timeline_provider`` when they arrive.
"""

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.crm.audit.models import AuditEntry
from atrium.platform.crm.contacts.cards import contact_card
from atrium.platform.errors import Invalid
from atrium.platform.http.pagination import Page, decode_cursor, encode_cursor


@dataclass(frozen=True)
class TimelineEntry:
    id: uuid.UUID
    at: datetime
    kind: str  # contact.created, contact.updated, contact.merged, deal.created, ...
    actor_id: uuid.UUID | None
    data: dict[str, Any]


# provider(session, contact_id, before, limit): entries older than (at, id) ``before``, newest first
Provider = Callable[
    [AsyncSession, uuid.UUID, tuple[datetime, uuid.UUID] | None, int],
    Awaitable[list[TimelineEntry]],
]
_providers: list[Provider] = []


def timeline_provider(provider: Provider) -> Provider:
    _providers.append(provider)
    return provider


@timeline_provider
async def _audit_entries(session, contact_id, before, limit) -> list[TimelineEntry]:
    query = select(AuditEntry).where(
        AuditEntry.record_type == "contact", AuditEntry.record_id == contact_id
    )
    if before is not None:
        query = query.where(tuple_(AuditEntry.at, AuditEntry.id) < tuple_(*before))
    rows = await session.scalars(
        query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    )
    return [
        TimelineEntry(
            id=entry.id,
            at=entry.at,
            kind=f"contact.{entry.action}",
            actor_id=entry.actor_id,
            data={"field": entry.field, "old": entry.old_value, "new": entry.new_value}
            if entry.action == "updated"
            else ({"merged": entry.old_value} if entry.action == "merged" else {}),
        )
        for entry in rows
    ]


async def contact_timeline(
    session: AsyncSession,
    principal: Principal,
    contact_id: uuid.UUID,
    *,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[TimelineEntry]:
    if not 1 <= limit <= 200:
        raise Invalid("limit must be between 1 and 200.", field="limit")
    await contact_card(session, principal, contact_id)  # 404 unless visible
    before = None
    if cursor:
        at, entry_id = decode_cursor(cursor, 2)
        try:
            before = (datetime.fromisoformat(at), uuid.UUID(entry_id))
        except ValueError as error:
            raise Invalid("The cursor is not one this API gave out.", field="cursor") from error
    entries: list[TimelineEntry] = []
    for provider in _providers:
        entries += await provider(session, contact_id, before, limit + 1)
    entries.sort(key=lambda entry: (entry.at, entry.id), reverse=True)
    page, more = entries[:limit], len(entries) > limit
    next_cursor = encode_cursor([page[-1].at.isoformat(), page[-1].id]) if more else None
    return Page(items=page, next_cursor=next_cursor)
