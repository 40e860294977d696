"""Contacts from a file, a chunk of rows at a time: the contact rules of ``contacts`` applied in
Python (normalize, checked_email, the same limits and messages), duplicates by phone or e-mail
found with one query per chunk, and new cards written with bulk inserts. Cards a row updates go
through ``contacts.update_contact``, one by one, as a person's edit would."""

import uuid
from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace

from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.accounts import checked_email
from atrium.platform.auth.principal import Principal
from atrium.platform.crm.audit.models import AuditEntry
from atrium.platform.crm.companies.models import Company
from atrium.platform.crm.contacts import cards as contact_cards
from atrium.platform.crm.contacts import service as contacts
from atrium.platform.crm.contacts.models import (
    Contact,
    ContactCompany,
    ContactEmail,
    ContactPhone,
    ContactTag,
)
from atrium.platform.crm.custom_fields.repository import custom_field_definitions
from atrium.platform.crm.imports import repository as import_repo
from atrium.platform.crm.imports import undo as import_undo
from atrium.platform.crm.imports.fields import (
    custom_value,
    mapped_values,
    parse_date,
    parse_gender,
    split_list,
)
from atrium.platform.crm.imports.models import ImportBatch
from atrium.platform.crm.records import tags
from atrium.platform.crm.records.normalize import custom_values, e164, search_key, tag_names
from atrium.platform.db.types import utcnow
from atrium.platform.errors import Conflict, DomainError, Invalid, LimitReached
from atrium.platform.tenancy.service import workspace_settings

NAME_FIELDS = ("first_name", "middle_name", "last_name")
TEXT_FIELDS = (*NAME_FIELDS, "address", "source", "notes")


@dataclass(frozen=True)
class Skip:
    """A row skipped as a duplicate of a record already there or of an earlier row of the file."""

    row_number: int
    record_id: uuid.UUID | None = None
    same_as_row: int | None = None


@dataclass
class ChunkOutcome:
    """What a chunk did: counts, the rows skipped and refused (number, error), the records
    created and the changes made to records updated (import_undo.change)."""

    created: int = 0
    updated: int = 0
    skipped: list[Skip] = field(default_factory=list)
    rejected: list[tuple[int, DomainError]] = field(default_factory=list)
    records: list[tuple[uuid.UUID, str]] = field(default_factory=list)  # (id, kind)
    changes: list[dict] = field(default_factory=list)

    def note_change(self, row_number: int, record_id, kind: str, before: dict, after: dict):
        if (values := import_undo.change(row_number, record_id, kind, before, after)) is not None:
            self.changes.append(values)


@dataclass
class ContactRow:
    number: int
    values: dict  # contact columns, as the service would store them
    phones: list[str]
    emails: list[str]
    tags: list[str]
    company: str

    @property
    def keys(self) -> list[str]:
        return [*self.phones, *self.emails]

    def absorb(self, later: "ContactRow") -> None:
        """A later row of the file for the same person: its values win, lists join."""
        self.values.update({k: v for k, v in later.values.items() if v not in ("", None, {})})
        self.values["custom"] = {**self.values.get("custom", {}), **later.values.get("custom", {})}
        for name in ("phones", "emails", "tags"):
            mine = getattr(self, name)
            mine.extend(item for item in getattr(later, name) if item not in mine)
        self.company = later.company or self.company


def _names(values: dict[str, list[str]]) -> dict[str, str]:
    names = {name: values.get(name, [""])[0] for name in NAME_FIELDS}
    full = " ".join(values.get("full_name", [""])[0].split())
    if full and not any(names.values()):
        parts = full.split(" ")
        if len(parts) == 3:  # ФИО: Фамилия Имя Отчество
            names = dict(zip(("last_name", "first_name", "middle_name"), parts, strict=True))
        else:
            names["first_name"] = full
    return names


