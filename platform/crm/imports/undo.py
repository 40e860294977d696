"""What an import changed on the records it updated, and how undo puts it back.

Each updated record gets an image (its fields as JSON, custom fields one key each) before and
after the row; only the keys that differ are kept. Undo goes from the last row back and puts a
value back only while it is still what the import wrote: a later edit by a person stays. In
lists (phones, e-mails, tags, companies) it takes out what the import added and nothing else."""

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.crm.companies import service as companies
from atrium.platform.crm.contacts import cards as contact_cards
from atrium.platform.crm.contacts import service as contacts
from atrium.platform.crm.imports import repository as import_repo
from atrium.platform.crm.imports.models import ImportChange
from atrium.platform.crm.products import service as products
from atrium.platform.db.types import utcnow
from atrium.platform.errors import NotFound

CONTACT_FIELDS = (*contacts.TEXT_LIMITS, "gender", "birthday")
COMPANY_FIELDS = ("name", "legal_name", "tax_id", "phone", "email", "website", "address", "notes")
PRODUCT_FIELDS = ("sku", "name", "unit", "kind", "price", "description", "active", "category_id")
LISTS = ("phones", "emails", "tags", "companies")
CUSTOM = "custom."


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    return value


def _with_custom(image: dict, custom: dict) -> dict:
    return image | {CUSTOM + key: value for key, value in custom.items()}


def contact_image(card: contact_cards.ContactCard) -> dict:
    contact = card.contact
    image = {name: _plain(getattr(contact, name)) for name in CONTACT_FIELDS}
    image["phones"] = [[phone.number, phone.kind] for phone in card.phones]
    image["emails"] = [[email.address, email.kind] for email in card.emails]
    image["tags"] = list(card.tags)
    image["companies"] = [[str(company_id), role] for company_id, role in card.companies]
    return _with_custom(image, contact.custom)


def company_image(card: companies.CompanyCard) -> dict:
    image = {name: getattr(card.company, name) for name in COMPANY_FIELDS}
    image["tags"] = list(card.tags)
    return _with_custom(image, card.company.custom)


def product_image(product) -> dict:
    return {name: _plain(getattr(product, name)) for name in PRODUCT_FIELDS}


def change(row_number: int, record_id: uuid.UUID, kind: str, before: dict, after: dict):
    """The row's change as ImportChange values, or None when it changed nothing."""
    keys = [key for key in before.keys() | after.keys() if before.get(key) != after.get(key)]
    if not keys:
        return None
    return {
        "row_number": row_number,
        "record_id": record_id,
        "kind": kind,
        "before": {key: before.get(key) for key in keys},
        "after": {key: after.get(key) for key in keys},
    }


def _identity(name: str, item) -> str:
    return item.lower() if name == "tags" else item[0]


def restored(now: dict, change: ImportChange) -> dict:
    """The values to set so that ``now`` loses what the change did (and only that)."""
    values = {}
    for key, before in change.before.items():
        after = change.after[key]
        if key in LISTS:
            old = {_identity(key, item) for item in before}
            new = {_identity(key, item) for item in after}
            current = now.get(key, [])
            kept = [item for item in current if _identity(key, item) not in new - old]
            present = {_identity(key, item) for item in current}
            kept += [i for i in before if _identity(key, i) in old - new - present]
            if kept != current:
                values[key] = kept
        elif now.get(key) == after:
            values[key] = before
    return values


async def restore_batch(session: AsyncSession, principal: Principal, batch_id: uuid.UUID) -> int:
    """Put back what the batch's rows changed on the records they updated; how many records
    got something back (a record deleted since is passed over)."""
    records = set()
    for row in await import_repo.batch_changes(session, batch_id):
        try:
            if await RESTORERS[row.kind](session, principal, row):
                records.add(row.record_id)
        except NotFound:
            continue
    return len(records)


async def _restore_contact(session: AsyncSession, principal: Principal, row: ImportChange) -> bool:
    card = await contact_cards.contact_card(session, principal, row.record_id, lock=True)
    values = restored(contact_image(card), row)
    if not values:
        return False
    data = contacts.ContactInput(given=set(values))
    for key, value in values.items():
        if key == "birthday":
            data.birthday = date.fromisoformat(value) if value else None
        elif key in ("phones", "emails"):
            setattr(data, key, [tuple(item) for item in value])
        elif key == "companies":
            data.companies = [(uuid.UUID(company_id), role) for company_id, role in value]
        elif key.startswith(CUSTOM):
            data.custom = (data.custom or {}) | {key.removeprefix(CUSTOM): value}
            data.given.add("custom")
        else:
            setattr(data, key, value)
    await contacts.update_contact(session, principal, row.record_id, data, force=True)
    return True


async def _restore_company(session: AsyncSession, principal: Principal, row: ImportChange) -> bool:
    card = await companies.company_card(session, principal, row.record_id)
    values = restored(company_image(card), row)
    if not values:
        return False
    data: dict = {}
    for key, value in values.items():
        if key.startswith(CUSTOM):
            data.setdefault("custom", {})[key.removeprefix(CUSTOM)] = value
        else:
            data[key] = value
    await companies.update_company(session, principal, row.record_id, data)
    return True


async def _restore_product(session: AsyncSession, principal: Principal, row: ImportChange) -> bool:
    product = await products.get_product(session, row.record_id)
    values = restored(product_image(product), row)
    for key, value in values.items():
        if key == "price":
            value = Decimal(value)
        elif key == "category_id" and value:
            value = uuid.UUID(value)
        setattr(product, key, value)
    if values:
        product.updated_at = utcnow()
        await session.flush()
    return bool(values)


RESTORERS = {
    "contact": _restore_contact,
    "company": _restore_company,
    "product": _restore_product,
}
