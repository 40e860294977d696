"""Reading contact cards and lists: a card with its phones, e-mails, companies and tags; the list
by owner, team, tag, search, sorted, page by page."""

import functools
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Integer, Uuid, bindparam
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.crm.contacts.models import Contact, ContactTag
from atrium.platform.crm.contacts.repository import (
    card_links,
    contact_cards,
    contact_links,
    contact_search,
)
from atrium.platform.crm.records.normalize import e164_or_none
from atrium.platform.crm.records.tags import with_tag
from atrium.platform.crm.records.visibility import (
    get_visible,
    record_scope,
    scoped_visibility,
    visible,
)
from atrium.platform.db import Database, workspace_sql
from atrium.platform.db.names import name_key, name_key_of
from atrium.platform.errors import Invalid, NotFound
from atrium.platform.http.pagination import (
    Page,
    checked_limit,
    cursor_values,
    page_of,
    page_query,
)
from atrium.platform.tenancy.service import workspace_country

SORTS = {
    "created_at": (Contact.created_at, lambda c: c.created_at.isoformat(), datetime.fromisoformat),
    "last_name": (name_key(Contact.last_name), lambda c: name_key_of(c.last_name), str),
    "display_name": (
        name_key(Contact.display_name),
        lambda c: name_key_of(c.display_name),
        str,
    ),
}


@dataclass
class ContactCard:
    contact: Contact
    phones: list
    emails: list
    tags: list[str]
    companies: list[tuple[uuid.UUID, str]]


def display_name_of(contact: Contact, first_email: str | None, first_phone: str | None) -> str:
    name = " ".join(p for p in (contact.last_name, contact.first_name, contact.middle_name) if p)
    return name or first_email or first_phone or "—"


async def contact_card(
    session: AsyncSession, principal: Principal, contact_id: uuid.UUID, *, lock: bool = False
) -> ContactCard:
    contact = await get_visible(session, Contact, contact_id, principal, lock=lock)
    if contact is None:
        raise NotFound("No such contact.")
    [card] = await _cards(session, [contact])
    return card


@functools.cache
def _card_by_id(scope: str) -> tuple[str, dict]:
    """The most read query, compiled once per scope of visibility (ids are parameters)."""
    query = contact_cards().where(Contact.id == bindparam("contact_id", type_=Uuid))
    condition = scoped_visibility(Contact, scope, bindparam("viewer", type_=Uuid))
    return workspace_sql(query if condition is None else query.where(condition))


@functools.cache
def _plain_page(scope: str, sort: str, descending: bool, after: bool) -> tuple[str, dict]:
    """A page of the unfiltered list, compiled once per shape (values are parameters)."""
    column = SORTS[sort][0]
    query = contact_cards()
    condition = scoped_visibility(Contact, scope, bindparam("viewer", type_=Uuid))
    if condition is not None:
        query = query.where(condition)
    query = page_query(
        query,
        sort=[column, Contact.id],
        after=[bindparam("after_value", type_=column.type), bindparam("after_id", type_=Uuid)]
        if after
        else None,
        rows=bindparam("rows", type_=Integer),
        descending=descending,
    )
    return workspace_sql(query)


async def read_contact_card(
    db: Database, principal: Principal, contact_id: uuid.UUID
) -> ContactCard:
    """GET /contacts/{id}: the card in one round trip, outside any session."""
    rows = await db.read_in_workspace(
        principal.workspace.schema,
        _card_by_id(record_scope(principal)),
        {"contact_id": contact_id, "viewer": principal.user_id},
    )
    if not rows:
        raise NotFound("No such contact.")
    return ContactCard(rows[0], *card_links(rows[0]))


async def _cards(session: AsyncSession, contacts: list[Contact]) -> list[ContactCard]:
    links = await contact_links(session, [contact.id for contact in contacts])
    return [ContactCard(contact, *links[contact.id]) for contact in contacts]


async def list_contacts(
    db: Database,
    principal: Principal,
    *,
    q: str | None = None,
    tag: str | None = None,
    owner_id: uuid.UUID | None = None,
    source: str | None = None,
    sort: str = "-created_at",
    cursor: str | None = None,
    limit: int = 25,
) -> Page[ContactCard]:
    """A page of cards in one round trip (two with a search, which needs the country)."""
    descending = sort.startswith("-")
    key = sort.removeprefix("-")
    if key not in SORTS:
        raise Invalid(
            "sort must be one of: %(choices)s (prefix - for descending).",
            field="sort",
            choices=", ".join(SORTS),
        )
    column, value_of, parse = SORTS[key]
    schema = principal.workspace.schema
    checked_limit(limit)
    after = cursor_values(cursor, 2, [parse, uuid.UUID]) if cursor else None
    params = {"viewer": principal.user_id, "rows": limit + 1}
    if after is not None:
        params |= {"after_value": after[0], "after_id": after[1]}
    if not (q or tag or owner_id or source):  # the plain list: compiled once per shape
        statement = _plain_page(record_scope(principal), key, descending, after is not None)
        rows = await db.read_in_workspace(schema, statement, params)
    else:
        query = visible(contact_cards(), Contact, principal)
        if q:
            country = await workspace_country(db, schema)
            query = contact_search(query, q[:200], e164_or_none(q[:40], country))
        if tag:
            query = with_tag(query, Contact, ContactTag, ContactTag.contact_id, tag)
        if owner_id:
            query = query.where(Contact.owner_id == owner_id)
        if source:
            query = query.where(Contact.source == source)
        query = page_query(
            query, sort=[column, Contact.id], after=after, rows=limit + 1, descending=descending
        )
        rows = await db.read_in_workspace(schema, query)
    page = page_of(rows, key=lambda contact: [value_of(contact), contact.id], limit=limit)
    return Page(
        items=[ContactCard(row, *card_links(row)) for row in page.items],
        next_cursor=page.next_cursor,
    )
