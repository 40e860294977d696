"""Import pages: the list of imports, a new import (upload), a batch's preview with its column
mapping, its progress while the job runs (the page polls itself), the report of rejected rows
(also as CSV), resume and undo; and the export of a list with its filters to CSV or .xlsx."""

import uuid
from collections.abc import AsyncIterator

from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Stream, Template

from atrium.platform.crm.activities.pages import agenda_of
from atrium.platform.crm.exports import service as exports
from atrium.platform.crm.imports import service as imports
from atrium.platform.crm.imports.files import MAX_FILE_BYTES, MAX_UPLOAD_BODY
from atrium.platform.crm.imports.models import IMPORT_KINDS, ON_DUPLICATE
from atrium.platform.errors import DomainError, NotFound
from atrium.platform.http.auth import database
from atrium.platform.pages.kit import WorkspacePage, record_id, transaction

KIND_TITLES = {
    "contacts": "Contacts",
    "companies": "Companies",
    "deals": "Deals",
    "products": "Products and services",
}
SECTIONS = {"contacts": "contacts", "companies": "companies", "deals": "deals"}
# Where a record a skipped row duplicates is opened.
RECORD_PATHS = {"contacts": "contacts", "companies": "companies", "products": "settings/products"}
SHOWN = 100  # rejected and skipped rows shown on the page; the CSV and the API have them all


@get("/w/{slug:str}/imports")
async def imports_list(request: Request, page: NamedDependency[WorkspacePage]) -> Template:
    async with transaction(page) as session:
        batches = await imports.list_batches(session, page.principal)
    return page.render(
        "imports/list.html",
        section="contacts",
        batches=batches,
        kind_titles=KIND_TITLES,
    )


def _new_form(page: WorkspacePage, status_code: int = 200, **context) -> Template:
    kind = context.pop("kind", None)
    return page.render(
        "imports/new.html",
        status_code,
        section=SECTIONS.get(kind or "", "contacts"),
        kinds=IMPORT_KINDS,
        kind=kind if kind in IMPORT_KINDS else "contacts",
        kind_titles=KIND_TITLES,
        max_mb=MAX_FILE_BYTES // (1024 * 1024),
        **context,
    )


@get("/w/{slug:str}/imports/new")
async def import_new(request: Request, page: NamedDependency[WorkspacePage]) -> Template:
    return _new_form(page, kind=request.query_params.get("kind"))


