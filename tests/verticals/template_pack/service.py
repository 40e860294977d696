"""The rules: a note is added with an event in the same transaction; the job finishes it."""

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.db.types import utcnow
from atrium.platform.errors import Invalid
from atrium.platform.events.service import record_event

from .models import Note

NOTE_ADDED = "tinypack.note_added"  # an event name starts with the pack's key


async def add_note(session: AsyncSession, text: str) -> Note:
    text = text.strip()
    if not text or len(text) > 200:
        raise Invalid("A note is 1 to 200 characters.")
    note = Note(text=text)
    session.add(note)
    await session.flush()
    await record_event(session, NOTE_ADDED, {"note_id": str(note.id)})
    return note


async def notes(session: AsyncSession) -> list[Note]:
    return list(await session.scalars(select(Note).order_by(Note.created_at.desc()).limit(50)))


async def finish_note(session: AsyncSession, note_id: uuid.UUID) -> None:
    note = await session.get(Note, note_id, with_for_update=True)
    if note is not None and note.done_at is None:  # a second delivery changes nothing
        note.done_at = utcnow()