def checked_contact(
    number: int, values: dict[str, list[str]], region: str, definitions: dict
) -> ContactRow:
    """One row by the rules of ``contacts.create_contact``; Invalid names what is wrong."""
    checked: dict = _names(values)
    for name in ("address", "source", "notes"):
        checked[name] = values.get(name, [""])[0]
    for name in TEXT_FIELDS:
        checked[name] = checked[name].strip()
        limit = contacts.TEXT_LIMITS[name]
        if len(checked[name]) > limit:
            raise Invalid(
                "%(name)s must be at most %(max)d characters.", field=name, name=name, max=limit
            )
    checked["gender"] = parse_gender(values["gender"][0]) if "gender" in values else "unknown"
    checked["birthday"] = None  # every row has every key: bulk inserts batch by key set
    if "birthday" in values:
        birthday = parse_date(values["birthday"][0], "birthday")
        if not date(1900, 1, 1) <= birthday <= date.today():
            raise Invalid("The birthday must be between 1900 and today.", field="birthday")
        checked["birthday"] = birthday
    phones = []
    for raw in split_list(values.get("phone", [])):
        if (number_ := e164(raw, region, field="phones")) not in phones:
            phones.append(number_)
    emails = []
    for raw in split_list(values.get("email", [])):
        if (address := checked_email(raw)) not in emails:
            emails.append(address)
    custom = {
        key: custom_value(definition, values[f"custom.{key}"][0])
        for key, definition in definitions.items()
        if f"custom.{key}" in values
    }
    checked["custom"] = custom_values(definitions, custom, partial=False)
    if not any(checked[name] for name in NAME_FIELDS) and not phones and not emails:
        raise Invalid("A contact needs a name, a phone or an e-mail.", field="first_name")
    tags = tag_names(split_list(values.get("tags", [])))
    company = " ".join(values.get("company", [""])[0].split())[:300]
    return ContactRow(number, checked, phones, emails, tags, company)


async def import_contact_rows(
    session: AsyncSession,
    principal: Principal,
    batch: ImportBatch,
    rows: list[tuple[int, list[str]]],
) -> ChunkOutcome:
    principal.require("crm.write")
    outcome = ChunkOutcome()
    region = (await workspace_settings(session)).country
    definitions = await custom_field_definitions(session, "contact")
    checked = []
    for number, cells in rows:
        try:
            checked.append(
                checked_contact(number, mapped_values(batch.mapping, cells), region, definitions)
            )
        except Invalid as error:
            outcome.rejected.append((number, error))
    matching = batch.on_duplicate != "create"
    holders = {}
    if matching:
        holders = await import_repo.contact_ids_by_key(
            session,
            (p for row in checked for p in row.phones),
            (e for row in checked for e in row.emails),
        )
    new: list[ContactRow] = []
    updates: list[tuple[uuid.UUID, ContactRow]] = []
    earlier: dict[str, ContactRow] = {}  # new cards of this chunk by phone and e-mail
    for row in checked:
        existing = next((holders[key] for key in row.keys if key in holders), None)
        first = next((earlier[key] for key in row.keys if key in earlier), None)
        if matching and (existing or first):
            if batch.on_duplicate == "skip":
                outcome.skipped.append(
                    Skip(row.number, existing, None if existing else first.number)
                )
            elif existing:
                updates.append((existing, row))
            else:
                first.absorb(row)
                outcome.updated += 1
            continue
        new.append(row)
        earlier.update((key, row) for key in row.keys)
    new = await _within_contact_limit(session, principal, new, outcome)
    await _write_new(session, principal, new, outcome)
    for contact_id, row in updates:
        try:
            async with session.begin_nested():
                await _update(session, principal, contact_id, row, outcome)
            outcome.updated += 1
        except DomainError as error:
            outcome.rejected.append((row.number, error))
    return outcome


async def _within_contact_limit(
    session: AsyncSession, principal: Principal, new: list[ContactRow], outcome: ChunkOutcome
) -> list[ContactRow]:
    """The rows that fit under the plan's contact limit; the rest are refused with its reason."""
    room = await contacts.contact_room(session, principal.workspace.entitlements)
    if room is None or len(new) <= room:
        return new
    try:
        await contacts.require_contact_room(session, principal.workspace.entitlements, len(new))
    except LimitReached as error:
        outcome.rejected.extend((row.number, error) for row in new[room:])
    return new[:room]


async def _write_new(
    session: AsyncSession, principal: Principal, rows: list[ContactRow], outcome: ChunkOutcome
) -> None:
    """New cards with their phones, e-mails, tags, company and "created" audit entry: a few
    bulk inserts for the whole chunk."""
    if not rows:
        return
    now = utcnow()
    names = [row.company for row in rows if row.company]
    companies = await _company_ids(session, principal, names, outcome)
    tags_used = sorted({tag for row in rows for tag in row.tags}, key=str.lower)
    tag_ids = dict(zip(tags_used, await tags.tag_ids(session, tags_used), strict=True))
    tables: dict = {model: [] for model in TABLES}
    for row in rows:
        contact_id = uuid.uuid4()
        company_id = companies[row.company.lower()] if row.company else None
        for model, values in _card_rows(row, contact_id, principal.user_id, now, tag_ids,
                                        company_id):  # fmt: skip
            tables[model] += values
        outcome.records.append((contact_id, "contact"))
    for model, values in tables.items():
        await import_repo.insert_rows(session, model, values)
    outcome.created += len(rows)


