"""Exports of a list with its filters (contacts, companies, deals, products, appeals, leads, tasks,
a segment's members) to CSV (UTF-8 with a BOM, so Excel reads Cyrillic) or .xlsx, streamed: rows
come from the database in partitions and leave as bytes, never all held as objects. Column titles,
and the words that stand for stored codes (a channel, a status), are English; pages translate
them. Times are written in the workspace's zone."""

import asyncio
import csv
import io
import os
import re
import tempfile
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import Select

from atrium.platform.auth.members import list_members
from atrium.platform.auth.principal import Principal
from atrium.platform.crm.activities import service as activities
from atrium.platform.crm.appeals import service as appeals
from atrium.platform.crm.appeals.models import APPEAL_CHANNELS, APPEAL_KINDS
from atrium.platform.crm.contacts import cards as contact_cards
from atrium.platform.crm.custom_fields.service import list_fields
from atrium.platform.crm.imports import repository as import_repo
from atrium.platform.crm.leads import service as leads
from atrium.platform.crm.leads.models import LEAD_SOURCES, LEAD_STATUSES
from atrium.platform.crm.records.normalize import e164_or_none
from atrium.platform.crm.segments import service as segments
from atrium.platform.db import Database
from atrium.platform.errors import Invalid
from atrium.platform.tenancy.service import workspace_country

EXPORT_KINDS = (
    "contacts",
    "companies",
    "deals",
    "products",
    "appeals",
    "leads",
    "tasks",
    "segment",
)
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
    "appeals": [
        "Received", "Channel", "Kind", "Contact", "Subject", "Summary", "Answer by", "Answered",
        "Result", "Manager's decision", "Employee",
    ],
    "leads": [
        "Received", "Customer's name", "Phone", "E-mail", "Company", "Source", "Status",
        "Message", "Assignee",
    ],
    "tasks": ["When", "Title", "Kind", "Contact", "Assignee", "Completed", "Notes"],
}  # fmt: skip
# The words written for stored codes, translated by the pages as the titles are.
EXPORT_WORDS = {
    "appeal_channel": {
        "phone": "Phone call", "email": "E-mail", "social": "Social network",
        "messenger": "Messenger", "website": "Website", "visit": "Visit",
    },
    "appeal_kind": {
        "inquiry": "Question", "complaint": "Complaint", "proposal": "Suggestion",
        "order": "Order", "other": "Other kind",
    },
    "lead_source": {
        "form": "Website form", "call": "Call", "chat": "Chat", "email": "E-mail",
        "manual": "Added by hand", "other": "Other source",
    },
    "lead_status": {
        "unsorted": "Unsorted", "assigned": "Assigned", "converted": "Converted",
        "rejected": "Rejected",
    },
    "task_kind": {"call": "Call", "meeting": "Meeting", "email": "E-mail", "task": "Task"},
    "gender": {"female": "Female", "male": "Male", "unknown": ""},  # unknown: a blank cell
}  # fmt: skip
CONTACT_WORDED = (6,)  # the gender column of a contacts (or a segment's) export


@dataclass(frozen=True)
class Export:
    """What to export: the column titles, the query and how a row becomes cells."""

    kind: str
    titles: list[str]
    query: Select
    cells: Callable[[object], list]
    worded: tuple[int, ...] = ()  # columns holding EXPORT_WORDS, for the page to translate


@dataclass(frozen=True)
class ExportFilters:
    q: str | None = None
    tag: str | None = None
    owner_id: uuid.UUID | None = None
    sort: str = "-created_at"
    pipeline_id: uuid.UUID | None = None
    status: str | None = None  # deals: open, won, lost; leads: LEAD_STATUSES
    appeal_kind: str | None = None
    channel: str | None = None
    appeal_subject: str | None = None
    answered: bool | None = None  # appeals: False for those still waiting for an answer
    source: str | None = None  # leads
    due_from: datetime | None = None  # tasks: due in [due_from, due_to)
    due_to: datetime | None = None
    open_only: bool = False  # tasks not done
    mine: bool = False  # tasks assigned to the one exporting
    segment_id: uuid.UUID | None = None


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
    if kind == "products":
        query = import_repo.product_export(q=filters.q)
        return Export(kind, EXPORT_TITLES[kind], query, _product_cells)
    if kind == "segment":
        return await _segment_export(db, principal, filters.segment_id)
    names = await _member_names(db, principal)
    if kind == "appeals":
        return _appeal_export(principal, filters, names)
    if kind == "leads":
        return _lead_export(principal, filters, names)
    return _task_export(principal, filters, names)


def _one_of(value: str | None, choices, field: str) -> str | None:
    if value is not None and value not in choices:
        raise Invalid(
            "%(name)s must be one of: %(choices)s.", field=field, name=field,
            choices=", ".join(choices),
        )  # fmt: skip
    return value


async def _member_names(db: Database, principal: Principal) -> dict[uuid.UUID, str]:
    """The workspace's members by id (their name, else e-mail), for who handles what."""
    names, cursor = {}, None
    async with db.shared_reads() as shared:
        while True:
            page = await list_members(shared, principal, cursor=cursor, limit=200)
            names |= {member.user_id: member.name or member.email for member in page.items}
            if not (cursor := page.next_cursor):
                return names


