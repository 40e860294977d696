"""The SQL of imports and exports: batches, duplicates found per chunk with one query, bulk
inserts, the undo of a batch, and the rows of a list for an export."""

import uuid
from collections.abc import Iterable

from psycopg import sql
from psycopg.types.json import Jsonb
from sqlalchemy import Select, delete, exists, func, literal, or_, select, union_all
from sqlalchemy.dialects.postgresql import JSONB, aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.crm.activities.models import Activity
from atrium.platform.crm.appeals.models import Appeal
from atrium.platform.crm.companies.models import Company, CompanyTag
from atrium.platform.crm.companies.repository import company_search
from atrium.platform.crm.contacts.models import (
    Contact,
    ContactCompany,
    ContactEmail,
    ContactPhone,
    ContactTag,
)
from atrium.platform.crm.contacts.repository import contact_cards, contact_search
from atrium.platform.crm.deals.models import Deal, DealMove, Pipeline, Stage
from atrium.platform.crm.imports.models import (
    ImportBatch,
    ImportChange,
    ImportRecord,
    ImportRejection,
    ImportSkip,
)
from atrium.platform.crm.leads.models import Lead
from atrium.platform.crm.notes.models import Note
from atrium.platform.crm.products.models import DealLine, PriceListItem, Product, ProductCategory
from atrium.platform.crm.records.models import Tag
from atrium.platform.crm.records.tags import with_tag
from atrium.platform.crm.records.visibility import visible
from atrium.platform.crm.segments.models import CampaignMessage
from atrium.platform.db import TENANT_SCHEMA
from atrium.platform.db.names import by_name, name_key

RECORD_MODELS = {"contact": Contact, "company": Company, "deal": Deal, "product": Product}
# Deleted in this order: what points at a record goes before it.
UNDO_ORDER = ("deal", "contact", "company", "product")


async def batch_for_update(
    session: AsyncSession, batch_id: uuid.UUID, *, skip_locked: bool = False
) -> ImportBatch | None:
    """The batch, locked; with ``skip_locked``, None while another run holds it."""
    query = select(ImportBatch).where(ImportBatch.id == batch_id)
    query = query.with_for_update(skip_locked=skip_locked)
    return await session.scalar(query.execution_options(populate_existing=True))


async def batch_content(session: AsyncSession, batch_id: uuid.UUID) -> bytes | None:
    return await session.scalar(select(ImportBatch.content).where(ImportBatch.id == batch_id))


async def list_batches(
    session: AsyncSession, created_by: uuid.UUID | None, limit: int
) -> list[ImportBatch]:
    query = select(ImportBatch).order_by(ImportBatch.created_at.desc()).limit(limit)
    if created_by is not None:
        query = query.where(ImportBatch.created_by == created_by)
    return list(await session.scalars(query))


async def rejections(
    session: AsyncSession, batch_id: uuid.UUID, limit: int | None = None
) -> list[ImportRejection]:
    query = (
        select(ImportRejection)
        .where(ImportRejection.batch_id == batch_id)
        .order_by(ImportRejection.row_number)
        .limit(limit)
    )
    return list(await session.scalars(query))


async def skips(
    session: AsyncSession, batch_id: uuid.UUID, limit: int | None = None
) -> list[ImportSkip]:
    query = (
        select(ImportSkip)
        .where(ImportSkip.batch_id == batch_id)
        .order_by(ImportSkip.row_number)
        .limit(limit)
    )
    return list(await session.scalars(query))


# The name each kind of record is known by in a list of duplicates.
RECORD_NAMES = {
    "contacts": Contact.display_name,
    "companies": Company.name,
    "products": Product.name,
}


async def visible_record_names(
    session: AsyncSession, principal: Principal, kind: str, ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, str]:
    """The names of those records of ``kind`` (an import kind) the principal may see."""
    wanted = list(set(ids))
    name = RECORD_NAMES[kind]
    model = name.class_
    if not wanted:
        return {}
    query = select(model.id, name).where(model.id.in_(wanted))
    if hasattr(model, "owner_id"):
        query = visible(query, model, principal)
    return {record_id: name for record_id, name in await session.execute(query)}


