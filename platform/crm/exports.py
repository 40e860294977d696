"""Exports of a list with its filters (contacts, companies, deals, products) to CSV (UTF-8 with a
BOM, so Excel reads Cyrillic) or .xlsx, streamed: rows come from the database in partitions and
leave as bytes, never all held as objects. Column titles are English; pages translate them."""

import asyncio
import csv
import io
import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import Select

from atrium.platform.auth.principal import Principal
from atrium.platform.crm import contacts
from atrium.platform.crm import import_repository as import_repo
from atrium.platform.crm.custom_fields import list_fields
from atrium.platform.crm.normalize import e164_or_none
from atrium.platform.db import Database
from atrium.platform.errors import Invalid
from atrium.platform.tenancy.service import workspace_country

EXPORT_KINDS = ("contacts", "companies", "deals", "products")
EXPORT_FORMATS = ("csv", "xlsx")
PARTITION = 1000
BOM = "\ufeff"
# Column titles (pages translate them); contacts add the workspace's custom fields.
EXPORT_TITLES = {
    "contacts": [
        "Last name", "First name", "Middle name", "Phone", "E-mail", "Birthday", "Gender",
        "Address", "Source", "Tags", "Notes", "Added",
    ],
    "companies": [
        "Name", "Legal name", "Tax ID", "Phone", "E-mail", "Website", "Address", "Tags", "Added",
    ],
    "deals": ["Title", "Amount", "Currency", "Pipeline", "Stage", "Contact", "Company", "Added"],
    "products": ["SKU", "Name", "Product or service", "Unit", "Price", "Category", "Active"],
}  # fmt: skip


@dataclass(frozen=True)
class Export:
    """What to export: the column titles, the query and how a row becomes cells."""

    kind: str
    titles: list[str]
    query: Select
    cells: Callable[[object], list]


@dataclass(frozen=True)
class ExportFilters:
    q: str | None = None
    tag: str | None = None
    owner_id: uuid.UUID | None = None
    sort: str = "-created_at"
    pipeline_id: uuid.UUID | None = None
    status: str | None = None


def _joined(items) -> str:
    return ", ".join(
        str(item[0]) if isinstance(item, list | tuple) else str(item) for item in items
    )


async def prepare_export(
    db: Database, principal: Principal, kind: str, filters: ExportFilters
) -> Export:
    """Check the filters (a bad one is refused before a byte is sent) and build the query."""
    principal.require("crm.read")
    if kind not in EXPORT_KINDS:
        raise Invalid(
            "kind must be one of: %(choices)s.", field="kind", choices=", ".join(EXPORT_KINDS)
        )
    if kind == "contacts":
        return await _contact_export(db, principal, filters)
    if kind == "companies":
        query = import_repo.company_export(principal, q=filters.q, tag=filters.tag)
        return Export(kind, EXPORT_TITLES[kind], query, _company_cells)
    if kind == "deals":
        if filters.status not in (None, "open", "won", "lost"):
            raise Invalid("status is open, won or lost.", field="status")
        query = import_repo.deal_export(
            principal, pipeline_id=filters.pipeline_id, status=filters.status
        )
        return Export(kind, EXPORT_TITLES[kind], query, _deal_cells)
    query = import_repo.product_export(q=filters.q)
    return Export(kind, EXPORT_TITLES[kind], query, _product_cells)


async def _contact_export(db: Database, principal: Principal, filters: ExportFilters) -> Export:
    key = filters.sort.removeprefix("-")
    if key not in contacts.SORTS:
        raise Invalid(
            "sort must be one of: %(choices)s (prefix - for descending).",
            field="sort",
            choices=", ".join(contacts.SORTS),
        )
    schema = principal.workspace.schema
    phone = None
    if filters.q:
        phone = e164_or_none(filters.q[:40], await workspace_country(db, schema))
    async with db.tenant_transaction(schema) as session:
        custom = await list_fields(session, "contact")
    query = import_repo.contact_export(
        principal,
        q=filters.q,
        phone=phone,
        tag=filters.tag,
        owner_id=filters.owner_id,
        sort=contacts.SORTS[key][0],
        descending=filters.sort.startswith("-"),
    )

    def cells(row) -> list:
        return [
            row.last_name, row.first_name, row.middle_name, _joined(row.phones),
            _joined(row.emails), row.birthday, row.gender, row.address, row.source,
            _joined(row.tags), row.notes, row.created_at,
            *((row.custom or {}).get(field.key) for field in custom),
        ]  # fmt: skip

    titles = [*EXPORT_TITLES["contacts"], *(field.label for field in custom)]
    return Export("contacts", titles, query, cells)


def _company_cells(row) -> list:
    c = row.Company
    return [c.name, c.legal_name, c.tax_id, c.phone, c.email, c.website, c.address,
            row.tags or "", c.created_at]  # fmt: skip


def _deal_cells(row) -> list:
    d = row.Deal
    return [d.title, d.amount, d.currency, row.pipeline, row.stage, row.contact or "",
            row.company or "", d.created_at]  # fmt: skip


def _product_cells(row) -> list:
    p = row.Product
    return [p.sku, p.name, p.kind, p.unit, p.price, row.category or "",
            "yes" if p.active else "no"]  # fmt: skip


async def export_rows(db: Database, principal: Principal, export: Export) -> AsyncIterator[list]:
    """The rows' cells, read with a server-side cursor, a partition at a time."""
    async with db.tenant_transaction(principal.workspace.schema) as session:
        result = await session.stream(export.query.execution_options(yield_per=PARTITION))
        async for partition in result.partitions():
            for row in partition:
                yield export.cells(row)


def _text(value) -> str:
    """A cell as text; one Excel would run as a formula (=, @, +/- not before a digit) is
    quoted with an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date | Decimal | int | float):
        return str(value)
    text = str(value)
    if text[:1] in ("=", "@", "\t", "\r") or (text[:1] in "+-" and not text[1:2].isdigit()):
        return "'" + text
    return text


async def csv_bytes(
    titles: list[str], rows: AsyncIterator[list], *, delimiter: str = ","
) -> AsyncIterator[bytes]:
    """UTF-8 with a BOM; ``delimiter`` ; for Russian Excel, which splits columns on it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow(titles)
    async for row in rows:
        writer.writerow([_text(value) for value in row])
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def _cell(value):
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)  # Excel has no time zones
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", _text(value))
    return value


def _append(sheet, rows: list[list]) -> None:
    for row in rows:
        sheet.append([_cell(value) for value in row])


async def xlsx_bytes(titles: list[str], rows: AsyncIterator[list]) -> AsyncIterator[bytes]:
    """A write-only workbook (rows go to a temporary file as they come), then its bytes."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(titles)
    pending: list[list] = []
    async for row in rows:
        pending.append(row)
        if len(pending) >= PARTITION:
            await asyncio.to_thread(_append, sheet, pending)
            pending = []
    await asyncio.to_thread(_append, sheet, pending)
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        await asyncio.to_thread(workbook.save, path)
        with open(path, "rb") as saved:  # noqa: ASYNC230 - read in chunks, each a thread hop
            while chunk := await asyncio.to_thread(saved.read, 256 * 1024):
                yield chunk
    finally:
        os.unlink(path)