def _appeal_export(principal: Principal, filters: ExportFilters, names: dict) -> Export:
    channel = _one_of(filters.channel, APPEAL_CHANNELS, "channel")
    kind = _one_of(filters.appeal_kind, APPEAL_KINDS, "kind")
    query = import_repo.appeal_export(
        appeals.appeals_query(
            principal,
            kind=kind,
            channel=channel,
            subject=filters.appeal_subject,
            answered=filters.answered,
        )  # fmt: skip
    )
    words = EXPORT_WORDS

    def cells(row) -> list:
        a = row.Appeal
        return [
            a.received_at, words["appeal_channel"][a.channel], words["appeal_kind"][a.kind],
            row.contact or "", a.subject, a.summary, a.respond_by, a.answered_at, a.result,
            a.manager_decision, names.get(a.employee_id, ""),
        ]  # fmt: skip

    return Export("appeals", EXPORT_TITLES["appeals"], query, cells, worded=(1, 2))


def _lead_export(principal: Principal, filters: ExportFilters, names: dict) -> Export:
    status = _one_of(filters.status, LEAD_STATUSES, "status")
    source = _one_of(filters.source, LEAD_SOURCES, "source")
    query = import_repo.lead_export(leads.leads_query(principal, status=status, source=source))
    words = EXPORT_WORDS

    def cells(row) -> list:
        lead = row.Lead
        return [
            lead.created_at, lead.name, lead.phone, lead.email, lead.company_name,
            words["lead_source"][lead.source], words["lead_status"][lead.status], lead.message,
            names.get(lead.assignee_id, ""),
        ]  # fmt: skip

    return Export("leads", EXPORT_TITLES["leads"], query, cells, worded=(5, 6))


def _task_export(principal: Principal, filters: ExportFilters, names: dict) -> Export:
    query = activities.agenda_query(
        principal, due_from=filters.due_from, due_to=filters.due_to,
        open_only=filters.open_only, mine=filters.mine,
    )  # fmt: skip
    kinds = EXPORT_WORDS["task_kind"]

    def cells(row) -> list:
        task = row.Activity
        return [
            task.due_at, task.title, kinds.get(task.kind, task.kind), row.contact or "",
            names.get(task.assignee_id, ""), task.done_at, task.notes,
        ]  # fmt: skip

    return Export("tasks", EXPORT_TITLES["tasks"], query, cells, worded=(2,))


async def _segment_export(
    db: Database, principal: Principal, segment_id: uuid.UUID | None
) -> Export:
    """The segment's members as they are now, with the contacts export's columns."""
    if segment_id is None:
        raise Invalid("Choose a segment to export.", field="segment")
    async with db.tenant_transaction(principal.workspace.schema) as session:
        conditions = await segments.segment_conditions(session, segment_id)
        custom = await list_fields(session, "contact")
    query = import_repo.segment_export(segments.members_query(conditions, principal))
    titles = [*EXPORT_TITLES["contacts"], *(field.label for field in custom)]
    return Export("segment", titles, query, _contact_cells(custom), worded=CONTACT_WORDED)


async def _contact_export(db: Database, principal: Principal, filters: ExportFilters) -> Export:
    key = filters.sort.removeprefix("-")
    if key not in contact_cards.SORTS:
        raise Invalid(
            "sort must be one of: %(choices)s (prefix - for descending).",
            field="sort",
            choices=", ".join(contact_cards.SORTS),
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
        sort=contact_cards.SORTS[key][0],
        descending=filters.sort.startswith("-"),
    )
    titles = [*EXPORT_TITLES["contacts"], *(field.label for field in custom)]
    return Export("contacts", titles, query, _contact_cells(custom), worded=CONTACT_WORDED)


def _contact_cells(custom) -> Callable[[object], list]:
    """A contact card row's cells, the workspace's custom fields last."""

    genders = EXPORT_WORDS["gender"]

    def cells(row) -> list:
        return [
            row.last_name, row.first_name, row.middle_name, _joined(row.phones),
            _joined(row.emails), row.birthday, genders[row.gender], row.address, row.source,
            _joined(row.tags), row.notes, row.created_at,
            *((row.custom or {}).get(field.key) for field in custom),
        ]  # fmt: skip

    return cells


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


async def export_rows(
    db: Database, principal: Principal, export: Export, zone: str = "UTC"
) -> AsyncIterator[list]:
    """The rows' cells, read with a server-side cursor, a partition at a time; times in
    ``zone`` (the workspace's)."""
    local = ZoneInfo(zone)
    async with db.tenant_transaction(principal.workspace.schema) as session:
        result = await session.stream(export.query.execution_options(yield_per=PARTITION))
        async for partition in result.partitions():
            for row in partition:
                yield [
                    value.astimezone(local)
                    if isinstance(value, datetime) and value.tzinfo
                    else value
                    for value in export.cells(row)
                ]


def _text(value) -> str:
    """A cell as text; one Excel would run as a formula is quoted with an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date | Decimal | int | float):
        return str(value)
    text = str(value)
    return "'" + text if _runs_as_formula(text) else text


# A phone or a signed number (+7 (999) 123-45-67, -15) is left as it is; any other text that
# starts as a formula does (=, @, a tab or return, or + and - before anything else).
_PLAIN_NUMBER = re.compile(r"[+-][\d\s().-]*")


def _runs_as_formula(text: str) -> bool:
    if text[:1] in ("=", "@", "\t", "\r"):
        return True
    return text[:1] in ("+", "-") and not _PLAIN_NUMBER.fullmatch(text)


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