async def insert_rows(session: AsyncSession, model, rows: list[dict]) -> None:
    """Many rows at once with COPY, in the session's transaction (and the workspace's role).
    Every row has the same keys; columns left out get the model's defaults, as an INSERT would."""
    if not rows:
        return
    connection = await session.connection()
    options = connection.sync_connection.get_execution_options()
    schema = options["schema_translate_map"][TENANT_SCHEMA]
    table = model.__table__
    defaults = {
        column.name: column.default
        for column in table.columns
        if column.name not in rows[0] and column.default is not None
    }
    columns = [*rows[0], *defaults]
    json_columns = {name for name in columns if isinstance(table.c[name].type, JSONB)}
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(schema, table.name), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    driver = (await connection.get_raw_connection()).driver_connection
    async with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            row = {**row, **{name: _default(default) for name, default in defaults.items()}}
            await copy.write_row(
                [Jsonb(row[name]) if name in json_columns else row[name] for name in columns]
            )


def _default(default):
    return default.arg if default.is_scalar else default.arg(None)


async def contact_ids_by_key(
    session: AsyncSession, phones: Iterable[str], emails: Iterable[str]
) -> dict[str, uuid.UUID]:
    """The oldest contact holding each of these phones (E.164) or e-mails, in one query."""
    phones, emails = list(set(phones)), list(set(emails))
    if not phones and not emails:
        return {}
    keys = union_all(
        select(ContactPhone.number.label("key"), ContactPhone.contact_id.label("contact_id")).where(
            ContactPhone.number.in_(phones)
        ),
        select(ContactEmail.address, ContactEmail.contact_id).where(
            ContactEmail.address.in_(emails)
        ),
    ).subquery()
    rows = await session.execute(
        select(keys.c.key, keys.c.contact_id)
        .join(Contact, Contact.id == keys.c.contact_id)
        .order_by(Contact.created_at.desc())
    )
    return {key: contact_id for key, contact_id in rows}  # the oldest wins: it comes last


async def company_ids_by_name(session: AsyncSession, names: Iterable[str]) -> dict[str, uuid.UUID]:
    """Companies by lower-cased name (the oldest of namesakes)."""
    lowered = list({name.lower() for name in names})
    if not lowered:
        return {}
    rows = await session.execute(
        select(func.lower(Company.name), Company.id)
        .where(func.lower(Company.name).in_(lowered))
        .order_by(Company.created_at.desc())
    )
    return dict(rows.all())


async def company_ids_by_tax_id(
    session: AsyncSession, tax_ids: Iterable[str]
) -> dict[str, uuid.UUID]:
    wanted = list({tax_id for tax_id in tax_ids if tax_id})
    if not wanted:
        return {}
    rows = await session.execute(
        select(Company.tax_id, Company.id)
        .where(Company.tax_id.in_(wanted))
        .order_by(Company.created_at.desc())
    )
    return dict(rows.all())


async def product_ids_by_sku(session: AsyncSession, skus: Iterable[str]) -> dict[str, uuid.UUID]:
    wanted = list(set(skus))
    if not wanted:
        return {}
    rows = await session.execute(select(Product.sku, Product.id).where(Product.sku.in_(wanted)))
    return dict(rows.all())


# The later work that keeps a created record: (reason, the column pointing at the record, a
# condition), rows the import itself did not write.
UNDO_HOLDS = {
    "deal": [
        ("activities", Activity.deal_id, None),
        ("deal_lines", DealLine.deal_id, None),
        ("leads", Lead.deal_id, None),
        ("stage_moves", DealMove.deal_id, DealMove.from_stage_id.is_not(None)),
    ],
    "contact": [
        ("notes", Note.contact_id, None),
        ("activities", Activity.contact_id, None),
        ("deals", Deal.contact_id, None),
        ("leads", Lead.contact_id, None),
        ("appeals", Appeal.contact_id, None),
        ("mailings", CampaignMessage.contact_id, None),
    ],
    # Contacts the undo deletes are gone by then: the people left came later.
    "company": [
        ("activities", Activity.company_id, None),
        ("deals", Deal.company_id, None),
        ("people", ContactCompany.company_id, None),
    ],
    "product": [
        ("deal_lines", DealLine.product_id, None),
        ("price_lists", PriceListItem.product_id, None),
    ],
}


async def delete_batch_records(
    session: AsyncSession, batch_id: uuid.UUID
) -> tuple[int, int, dict[str, int]]:
    """Delete the records the batch created that still exist and that no later work hangs
    on: (deleted, kept, {reason: records it keeps})."""
    deleted, kept, because = 0, 0, {}
    for kind in UNDO_ORDER:
        model = RECORD_MODELS[kind]
        created = select(ImportRecord.record_id).where(
            ImportRecord.batch_id == batch_id, ImportRecord.kind == kind
        )
        held = []
        for reason, column, condition in UNDO_HOLDS[kind]:
            conditions = [column.in_(created)] + ([condition] if condition is not None else [])
            count = await session.scalar(
                select(func.count(func.distinct(column))).where(*conditions)
            )
            if count:
                because[reason] = because.get(reason, 0) + count
            held.append(exists().where(column == model.id, *conditions[1:]))
        existing = await session.scalar(
            select(func.count()).select_from(model).where(model.id.in_(created))
        )
        result = await session.execute(
            delete(model).where(model.id.in_(created), *(~hold for hold in held))
        )
        deleted += result.rowcount or 0
        kept += (existing or 0) - (result.rowcount or 0)
    return deleted, kept, because