@post(
    "/w/{slug:str}/imports",
    request_max_body_size=MAX_UPLOAD_BODY,
    opt={"file_limit_mb": MAX_FILE_BYTES // 2**20},  # past it, the app's "too large" page
)
async def import_upload(
    request: Request, page: NamedDependency[WorkspacePage]
) -> Template | Redirect:
    form = await request.form()
    kind = form.get("kind", "contacts")
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        errors = {"file": page._("Choose a file to import.")}
        return _new_form(page, 422, kind=kind, errors=errors)
    content = await upload.read()
    try:
        async with transaction(page) as session:
            batch = await imports.upload_batch(
                session, page.principal, kind=kind, file_name=upload.filename, content=content
            )
    except DomainError as error:
        errors = {error.field if error.field == "file" else "_form": page.error_text(error)}
        return _new_form(page, error.status, kind=kind, errors=errors)
    return Redirect(f"{page.base}/imports/{batch.id}")


async def _batch_page(
    page: WorkspacePage, batch_id: uuid.UUID, status_code: int = 200, **context
) -> Template:
    async with transaction(page) as session:
        try:
            batch = await imports.get_batch(session, page.principal, batch_id)
        except NotFound:
            raise NotFoundException() from None
        fields = await imports.import_fields(session, batch.kind)
        rejected = await imports.rejected_rows(session, page.principal, batch_id, limit=SHOWN)
        skipped = await imports.skipped_rows(session, page.principal, batch_id, limit=SHOWN)
    return page.render(
        "imports/batch.html",
        status_code,
        section=SECTIONS.get(batch.kind, "contacts"),
        batch=batch,
        kind_title=KIND_TITLES[batch.kind],
        fields=fields,
        mapping=context.pop("mapping", batch.mapping),
        duplicate_rules=ON_DUPLICATE,
        rejected=[(row, _reason(page, row), _file_row(batch, row.cells)) for row in rejected],
        skipped=[(row, _file_row(batch, row.cells)) for row in skipped],
        record_path=RECORD_PATHS.get(batch.kind),
        shown=SHOWN,
        can_undo=page.principal.can(imports.UNDO_PERMISSION[batch.kind]),
        **context,
    )


def _reason(page: WorkspacePage, row: imports.RejectedRow) -> str:
    return page._(row.message, **row.params)


def _file_row(batch, cells: list[str]) -> list[tuple[str, str]]:
    """The row as the file had it: (the column's header, the cell) for the cells not empty."""
    return [(header, cell) for header, cell in zip(batch.headers, cells, strict=False) if cell]


@get("/w/{slug:str}/imports/{batch_id:str}")
async def import_page(
    request: Request, page: NamedDependency[WorkspacePage], batch_id: FromPath[str]
) -> Template:
    return await _batch_page(page, record_id(batch_id))


@post("/w/{slug:str}/imports/{batch_id:str}/start")
async def import_start(
    request: Request, page: NamedDependency[WorkspacePage], batch_id: FromPath[str]
) -> Template | Redirect:
    ident = record_id(batch_id)
    form = await request.form()
    mapping, index = [], 0
    while f"column_{index}" in form:
        mapping.append(form.get(f"column_{index}", ""))
        index += 1
    on_duplicate = form.get("on_duplicate", "skip")
    try:
        async with transaction(page) as session:
            await imports.start_batch(
                session, page.principal, ident, mapping=mapping, on_duplicate=on_duplicate
            )
    except NotFound:
        raise NotFoundException() from None
    except DomainError as error:
        return await _batch_page(
            page,
            ident,
            error.status,
            mapping=mapping,
            on_duplicate=on_duplicate,
            errors={"_form": page.error_text(error)},
        )
    return Redirect(f"{page.base}/imports/{ident}")


async def _act(page: WorkspacePage, batch_id: str, action, done: str) -> Redirect:
    ident = record_id(batch_id)
    try:
        async with transaction(page) as session:
            batch = await action(session, page.principal, ident)
    except NotFound:
        raise NotFoundException() from None
    except DomainError as error:
        return page.redirect(f"{page.base}/imports/{ident}", error=page.error_text(error))
    notice = page._("The import goes on.") if done != "undo" else _undo_notice(page, batch)
    return page.redirect(f"{page.base}/imports/{ident}", notice=notice)


def _undo_notice(page: WorkspacePage, batch) -> str:
    said = [
        page.ngettext("%(num)d record deleted.", "%(num)d records deleted.", batch.undone_count)
    ]
    if batch.kept_count:
        said.append(
            page.ngettext(
                "%(num)d record kept: later work refers to it.",
                "%(num)d records kept: later work refers to them.",
                batch.kept_count,
            )
        )
    if batch.restored_count:
        said.append(
            page.ngettext(
                "%(num)d record has its previous values back.",
                "%(num)d records have their previous values back.",
                batch.restored_count,
            )
        )
    return " ".join(said)


@post("/w/{slug:str}/imports/{batch_id:str}/undo")
async def import_undo(page: NamedDependency[WorkspacePage], batch_id: FromPath[str]) -> Redirect:
    return await _act(page, batch_id, imports.undo_batch, "undo")


@post("/w/{slug:str}/imports/{batch_id:str}/resume")
async def import_resume(page: NamedDependency[WorkspacePage], batch_id: FromPath[str]) -> Redirect:
    return await _act(page, batch_id, imports.resume_batch, "resume")


async def _rows_of(items: list) -> AsyncIterator[list]:
    for item in items:
        yield item


@get("/w/{slug:str}/imports/{batch_id:str}/rejected.csv")
async def import_report(
    request: Request, page: NamedDependency[WorkspacePage], batch_id: FromPath[str]
) -> Stream:
    """The rejected rows, in the page's language, for Excel."""
    ident = record_id(batch_id)
    async with transaction(page) as session:
        try:
            rows = await imports.rejected_rows(session, page.principal, ident)
        except NotFound:
            raise NotFoundException() from None
        headers = (await imports.get_batch(session, page.principal, ident)).headers
    # The file's own columns follow the reason, so the rows can be mended and imported again.
    titles = [page._("Row"), page._("Column"), page._("Reason"), *headers]
    cells = [[row.row_number, row.column, _reason(page, row), *row.cells] for row in rows]
    body = exports.csv_bytes(titles, _rows_of(cells), delimiter=_delimiter(page))
    return _download(body, f"import-{ident}-rejected.csv")


def _delimiter(page: WorkspacePage) -> str:
    return ";" if page.locale == "ru" else ","  # what Excel in each language splits on


def _download(body, file_name: str) -> Stream:
    media = (
        "text/csv; charset=utf-8"
        if file_name.endswith(".csv")
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return Stream(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{file_name}"'},
    )


def _uuid_or_none(raw: str | None) -> uuid.UUID | None:
    if not raw:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise NotFoundException() from None


def _export_filters(page: WorkspacePage, kind: str) -> exports.ExportFilters:
    """The list page's filters, from the same query string."""
    query = page.request.query_params
    common = {
        "q": query.get("q", "").strip() or None,
        "tag": query.get("tag", "").strip() or None,
        "owner_id": _uuid_or_none(query.get("owner")),
        "sort": query.get("sort") or "-created_at",
        "pipeline_id": _uuid_or_none(query.get("pipeline")),
        "status": query.get("status") or None,
        "source": query.get("source") or None,
        "segment_id": _uuid_or_none(query.get("segment")),
    }
    if kind == "appeals":
        common["appeal_subject"] = query.get("subject") or None
        if query.get("open"):  # the register's "open complaints": not answered yet
            return exports.ExportFilters(**common, appeal_kind="complaint", answered=False)
        return exports.ExportFilters(
            **common, appeal_kind=query.get("kind") or None, channel=query.get("channel") or None
        )
    if kind == "tasks":
        agenda = agenda_of(query, page.timezone)
        return exports.ExportFilters(
            **common, due_from=agenda.due_from, due_to=agenda.due_to,
            open_only=agenda.open_only, mine=agenda.mine,
        )  # fmt: skip
    return exports.ExportFilters(**common)


async def _worded(
    page: WorkspacePage, columns: tuple[int, ...], rows: AsyncIterator[list]
) -> AsyncIterator[list]:
    """Rows with the words standing for codes (a channel, a status) in the page's language."""
    async for row in rows:
        for column in columns:
            if row[column]:  # gettext of "" is the catalog's header
                row[column] = page._(row[column])
        yield row


@get("/w/{slug:str}/exports/{file_name:str}")
async def export_list(
    request: Request, page: NamedDependency[WorkspacePage], file_name: FromPath[str]
) -> Stream | Template:
    """contacts.csv, deals.xlsx ...: the list as its page filters it (the same query string)."""
    kind, _, extension = file_name.partition(".")
    if kind not in exports.EXPORT_KINDS or extension not in exports.EXPORT_FORMATS:
        raise NotFoundException()
    try:
        filters = _export_filters(page, kind)
        export = await exports.prepare_export(database(request), page.principal, kind, filters)
    except DomainError as error:
        return page.render(
            "message.html",
            error.status,
            heading=page._("Nothing to export"),
            text=page.error_text(error),
        )
    titles = [page._(title) for title in export.titles]
    rows = _worded(
        page,
        export.worded,
        exports.export_rows(database(request), page.principal, export, page.timezone),
    )
    if extension == "csv":
        body = exports.csv_bytes(titles, rows, delimiter=_delimiter(page))
    else:
        body = exports.xlsx_bytes(titles, rows)
    return _download(body, f"{kind}.{extension}")


routes = [
    imports_list,
    import_new,
    import_upload,
    import_page,
    import_start,
    import_undo,
    import_resume,
    import_report,
    export_list,
]
