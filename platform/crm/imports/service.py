"""Imports of contacts, companies, deals and products from CSV or .xlsx: upload (a draft with
its preview and a guessed mapping), start (the job takes it from there), progress, the report
of rejected rows and of rows skipped as duplicates (each beside the file's own row), resume,
and undo of exactly the records a batch created."""

import asyncio
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, update
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.crm.custom_fields.service import list_fields
from atrium.platform.crm.imports import repository as import_repo
from atrium.platform.crm.imports import undo as import_undo
from atrium.platform.crm.imports.fields import (
    CUSTOM_OBJECT,
    CUSTOM_PREFIX,
    FIELDS,
    ImportField,
    checked_mapping,
    guess_mapping,
)
from atrium.platform.crm.imports.files import read_shape
from atrium.platform.crm.imports.models import IMPORT_KINDS, ON_DUPLICATE, ImportBatch
from atrium.platform.db.types import utcnow
from atrium.platform.errors import Conflict, Invalid, NotFound
from atrium.platform.events.service import record_event

# Who may import each kind (as they may add it by hand), and undo it (as they may delete it).
IMPORT_PERMISSION = {
    "contacts": "crm.write",
    "companies": "crm.write",
    "deals": "crm.write",
    "products": "crm.settings",
}
UNDO_PERMISSION = {
    "contacts": "crm.delete",
    "companies": "crm.delete",
    "deals": "crm.delete",
    "products": "crm.settings",
}
# A queued or running batch without a sign of life for this long lost its job (a worker killed,
# a queue emptied): the next look at it queues it again, and it goes on from its cursor.
STALE_AFTER = timedelta(seconds=60)
ACTIVE = ("queued", "running")


@dataclass(frozen=True)
class RejectedRow:
    row_number: int
    column: str  # the file's header of the column the message is about, when known
    message: str  # the service's message, with %(name)s placeholders filled from params
    params: dict
    cells: list[str]  # the row as the file had it


@dataclass(frozen=True)
class SkippedRow:
    row_number: int
    cells: list[str]  # the row as the file had it
    record_id: uuid.UUID | None  # the record it duplicates, when the member may see it
    record_name: str  # its name, when the member may see it
    same_as_row: int | None  # else the earlier row of the file it repeats


def checked_kind(kind: str) -> str:
    if kind not in IMPORT_KINDS:
        raise Invalid(
            "kind must be one of: %(choices)s.", field="kind", choices=", ".join(IMPORT_KINDS)
        )
    return kind


async def custom_fields_of(session: AsyncSession, kind: str) -> list:
    object_type = CUSTOM_OBJECT.get(kind)
    return await list_fields(session, object_type) if object_type else []


async def import_fields(session: AsyncSession, kind: str) -> list[ImportField]:
    """What a column can go into: the kind's fields, then the workspace's custom fields."""
    custom = [
        ImportField(CUSTOM_PREFIX + field.key, field.label)
        for field in await custom_fields_of(session, kind)
    ]
    return [*FIELDS[kind], *custom]


async def upload_batch(
    session: AsyncSession, principal: Principal, *, kind: str, file_name: str, content: bytes
) -> ImportBatch:
    """A draft batch: the file read far enough to show its first rows and a guessed mapping."""
    principal.require(IMPORT_PERMISSION[checked_kind(kind)])
    shape = await asyncio.to_thread(read_shape, content, file_name)
    if not shape.total_rows:
        raise Invalid("The file has a header but no rows to import.", field="file")
    custom = await custom_fields_of(session, kind)
    batch = ImportBatch(
        kind=kind,
        status="draft",
        file_name=_printable(file_name)[:300] or "import",
        file_format=shape.file_format,
        encoding=shape.encoding,
        delimiter=shape.delimiter,
        content=content,
        headers=shape.headers,
        preview=shape.preview,
        total_rows=shape.total_rows,
        mapping=guess_mapping(kind, shape.headers, custom),
        created_by=principal.user_id,
    )
    session.add(batch)
    await session.flush()
    return batch


def _printable(text: str | None) -> str:
    return "".join(ch for ch in text or "" if ch.isprintable())


async def start_batch(
    session: AsyncSession,
    principal: Principal,
    batch_id: uuid.UUID,
    *,
    mapping: list[str] | None = None,
    on_duplicate: str = "skip",
) -> ImportBatch:
    """Fix the mapping and the rule for duplicates, and hand the batch to the job."""
    batch = await _visible_batch(session, principal, batch_id, lock=True)
    principal.require(IMPORT_PERMISSION[batch.kind])
    if batch.status != "draft":
        raise Conflict("This import has already started.")
    if on_duplicate not in ON_DUPLICATE:
        raise Invalid(
            "on_duplicate must be one of: %(choices)s.",
            field="on_duplicate",
            choices=", ".join(ON_DUPLICATE),
        )
    custom = await custom_fields_of(session, batch.kind)
    batch.mapping = checked_mapping(
        batch.kind, batch.mapping if mapping is None else mapping, len(batch.headers), custom
    )
    batch.on_duplicate = on_duplicate
    await _queue(session, batch)
    return batch


async def _queue(session: AsyncSession, batch: ImportBatch) -> None:
    batch.status, batch.heartbeat_at, batch.error = "queued", utcnow(), ""
    await session.flush()
    await record_event(session, "import.queued", {"batch_id": str(batch.id)})


