"""Companies, deals and products from a file: each row through the same service a form or the
API uses (in a savepoint, so a refused row leaves nothing behind), duplicates looked up once per
chunk. Contacts, the big imports, have their own bulk path in ``import_contacts``."""

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.accounts import checked_email
from atrium.platform.auth.principal import Principal
from atrium.platform.crm.companies import service as companies
from atrium.platform.crm.custom_fields.repository import custom_field_definitions
from atrium.platform.crm.deals import service as deals
from atrium.platform.crm.deals.pipelines import list_pipelines
from atrium.platform.crm.imports import repository as import_repo
from atrium.platform.crm.imports import undo as import_undo
from atrium.platform.crm.imports.contacts import ChunkOutcome, Skip, import_contact_rows
from atrium.platform.crm.imports.fields import (
    custom_value,
    mapped_values,
    parse_money,
    parse_yes_no,
    split_list,
)
from atrium.platform.crm.imports.models import ImportBatch
from atrium.platform.crm.products import service as products
from atrium.platform.crm.records.normalize import e164
from atrium.platform.errors import Conflict, DomainError, Invalid, NotFound
from atrium.platform.tenancy.service import workspace_settings

Rows = list[tuple[int, list[str]]]
COMPANY_TEXT = ("name", "legal_name", "tax_id", "phone", "email", "website", "address", "notes")


def _first(values: dict[str, list[str]], key: str) -> str | None:
    return values[key][0] if key in values else None


async def _each_row(
    parsed: list[tuple[int, dict]],
    outcome: ChunkOutcome,
    session: AsyncSession,
    action: Callable[[int, dict], Awaitable[None]],
) -> None:
    for number, data in parsed:
        try:
            async with session.begin_nested():
                await action(number, data)
        except DomainError as error:
            outcome.rejected.append((number, error))


def _parse_each(rows: Rows, outcome: ChunkOutcome, parse) -> list[tuple[int, dict]]:
    parsed = []
    for number, cells in rows:
        try:
            parsed.append((number, parse(cells)))
        except Invalid as error:
            outcome.rejected.append((number, error))
    return parsed


async def import_company_rows(
    session: AsyncSession, principal: Principal, batch: ImportBatch, rows: Rows
) -> ChunkOutcome:
    """Duplicates are the same tax id, else the same name (case aside)."""
    principal.require("crm.write")
    outcome = ChunkOutcome()
    definitions = await custom_field_definitions(session, "company")

    def parse(cells: list[str]) -> dict:
        values = mapped_values(batch.mapping, cells)
        data = {key: values[key][0] for key in COMPANY_TEXT if key in values}
        if "tags" in values:
            data["tags"] = split_list(values["tags"])
        custom = {
            key: custom_value(definition, values[f"custom.{key}"][0])
            for key, definition in definitions.items()
            if f"custom.{key}" in values
        }
        if custom:
            data["custom"] = custom
        return data

    parsed = _parse_each(rows, outcome, parse)
    matching = batch.on_duplicate != "create"
    by_tax_id = await import_repo.company_ids_by_tax_id(
        session, (data.get("tax_id", "") for _, data in parsed) if matching else ()
    )
    by_name = await import_repo.company_ids_by_name(
        session, (data.get("name", "") for _, data in parsed) if matching else ()
    )

    async def take(number: int, data: dict) -> None:
        name = " ".join(data.get("name", "").split()).lower()
        existing = by_tax_id.get(data.get("tax_id", "")) or by_name.get(name)
        if matching and existing and batch.on_duplicate == "skip":
            outcome.skipped.append(Skip(number, existing))
        elif matching and existing:
            try:
                card = await companies.company_card(session, principal, existing)
                before = import_undo.company_image(card)
                card = await companies.update_company(session, principal, existing, data)
            except NotFound:
                raise Conflict(
                    "A company with this name or tax ID exists, but it is not yours to change.",
                    field="name",
                ) from None
            after = import_undo.company_image(card)
            outcome.note_change(number, existing, "company", before, after)
            outcome.updated += 1
        else:
            card = await companies.create_company(session, principal, data)
            outcome.created += 1
            outcome.records.append((card.company.id, "company"))
            by_name[card.company.name.lower()] = card.company.id
            if card.company.tax_id:
                by_tax_id[card.company.tax_id] = card.company.id

    await _each_row(parsed, outcome, session, take)
    return outcome