TABLES = (Contact, ContactPhone, ContactEmail, ContactTag, ContactCompany, AuditEntry)


def _card_rows(row: ContactRow, contact_id, user, now, tag_ids: dict, company_id) -> list:
    """(model, rows) of one new card, as contacts.create_contact would write them."""
    display = contact_cards.display_name_of(
        SimpleNamespace(**row.values),
        row.emails[0] if row.emails else None,
        row.phones[0] if row.phones else None,
    )
    card = {**row.values, "id": contact_id, "display_name": display,
            "search_name": search_key(display), "owner_id": user, "created_by": user,
            "created_at": now, "updated_at": now}  # fmt: skip
    phones = [{"id": uuid.uuid4(), "contact_id": contact_id, "number": number,
               "kind": "mobile", "position": i} for i, number in enumerate(row.phones)]  # fmt: skip
    emails = [{"id": uuid.uuid4(), "contact_id": contact_id, "address": address,
               "kind": "work", "position": i} for i, address in enumerate(row.emails)]  # fmt: skip
    tags = [{"contact_id": contact_id, "tag_id": tag_id} for tag_id in
            {tag_ids[tag] for tag in row.tags}]  # fmt: skip
    company = [{"contact_id": contact_id, "company_id": company_id}] if company_id else []
    audit = {"id": uuid.uuid4(), "record_type": "contact", "record_id": contact_id,
             "action": "created", "field": "", "actor_id": user, "at": now}  # fmt: skip
    return [(Contact, [card]), (ContactPhone, phones), (ContactEmail, emails),
            (ContactTag, tags), (ContactCompany, company), (AuditEntry, [audit])]  # fmt: skip


async def _company_ids(
    session: AsyncSession, principal: Principal, names: list[str], outcome: ChunkOutcome
) -> dict[str, uuid.UUID]:
    """Companies by lower-cased name; those not there yet are created (and belong to the
    batch: its undo deletes them too)."""
    found = await import_repo.company_ids_by_name(session, names)
    missing: dict[str, str] = {}  # the first spelling in the file names the company
    for name in names:
        if name.lower() not in found:
            missing.setdefault(name.lower(), name)
    now, rows = utcnow(), []
    for lowered, name in missing.items():
        found[lowered] = company_id = uuid.uuid4()
        rows.append(
            {"id": company_id, "name": name, "search_name": search_key(name, "", ""),
             "owner_id": principal.user_id, "created_by": principal.user_id,
             "created_at": now, "updated_at": now}
        )  # fmt: skip
        outcome.records.append((company_id, "company"))
    await import_repo.insert_rows(session, Company, rows)
    return found


async def _update(
    session: AsyncSession,
    principal: Principal,
    contact_id: uuid.UUID,
    row: ContactRow,
    outcome: ChunkOutcome,
) -> None:
    """The row's values over the card's; phones, e-mails, tags and the company added."""
    try:
        card = await contact_cards.contact_card(session, principal, contact_id, lock=True)
    except DomainError:
        raise Conflict(
            "A contact with this phone or e-mail exists, but it is not yours to change.",
            field="phones",
        ) from None
    before = import_undo.contact_image(card)
    given = {k for k, v in row.values.items() if v not in ("", None) and k != "custom"}
    if row.values.get("gender") == "unknown":
        given.discard("gender")
    data = contacts.ContactInput(**{k: row.values[k] for k in given}, given=given)
    if row.values.get("custom"):
        data.custom, data.given = row.values["custom"], given | {"custom"}
    data.phones = [(p.number, p.kind) for p in card.phones]
    data.phones += [(n, "mobile") for n in row.phones if n not in {p.number for p in card.phones}]
    data.emails = [(e.address, e.kind) for e in card.emails]
    data.emails += [(a, "work") for a in row.emails if a not in {e.address for e in card.emails}]
    data.tags = card.tags + [t for t in row.tags if t.lower() not in {c.lower() for c in card.tags}]
    data.companies = list(card.companies)
    if row.company:
        [company_id] = (await _company_ids(session, principal, [row.company], outcome)).values()
        if company_id not in {c for c, _ in card.companies}:
            data.companies.append((company_id, ""))
    card = await contacts.update_contact(session, principal, contact_id, data, force=True)
    outcome.note_change(row.number, contact_id, "contact", before, import_undo.contact_image(card))