async def _visible_batch(
    session: AsyncSession, principal: Principal, batch_id: uuid.UUID, *, lock: bool = False
) -> ImportBatch:
    """A member sees their own imports; owners and admins everyone's."""
    if lock:
        batch = await import_repo.batch_for_update(session, batch_id)
    else:
        batch = await session.get(ImportBatch, batch_id)
    if batch is None or (
        batch.created_by != principal.user_id and not principal.can("crm.all_records")
    ):
        raise NotFound("No such import.")
    return batch


async def get_batch(
    session: AsyncSession, principal: Principal, batch_id: uuid.UUID
) -> ImportBatch:
    """The batch with its progress; one that lost its job is queued again (see STALE_AFTER)."""
    batch = await _visible_batch(session, principal, batch_id)
    if batch.status in ACTIVE and (batch.heartbeat_at or batch.created_at) < utcnow() - STALE_AFTER:
        await rearm_stalled(session, batch.id)
    return batch


async def rearm_stalled(session: AsyncSession, batch_id: uuid.UUID | None = None) -> int:
    """Batches whose job went quiet for STALE_AFTER (a worker died) are queued again, once
    whoever notices first: a page, the API, or the scheduler's scan."""
    query = update(ImportBatch).where(
        ImportBatch.status.in_(ACTIVE),
        func.coalesce(ImportBatch.heartbeat_at, ImportBatch.created_at) < utcnow() - STALE_AFTER,
    )
    if batch_id is not None:
        query = query.where(ImportBatch.id == batch_id)
    rearmed = (
        await session.scalars(query.values(heartbeat_at=utcnow()).returning(ImportBatch.id))
    ).all()
    for rearmed_id in rearmed:
        await record_event(session, "import.queued", {"batch_id": str(rearmed_id)})
    return len(rearmed)


async def list_batches(
    session: AsyncSession, principal: Principal, limit: int = 50
) -> list[ImportBatch]:
    everyone = principal.can("crm.all_records")
    return await import_repo.list_batches(session, None if everyone else principal.user_id, limit)


async def rejected_rows(
    session: AsyncSession, principal: Principal, batch_id: uuid.UUID, limit: int | None = None
) -> list[RejectedRow]:
    batch = await _visible_batch(session, principal, batch_id)
    return [
        RejectedRow(row.row_number, column_of(batch, row.field), row.message, row.params, row.cells)
        for row in await import_repo.rejections(session, batch.id, limit)
    ]


async def skipped_rows(
    session: AsyncSession, principal: Principal, batch_id: uuid.UUID, limit: int | None = None
) -> list[SkippedRow]:
    """The rows skipped as duplicates; a duplicated record the member may not see is not
    named (it is still why the row was skipped)."""
    batch = await _visible_batch(session, principal, batch_id)
    skips = await import_repo.skips(session, batch.id, limit)
    names = await import_repo.visible_record_names(
        session, principal, batch.kind, (skip.record_id for skip in skips if skip.record_id)
    )
    return [
        SkippedRow(
            skip.row_number,
            skip.cells,
            skip.record_id if skip.record_id in names else None,
            names.get(skip.record_id, ""),
            skip.same_as_row,
        )
        for skip in skips
    ]


def column_of(batch: ImportBatch, field: str) -> str:
    """The header of the column a message's field came from (phones[0] is the phone column)."""
    key = field.split("[")[0]
    for candidate in (key, key.removesuffix("s"), "contact" if key == "contact" else None):
        if candidate and candidate in batch.mapping:
            return batch.headers[batch.mapping.index(candidate)]
    if key in ("first_name", "last_name") and "full_name" in batch.mapping:
        return batch.headers[batch.mapping.index("full_name")]
    return ""


async def resume_batch(
    session: AsyncSession, principal: Principal, batch_id: uuid.UUID
) -> ImportBatch:
    """A failed batch goes on from the row it stopped at."""
    batch = await _visible_batch(session, principal, batch_id, lock=True)
    if batch.status != "failed":
        raise Conflict("Only an import that stopped on an error can be resumed.")
    await _queue(session, batch)
    return batch


async def undo_batch(
    session: AsyncSession, principal: Principal, batch_id: uuid.UUID
) -> ImportBatch:
    """Put back what the batch changed on the records it updated, then delete the records it
    created, except those later work hangs on (notes, deals, ...): those are kept and counted
    with the reason."""
    batch = await _visible_batch(session, principal, batch_id, lock=True)
    principal.require(UNDO_PERMISSION[batch.kind])
    if batch.status == "undone":
        raise Conflict("This import is already undone.")
    if batch.status in ACTIVE:
        raise Conflict("Wait until the import finishes, then undo it.")
    if batch.status == "draft":
        raise Conflict("This import has not started; there is nothing to undo.")
    # Updates first: a contact the batch linked to a company it created lets go of it.
    batch.restored_count = await import_undo.restore_batch(session, principal, batch.id)
    deleted, kept, because = await import_repo.delete_batch_records(session, batch.id)
    batch.undone_count, batch.kept_count, batch.kept_because = deleted, kept, because
    batch.status, batch.undone_at, batch.content = "undone", utcnow(), None
    await record_event(
        session,
        "import.undone",
        {
            "batch_id": str(batch.id),
            "deleted": deleted,
            "kept": kept,
            "restored": batch.restored_count,
        },
    )
    return batch


async def rearm_stalled_imports(session: AsyncSession, settings, now) -> int:
    """Due work: the scheduler's scan for imports whose worker died."""
    return await rearm_stalled(session)
