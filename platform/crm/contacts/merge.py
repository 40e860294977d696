"""Merging a duplicate contact into the one that stays.

Everything that points at the duplicate moves to the survivor. Later modules (deals,
activities, appeals) register their own mover with ``moves_references``.
"""

import uuid
from collections.abc import Awaitable, Callable

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.crm.audit.models import AuditEntry
from atrium.platform.crm.audit.service import audit_event
from atrium.platform.crm.contacts.cards import ContactCard, contact_card, display_name_of
from atrium.platform.crm.contacts.models import ContactTag
from atrium.platform.crm.contacts.repository import (
    replace_companies,
    replace_emails,
    replace_phones,
)
from atrium.platform.crm.records.tags import replace_tags
from atrium.platform.db.types import utcnow
from atrium.platform.errors import Invalid
from atrium.platform.events.service import record_event

Mover = Callable[[AsyncSession, uuid.UUID, uuid.UUID], Awaitable[None]]
_movers: list[Mover] = []

# Survivor's empty fields are filled from the duplicate; its own values win.
FILLED = ("first_name", "middle_name", "last_name", "birthday", "address", "source")


def moves_references(mover: Mover) -> Mover:
    """Register ``mover(session, from_id, to_id)``, run by every merge."""
    _movers.append(mover)
    return mover


async def merge_contacts(
    session: AsyncSession, principal: Principal, survivor_id: uuid.UUID, duplicate_id: uuid.UUID
) -> ContactCard:
    if survivor_id == duplicate_id:
        raise Invalid("A contact cannot be merged into itself.", field="duplicate_id")
    keep = await contact_card(session, principal, survivor_id, lock=True)
    gone = await contact_card(session, principal, duplicate_id, lock=True)
    survivor, duplicate = keep.contact, gone.contact

    for name in FILLED:
        if not getattr(survivor, name) and getattr(duplicate, name):
            setattr(survivor, name, getattr(duplicate, name))
    if survivor.gender == "unknown":
        survivor.gender = duplicate.gender
    if duplicate.notes:
        survivor.notes = "\n\n".join(part for part in (survivor.notes, duplicate.notes) if part)
    survivor.custom = {**duplicate.custom, **survivor.custom}
    # An unsubscribe from either card stands for the merged one.
    survivor.marketing_opt_outs = sorted(
        {*(survivor.marketing_opt_outs or []), *(duplicate.marketing_opt_outs or [])}
    )
    if duplicate.marketing_consent and not survivor.marketing_consent:
        survivor.marketing_consent = True
        survivor.consent_at, survivor.consent_channel = (
            duplicate.consent_at,
            duplicate.consent_channel,
        )

    phones = _union([(p.number, p.kind) for p in keep.phones + gone.phones])
    emails = _union([(e.address, e.kind) for e in keep.emails + gone.emails])
    companies = _union(keep.companies + gone.companies)
    await replace_phones(session, survivor_id, phones)
    await replace_emails(session, survivor_id, emails)
    await replace_companies(session, survivor_id, companies)
    await replace_tags(
        session, ContactTag, ContactTag.contact_id, survivor_id, sorted({*keep.tags, *gone.tags})
    )
    for mover in _movers:
        await mover(session, duplicate_id, survivor_id)
    # The duplicate's history becomes part of the survivor's.
    await session.execute(
        update(AuditEntry)
        .where(AuditEntry.record_type == "contact", AuditEntry.record_id == duplicate_id)
        .values(record_id=survivor_id)
    )
    survivor.display_name = display_name_of(
        survivor, emails[0][0] if emails else None, phones[0][0] if phones else None
    )
    survivor.updated_at = utcnow()
    audit_event(
        session,
        "contact",
        survivor_id,
        "merged",
        principal,
        old={"id": str(duplicate_id), "display_name": duplicate.display_name},
    )
    await session.delete(duplicate)
    await session.flush()
    await record_event(
        session, "contact.merged", {"id": str(survivor_id), "merged_id": str(duplicate_id)}
    )
    return await contact_card(session, principal, survivor_id)


def _union(items: list[tuple]) -> list[tuple]:
    """First occurrence of each key (the first element) wins; order kept."""
    seen, kept = set(), []
    for item in items:
        if item[0] not in seen:
            seen.add(item[0])
            kept.append(item)
    return kept
