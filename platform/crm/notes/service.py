"""Notes on a customer's card: written by anyone who sees the contact, on its timeline,
moved by merges; removed by their author or by someone who sees all the team's records."""

import uuid
from datetime import datetime

from sqlalchemy import select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.crm.audit.service import audit_event
from atrium.platform.crm.contacts.cards import contact_card
from atrium.platform.crm.contacts.merge import moves_references
from atrium.platform.crm.contacts.timeline import TimelineEntry, timeline_provider
from atrium.platform.crm.notes.models import Note
from atrium.platform.errors import Forbidden, Invalid, NotFound
from atrium.platform.http.pagination import Page, paginate

MAX_NOTE = 20_000


async def add_note(
    session: AsyncSession, principal: Principal, contact_id: uuid.UUID, body: str
) -> Note:
    await contact_card(session, principal, contact_id)  # 404 unless visible
    body = body.strip()
    if not body or len(body) > MAX_NOTE:
        raise Invalid("A note holds 1 to %(max)s characters.", field="body", max=MAX_NOTE)
    note = Note(contact_id=contact_id, body=body, author_id=principal.user_id)
    session.add(note)
    await session.flush()
    return note


async def list_notes(
    session: AsyncSession,
    principal: Principal,
    contact_id: uuid.UUID,
    *,
    cursor: str | None = None,
    limit: int = 25,
) -> Page[Note]:
    await contact_card(session, principal, contact_id)
    return await paginate(
        session,
        select(Note).where(Note.contact_id == contact_id),
        sort=[Note.created_at, Note.id],
        key=lambda note: [note.created_at, note.id],
        parse=[datetime.fromisoformat, uuid.UUID],
        cursor=cursor,
        limit=limit,
        descending=True,
    )


async def delete_note(session: AsyncSession, principal: Principal, note_id: uuid.UUID) -> None:
    note = await session.scalar(select(Note).where(Note.id == note_id).with_for_update())
    if note is None:
        raise NotFound("No such note.")
    await contact_card(session, principal, note.contact_id)  # a hidden contact's note: 404
    mine = note.author_id == principal.user_id
    if not mine and not (principal.can("crm.all_records") or principal.can("crm.team_records")):
        raise Forbidden("Only its author or a manager removes a note.")
    audit_event(session, "contact", note.contact_id, "note_deleted", principal, old=note.body)
    await session.delete(note)


@moves_references
async def _move_notes(session: AsyncSession, from_id: uuid.UUID, to_id: uuid.UUID) -> None:
    await session.execute(update(Note).where(Note.contact_id == from_id).values(contact_id=to_id))


@timeline_provider
async def _note_history(session, contact_id, before, limit) -> list[TimelineEntry]:
    query = select(Note).where(Note.contact_id == contact_id)
    if before is not None:
        query = query.where(tuple_(Note.created_at, Note.id) < tuple_(*before))
    rows = await session.scalars(
        query.order_by(Note.created_at.desc(), Note.id.desc()).limit(limit)
    )
    return [
        TimelineEntry(
            id=note.id,
            at=note.created_at,
            kind="note.added",
            actor_id=note.author_id,
            data={"note_id": str(note.id), "body": note.body},
        )
        for note in rows
    ]