async def import_product_rows(
    session: AsyncSession, principal: Principal, batch: ImportBatch, rows: Rows
) -> ChunkOutcome:
    """Duplicates are the same SKU; "create" refuses a SKU that is taken, as the form does."""
    principal.require("crm.settings")
    outcome = ChunkOutcome()

    def parse(cells: list[str]) -> dict:
        values = mapped_values(batch.mapping, cells)
        data: dict = {
            key: values[key][0]
            for key in ("sku", "name", "unit", "category", "description")
            if key in values
        }
        if "price" in values:
            data["price"] = parse_money(values["price"][0], "price")
        if "kind" in values:
            data["kind"] = _product_kind(values["kind"][0])
        if "active" in values:
            data["active"] = parse_yes_no(values["active"][0], "active", "active")
        return data

    parsed = _parse_each(rows, outcome, parse)
    matching = batch.on_duplicate != "create"
    by_sku = await import_repo.product_ids_by_sku(
        session, (" ".join(data.get("sku", "").split()) for _, data in parsed) if matching else ()
    )

    async def take(number: int, data: dict) -> None:
        existing = by_sku.get(" ".join(data.get("sku", "").split()))
        if matching and existing and batch.on_duplicate == "skip":
            outcome.skipped.append(Skip(number, existing))
        elif matching and existing:
            before = import_undo.product_image(await products.get_product(session, existing))
            product = await products.update_product(session, existing, data)
            after = import_undo.product_image(product)
            outcome.note_change(number, existing, "product", before, after)
            outcome.updated += 1
        else:
            product = await products.create_product(session, data)
            outcome.created += 1
            outcome.records.append((product.id, "product"))
            by_sku[product.sku] = product.id

    await _each_row(parsed, outcome, session, take)
    return outcome


_KINDS = {
    "product": ("product", "товар", "продукт", "goods", "item"),
    "service": ("service", "услуга", "услуги"),
}


def _product_kind(text: str) -> str:
    spelled = text.strip().lower()
    for kind, spellings in _KINDS.items():
        if spelled in spellings:
            return kind
    raise Invalid("kind is product or service.", field="kind")


async def import_deal_rows(
    session: AsyncSession, principal: Principal, batch: ImportBatch, rows: Rows
) -> ChunkOutcome:
    """Every row is a new deal (a deal has nothing to be a duplicate by); its pipeline and
    stage by name (else the first pipeline's first stage), its contact by phone or e-mail,
    its company by name."""
    principal.require("crm.write")
    outcome = ChunkOutcome()
    pipelines = {p.name.lower(): (p, stages) for p, stages in await list_pipelines(session)}
    if not pipelines:
        raise Invalid("Add a pipeline before importing deals.", field="pipeline")
    region = (await workspace_settings(session)).country

    def parse(cells: list[str]) -> dict:
        return _deal_data(mapped_values(batch.mapping, cells), pipelines, region)

    parsed = _parse_each(rows, outcome, parse)
    contacts = await import_repo.contact_ids_by_key(
        session,
        (d["contact"] for _, d in parsed if "@" not in d.get("contact", "@")),
        (d["contact"] for _, d in parsed if "@" in d.get("contact", "")),
    )
    known_companies = await import_repo.company_ids_by_name(
        session, (d["company"] for _, d in parsed if "company" in d)
    )

    async def take(number: int, data: dict) -> None:
        if contact := data.pop("contact", None):
            if contact not in contacts:
                raise Invalid(
                    "No contact has the phone or e-mail %(value)s.", field="contact", value=contact
                )
            data["contact_id"] = contacts[contact]
        if company := data.pop("company", None):
            if company.lower() not in known_companies:
                raise Invalid("There is no company named %(name)s.", field="company", name=company)
            data["company_id"] = known_companies[company.lower()]
        deal = await deals.create_deal(session, principal, data)
        outcome.created += 1
        outcome.records.append((deal.id, "deal"))

    await _each_row(parsed, outcome, session, take)
    return outcome


def _deal_data(values: dict[str, list[str]], pipelines: dict, region: str) -> dict:
    """A row as deals.create_deal takes it, with the client's phone or e-mail and the
    company's name still to be found."""
    pipeline, stages = next(iter(pipelines.values()))
    if name := _first(values, "pipeline"):
        if name.lower() not in pipelines:
            raise Invalid("There is no pipeline named %(name)s.", field="pipeline", name=name)
        pipeline, stages = pipelines[name.lower()]
    data: dict = {"pipeline_id": pipeline.id, "title": _first(values, "title") or ""}
    if name := _first(values, "stage"):
        stage = next((s for s in stages if s.name.lower() == name.lower()), None)
        if stage is None:
            raise Invalid(
                "The pipeline %(pipeline)s has no stage named %(name)s.",
                field="stage",
                pipeline=pipeline.name,
                name=name,
            )
        data["stage_id"] = stage.id
    if amount := _first(values, "amount"):
        data["amount"] = parse_money(amount, "amount")
    if notes := _first(values, "notes"):
        data["notes"] = notes
    if contact := _first(values, "contact"):
        data["contact"] = (
            checked_email(contact) if "@" in contact else e164(contact, region, field="contact")
        )
    if company := _first(values, "company"):
        data["company"] = " ".join(company.split())
    return data


IMPORTERS = {
    "contacts": import_contact_rows,
    "companies": import_company_rows,
    "deals": import_deal_rows,
    "products": import_product_rows,
}
