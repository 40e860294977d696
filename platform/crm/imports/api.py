"""/api/v1/imports: upload a CSV or .xlsx file (multipart), start it with a mapping, follow its
progress, read its rejected rows, undo it."""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.params import Body, FromPath, FromQuery, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.crm.imports import service as imports
from atrium.platform.crm.imports.files import MAX_FILE_BYTES, MAX_UPLOAD_BODY
from atrium.platform.crm.imports.models import ImportBatch
from atrium.platform.errors import Invalid
from atrium.platform.http.auth import requires
from atrium.platform.http.kit import DEPENDENCIES
from atrium.platform.http.problems import problem


def too_large(request: Request, __: RequestEntityTooLarge) -> Response:
    return problem(
        request,
        413,
        "The file is larger than %(max)d MB; split it into smaller files.",
        values={"max": MAX_FILE_BYTES // (1024 * 1024)},
    )


@dataclass
class UploadIn:
    file: UploadFile
    kind: str = "contacts"
    on_duplicate: str = "skip"
    start: bool = False  # start at once with the guessed mapping


class StartIn(msgspec.Struct, forbid_unknown_fields=True):
    mapping: list[str] | None = None  # a field key per column ("" leaves a column out)
    on_duplicate: str = "skip"


class ImportOut(msgspec.Struct):
    id: uuid.UUID
    kind: str
    status: str
    file_name: str
    headers: list[str]
    preview: list[list[str]]
    mapping: list[str]
    on_duplicate: str
    total_rows: int
    rows_done: int
    created: int
    updated: int
    skipped: int
    rejected: int
    undone: int
    kept: int  # records the batch created that undo kept: later work hangs on them
    kept_because: dict[str, int]  # notes, deals, activities, ... -> records kept for that
    restored: int  # records the batch updated that undo put back
    created_at: datetime
    finished_at: datetime | None


class ImportList(msgspec.Struct):
    items: list[ImportOut]
    next_cursor: str | None = None


class RejectedRowOut(msgspec.Struct):
    row: int
    column: str
    detail: str
    cells: list[str]  # the row as the file had it, a cell per header


class SkippedRowOut(msgspec.Struct):
    row: int
    cells: list[str]  # the row as the file had it, a cell per header
    record_id: uuid.UUID | None  # the record it duplicates (null when not yours to see)
    same_as_row: int | None  # else the earlier row of the file it repeats


class SkippedRowList(msgspec.Struct):
    items: list[SkippedRowOut]
    next_cursor: str | None = None


class RejectedRowList(msgspec.Struct):
    items: list[RejectedRowOut]
    next_cursor: str | None = None


def _out(batch: ImportBatch) -> ImportOut:
    return ImportOut(
        id=batch.id,
        kind=batch.kind,
        status=batch.status,
        file_name=batch.file_name,
        headers=batch.headers,
        preview=batch.preview,
        mapping=batch.mapping,
        on_duplicate=batch.on_duplicate,
        total_rows=batch.total_rows,
        rows_done=batch.cursor,
        created=batch.created_count,
        updated=batch.updated_count,
        skipped=batch.skipped_count,
        rejected=batch.rejected_count,
        undone=batch.undone_count,
        kept=batch.kept_count,
        kept_because=batch.kept_because,
        restored=batch.restored_count,
        created_at=batch.created_at,
        finished_at=batch.finished_at,
    )


class ImportController(Controller):
    path = "/imports"
    tags = ["Imports"]
    dependencies = DEPENDENCIES

    @get("/", guards=[requires("crm.read")], summary="The caller's imports, newest first")
    async def list_imports(
        self, session: NamedDependency[AsyncSession], principal: NamedDependency[Principal]
    ) -> ImportList:
        return ImportList(items=[_out(b) for b in await imports.list_batches(session, principal)])

    @post(
        "/",
        guards=[requires("crm.write")],
        summary="Upload a CSV or .xlsx file (multipart: file, kind)",
        request_max_body_size=MAX_UPLOAD_BODY,
        exception_handlers={RequestEntityTooLarge: too_large},
    )
    async def upload(
        self,
        session: NamedDependency[AsyncSession],
        principal: NamedDependency[Principal],
        data: Annotated[UploadIn, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> ImportOut:
        if not isinstance(data.file, UploadFile):
            raise Invalid("Send the file as the multipart field 'file'.", field="file")
        content = await data.file.read()
        batch = await imports.upload_batch(
            session, principal, kind=data.kind, file_name=data.file.filename, content=content
        )
        if data.start:
            batch = await imports.start_batch(
                session, principal, batch.id, on_duplicate=data.on_duplicate
            )
        return _out(batch)

    @get("/{batch_id:uuid}", guards=[requires("crm.read")])
    async def show_import(
        self,
        session: NamedDependency[AsyncSession],
        principal: NamedDependency[Principal],
        batch_id: FromPath[uuid.UUID],
    ) -> ImportOut:
        return _out(await imports.get_batch(session, principal, batch_id))

    @post("/{batch_id:uuid}/start", guards=[requires("crm.write")], status_code=202)
    async def start_import(
        self,
        session: NamedDependency[AsyncSession],
        principal: NamedDependency[Principal],
        batch_id: FromPath[uuid.UUID],
        data: JSONBody[StartIn],
    ) -> ImportOut:
        batch = await imports.start_batch(
            session, principal, batch_id, mapping=data.mapping, on_duplicate=data.on_duplicate
        )
        return _out(batch)

    @get("/{batch_id:uuid}/rejected-rows", guards=[requires("crm.read")])
    async def rejected_rows(
        self,
        session: NamedDependency[AsyncSession],
        principal: NamedDependency[Principal],
        batch_id: FromPath[uuid.UUID],
        limit: FromQuery[int] = 1000,
    ) -> RejectedRowList:
        rows = await imports.rejected_rows(session, principal, batch_id, min(max(limit, 1), 10000))
        return RejectedRowList(
            items=[
                RejectedRowOut(
                    row.row_number,
                    row.column,
                    row.message % row.params if row.params else row.message,
                    row.cells,
                )
                for row in rows
            ]
        )

    @get(
        "/{batch_id:uuid}/skipped-rows",
        guards=[requires("crm.read")],
        summary="The rows skipped as duplicates, each with what it duplicates",
    )
    async def skipped_rows(
        self,
        session: NamedDependency[AsyncSession],
        principal: NamedDependency[Principal],
        batch_id: FromPath[uuid.UUID],
        limit: FromQuery[int] = 1000,
    ) -> SkippedRowList:
        rows = await imports.skipped_rows(session, principal, batch_id, min(max(limit, 1), 10000))
        return SkippedRowList(
            items=[
                SkippedRowOut(row.row_number, row.cells, row.record_id, row.same_as_row)
                for row in rows
            ]
        )

    @post("/{batch_id:uuid}/resume", guards=[requires("crm.write")], status_code=202)
    async def resume_import(
        self,
        session: NamedDependency[AsyncSession],
        principal: NamedDependency[Principal],
        batch_id: FromPath[uuid.UUID],
    ) -> ImportOut:
        return _out(await imports.resume_batch(session, principal, batch_id))

    @post("/{batch_id:uuid}/undo", guards=[requires("crm.write")], status_code=200)
    async def undo_import(
        self,
        session: NamedDependency[AsyncSession],
        principal: NamedDependency[Principal],
        batch_id: FromPath[uuid.UUID],
    ) -> ImportOut:
        return _out(await imports.undo_batch(session, principal, batch_id))


routes = [ImportController]