async def batch_changes(session: AsyncSession, batch_id: uuid.UUID) -> list[ImportChange]:
    """The records a batch updated, the last row first (the order undo puts them back in)."""
    query = (
        select(ImportChange)
        .where(ImportChange.batch_id == batch_id)
        .order_by(ImportChange.row_number.desc())
    )
    return list(await session.scalars(query))


# Exports: every row of a list with its filters, as one statement streamed in partitions.


def contact_export(
    principal: Principal,
    *,
    q: str | None,
    phone: str | None,
    tag: str | None,
    owner_id: uuid.UUID | None,
    sort,
    descending: bool,
) -> Select:
    """The contacts list's query (contacts.list_contacts) without its pages."""
    query = visible(contact_cards(), Contact, principal)
    if q:
        query = contact_search(query, q[:200], phone)
    if tag:
        query = with_tag(query, Contact, ContactTag, ContactTag.contact_id, tag)
    if owner_id:
        query = query.where(Contact.owner_id == owner_id)
    order = [sort, Contact.id]
    return query.order_by(*(column.desc() for column in order) if descending else order)


def company_export(principal: Principal, *, q: str | None, tag: str | None) -> Select:
    """The companies list's query (companies.list_companies), with each company's tags."""
    tags = (
        select(func.string_agg(Tag.name, aggregate_order_by(literal(", "), name_key(Tag.name))))
        .join(CompanyTag, CompanyTag.tag_id == Tag.id)
        .where(CompanyTag.company_id == Company.id)
        .scalar_subquery()
    )
    query = visible(select(Company, tags.label("tags")), Company, principal)
    if q:
        query = company_search(query, q[:200])
    if tag:
        query = with_tag(query, Company, CompanyTag, CompanyTag.company_id, tag)
    return query.order_by(*by_name(Company.name), Company.id)


def deal_export(
    principal: Principal, *, pipeline_id: uuid.UUID | None, status: str | None
) -> Select:
    """The deals table's query (deals.list_deals), with the names it shows."""
    query = (
        select(
            Deal,
            Pipeline.name.label("pipeline"),
            Stage.name.label("stage"),
            Contact.display_name.label("contact"),
            Company.name.label("company"),
        )
        .join(Pipeline, Pipeline.id == Deal.pipeline_id)
        .join(Stage, Stage.id == Deal.stage_id)
        .outerjoin(Contact, Contact.id == Deal.contact_id)
        .outerjoin(Company, Company.id == Deal.company_id)
    )
    query = visible(query, Deal, principal)
    if pipeline_id:
        query = query.where(Deal.pipeline_id == pipeline_id)
    if status:
        query = query.where(Stage.kind == status)
    return query.order_by(Deal.created_at.desc(), Deal.id.desc())


def segment_export(members: Select) -> Select:
    """A segment's members (segments.members_query) as contact cards, by name."""
    ids = members.with_only_columns(Contact.id)
    return (
        contact_cards()
        .where(Contact.id.in_(ids))
        .order_by(*by_name(Contact.display_name), Contact.id)
    )


def appeal_export(appeals: Select) -> Select:
    """The register's appeals (appeals.appeals_query) with the contact's name, newest first."""
    return (
        appeals.add_columns(Contact.display_name.label("contact"))
        .outerjoin(Contact, Contact.id == Appeal.contact_id)
        .order_by(Appeal.received_at.desc(), Appeal.id.desc())
    )


def lead_export(leads: Select) -> Select:
    """The inbox's leads (leads.leads_query), newest first."""
    return leads.order_by(Lead.created_at.desc(), Lead.id.desc())


def product_export(*, q: str | None) -> Select:
    """The products list's query (products.list_products), with the category's name."""
    query = select(Product, ProductCategory.name.label("category")).outerjoin(
        ProductCategory, ProductCategory.id == Product.category_id
    )
    if q:
        pattern = f"%{q.strip().lower()[:200]}%"
        query = query.where(
            or_(func.lower(Product.name).like(pattern), func.lower(Product.sku).like(pattern))
        )
    return query.order_by(*by_name(Product.name), Product.id)
