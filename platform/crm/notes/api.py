"""/api/v1/contacts/{id}/notes (list, add) and /api/v1/notes/{id} (delete)."""

import uuid
from datetime import datetime

import msgspec
from litestar import delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.crm.notes import service as notes
from atrium.platform.crm.notes.models import Note
from atrium.platform.http.auth import requires
from atrium.platform.http.kit import DEPENDENCIES


class NoteIn(msgspec.Struct, forbid_unknown_fields=True):
    body: str


class NoteOut(msgspec.Struct):
    id: uuid.UUID
    contact_id: uuid.UUID
    body: str
    author_id: uuid.UUID | None
    created_at: datetime


class NoteList(msgspec.Struct):
    items: list[NoteOut]
    next_cursor: str | None


def _out(note: Note) -> NoteOut:
    return NoteOut(note.id, note.contact_id, note.body, note.author_id, note.created_at)


@get(
    "/contacts/{contact_id:uuid}/notes",
    guards=[requires("crm.read")],
    dependencies=DEPENDENCIES,
    tags=["Notes"],
)
async def list_notes(
    principal: NamedDependency[Principal],
    session: NamedDependency[AsyncSession],
    contact_id: FromPath[uuid.UUID],
    cursor: FromQuery[str | None] = None,
    limit: FromQuery[int] = 25,
) -> NoteList:
    page = await notes.list_notes(session, principal, contact_id, cursor=cursor, limit=limit)
    return NoteList([_out(note) for note in page.items], page.next_cursor)


@post(
    "/contacts/{contact_id:uuid}/notes",
    guards=[requires("crm.write")],
    dependencies=DEPENDENCIES,
    tags=["Notes"],
)
async def add_note(
    principal: NamedDependency[Principal],
    session: NamedDependency[AsyncSession],
    contact_id: FromPath[uuid.UUID],
    data: JSONBody[NoteIn],
) -> NoteOut:
    return _out(await notes.add_note(session, principal, contact_id, data.body))


@delete(
    "/notes/{note_id:uuid}",
    guards=[requires("crm.write")],
    dependencies=DEPENDENCIES,
    tags=["Notes"],
    status_code=204,
)
async def delete_note(
    principal: NamedDependency[Principal],
    session: NamedDependency[AsyncSession],
    note_id: FromPath[uuid.UUID],
) -> None:
    await notes.delete_note(session, principal, note_id)


routes = [list_notes, add_note, delete_note]
