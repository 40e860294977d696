"""The only place that builds CRM SQL; every query is limited to what the principal may see."""

import functools
import uuid
from collections.abc import Iterable
from typing import NamedTuple

from sqlalchemy import (
    Select,
    and_,
    delete,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    union,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.crm.models import (
    Company,
    Contact,
    ContactCompany,
    ContactEmail,
    ContactPhone,
    ContactTag,
    CustomField,
    Tag,
    TeamMember,
)
from atrium.platform.crm.normalize import search_words
from atrium.platform.db.names import name_key, name_key_of


def select_contacts() -> Select:
    return select(Contact)


def select_companies() -> Select:
    return select(Company)


def company_search(query: Select, text: str) -> Select:
    """Name, legal name or tax id (by word starts, any alphabet), or an e-mail fragment."""
    branches = [select(Company.id).where(company_email_matches(text))]
    if words := search_words(text):
        branches.append(select(Company.id).where(name_starts(Company, words)))
    return query.where(Company.id.in_(union(*branches)))


def name_starts(model, words: list[str]):
    """Every folded query word starts some word of the record's name (trigram index)."""
    return and_(*(model.search_name.like(f"% {word}%") for word in words))


def name_resembles(model, folded: str):
    """A typo-tolerant match: pg_trgm's strict word similarity over its threshold."""
    return literal(folded).op("<<%")(model.search_name)


def name_score(model, folded: str):
    """1 for whole words; a word's start or a near miss less (pg_trgm)."""
    return func.strict_word_similarity(folded, model.search_name)


def visibility(model, principal: Principal):
    """Which records of ``model`` a principal may see and change, as a condition (None: all).

    Owners and admins (crm.all_records) see all. Everyone sees what they own and what is
    shared with a team of theirs; managers (crm.team_records) also what their teams' members own.
    """
    return scoped_visibility(model, record_scope(principal), principal.user_id)


def record_scope(principal: Principal) -> str:
    """all (owners, admins), team (managers) or own (everyone else)."""
    if principal.can("crm.all_records"):
        return "all"
    return "team" if principal.can("crm.team_records") else "own"


def scoped_visibility(model, scope: str, viewer):
    """visibility() for a scope; ``viewer`` is the user id, or a bound parameter standing for
    it in a statement compiled once."""
    if scope == "all":
        return None
    my_teams = select(TeamMember.team_id).where(TeamMember.user_id == viewer)
    allowed = [model.owner_id == viewer]
    if hasattr(model, "team_id"):
        allowed.append(model.team_id.in_(my_teams))
    if scope == "team":
        teammates = select(TeamMember.user_id).where(TeamMember.team_id.in_(my_teams))
        allowed.append(model.owner_id.in_(teammates))
    return or_(*allowed)


def visible(query: Select, model, principal: Principal) -> Select:
    condition = visibility(model, principal)
    return query if condition is None else query.where(condition)


async def visible_ids(
    session: AsyncSession, model, principal: Principal, ids: list[uuid.UUID]
) -> set[uuid.UUID]:
    """Those of ``ids`` the principal may see."""
    if not ids:
        return set()
    query = visible(select(model.id).where(model.id.in_(ids)), model, principal)
    return set(await session.scalars(query))


async def get_visible(
    session: AsyncSession, model, record_id: uuid.UUID, principal: Principal, *, lock=True
):
    """The record if the principal may see it; locked for the change that follows unless
    ``lock`` is off (a read must not queue behind writers)."""
    query = visible(select(model).where(model.id == record_id), model, principal)
    return await session.scalar(query.with_for_update() if lock else query)


async def contacts_with(
    session: AsyncSession, *, phones: Iterable[str], emails: Iterable[str], exclude=None
) -> list[Contact]:
    """Contacts already holding any of these phones or e-mails (for duplicate checks)."""
    phones, emails = list(phones), list(emails)
    if not phones and not emails:
        return []
    holders = (
        select(ContactPhone.contact_id)
        .where(ContactPhone.number.in_(phones))
        .union(select(ContactEmail.contact_id).where(ContactEmail.address.in_(emails)))
    )
    query = select(Contact).where(Contact.id.in_(holders)).order_by(Contact.created_at)
    if exclude is not None:
        query = query.where(Contact.id != exclude)
    return list(await session.scalars(query))


class LinkedPhone(NamedTuple):
    number: str
    kind: str


class LinkedEmail(NamedTuple):
    address: str
    kind: str


def _json_list(*columns, order_by):
    """Per contact, these columns of its linked rows as a JSON array of arrays."""
    return func.coalesce(
        func.json_agg(aggregate_order_by(func.json_build_array(*columns), order_by)),
        literal_column("'[]'::json"),
    )


def _card_links() -> list:
    """A contact's phones, e-mails, tags and companies, as correlated JSON subqueries."""
    phones = select(
        _json_list(ContactPhone.number, ContactPhone.kind, order_by=ContactPhone.position)
    ).where(ContactPhone.contact_id == Contact.id)
    emails = select(
        _json_list(ContactEmail.address, ContactEmail.kind, order_by=ContactEmail.position)
    ).where(ContactEmail.contact_id == Contact.id)
    tags = (
        select(
            func.coalesce(
                func.json_agg(aggregate_order_by(Tag.name, name_key(Tag.name))),
                literal_column("'[]'::json"),
            )
        )
        .join(ContactTag, ContactTag.tag_id == Tag.id)
        .where(ContactTag.contact_id == Contact.id)
    )
    companies = select(
        _json_list(
            ContactCompany.company_id, ContactCompany.role, order_by=ContactCompany.company_id
        )
    ).where(ContactCompany.contact_id == Contact.id)
    return [
        phones.scalar_subquery().label("phones"),
        emails.scalar_subquery().label("emails"),
        tags.scalar_subquery().label("tags"),
        companies.scalar_subquery().label("companies"),
    ]


@functools.cache  # built once: statements are immutable, and this one is not small
def contact_cards() -> Select:
    """Contacts with their links, one row each: a card costs one query."""
    return select(*Contact.__table__.columns, *_card_links())


def card_links(row) -> tuple[list, list, list, list]:
    """Phones, e-mails, tags and companies of a row carrying _card_links()."""
    return (
        [LinkedPhone(number, kind) for number, kind in row.phones],
        [LinkedEmail(address, kind) for address, kind in row.emails],
        sorted(row.tags),
        [(uuid.UUID(company_id), role) for company_id, role in row.companies],
    )


async def contact_links(session: AsyncSession, contact_ids: list[uuid.UUID]) -> dict:
    """Phones, e-mails, tags and companies of these contacts (card_links), in one query."""
    rows = await session.execute(
        select(Contact.id, *_card_links()).where(Contact.id.in_(contact_ids))
    )
    return {row.id: card_links(row) for row in rows}


async def tags_of(session: AsyncSession, link, key, record_ids: list[uuid.UUID]) -> dict:
    rows = await session.execute(
        select(key, Tag.name).join(Tag, Tag.id == link.tag_id).where(key.in_(record_ids))
    )
    found: dict = {record_id: [] for record_id in record_ids}
    for record_id, name in rows:
        found[record_id].append(name)
    return {record_id: sorted(names, key=name_key_of) for record_id, names in found.items()}


async def replace_phones(session: AsyncSession, contact_id: uuid.UUID, phones: list) -> None:
    await session.execute(delete(ContactPhone).where(ContactPhone.contact_id == contact_id))
    if phones:
        await session.execute(
            insert(ContactPhone),
            [
                {"contact_id": contact_id, "number": number, "kind": kind, "position": index}
                for index, (number, kind) in enumerate(phones)
            ],
        )


async def replace_emails(session: AsyncSession, contact_id: uuid.UUID, emails: list) -> None:
    await session.execute(delete(ContactEmail).where(ContactEmail.contact_id == contact_id))
    if emails:
        await session.execute(
            insert(ContactEmail),
            [
                {"contact_id": contact_id, "address": address, "kind": kind, "position": index}
                for index, (address, kind) in enumerate(emails)
            ],
        )


async def tag_ids(session: AsyncSession, names: list[str]) -> list[uuid.UUID]:
    """Ids of these tags, creating the missing ones (names compared case-insensitively)."""
    if not names:
        return []
    existing = {
        name.lower(): tag_id
        for tag_id, name in await session.execute(
            select(Tag.id, Tag.name).where(func.lower(Tag.name).in_([n.lower() for n in names]))
        )
    }
    ids = []
    for name in names:
        if name.lower() not in existing:
            tag = Tag(name=name)
            session.add(tag)
            await session.flush()
            existing[name.lower()] = tag.id
        ids.append(existing[name.lower()])
    return ids


async def replace_tags(session: AsyncSession, link, key, record_id, names: list[str]) -> None:
    await session.execute(delete(link).where(key == record_id))
    ids = await tag_ids(session, names)
    if ids:
        column = key.key
        await session.execute(insert(link), [{column: record_id, "tag_id": i} for i in ids])


async def replace_companies(
    session: AsyncSession, contact_id: uuid.UUID, links: list[tuple[uuid.UUID, str]]
) -> None:
    await session.execute(delete(ContactCompany).where(ContactCompany.contact_id == contact_id))
    if links:
        await session.execute(
            insert(ContactCompany),
            [{"contact_id": contact_id, "company_id": c, "role": role} for c, role in links],
        )


async def visible_company_ids(
    session: AsyncSession, ids: list[uuid.UUID], principal: Principal
) -> set[uuid.UUID]:
    """Those of these companies the principal may see (another's is as missing)."""
    query = visible(select(Company.id).where(Company.id.in_(ids)), Company, principal)
    return set(await session.scalars(query))


async def custom_field_definitions(session: AsyncSession, object_type: str) -> dict:
    rows = await session.scalars(select(CustomField).where(CustomField.object_type == object_type))
    return {field.key: field for field in rows}


def contact_search(query: Select, text: str, phone: str | None = None) -> Select:
    """Name words (any alphabet), an e-mail fragment, phone digits or the phone (E.164).

    A union of id lists, not an OR: each branch keeps its own index (an OR across a subquery
    makes PostgreSQL scan every contact).
    """
    branches = [email_holders(text)]
    if words := search_words(text):
        branches.append(select(Contact.id).where(name_starts(Contact, words)))
    if len(digits := phone_digits(text)) >= 3:
        branches.append(phone_holders(digits, phone))
    return query.where(Contact.id.in_(union(*branches)))


def email_holders(text: str) -> Select:
    """Contacts with an e-mail holding this fragment (addresses are kept lower-cased)."""
    fragment = text.strip().lower()
    return select(ContactEmail.contact_id).where(
        ContactEmail.address.contains(fragment, autoescape=True)
    )


def company_email_matches(text: str):
    return Company.email.contains(text.strip().lower(), autoescape=True)


def phone_digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def phone_holders(digits: str, exact: str | None = None) -> Select:
    """Contacts with the phone ``exact`` (E.164) when given, else holding these digits."""
    if exact is not None:
        return select(ContactPhone.contact_id).where(ContactPhone.number == exact)
    return select(ContactPhone.contact_id).where(ContactPhone.number.like(f"%{digits}%"))


def with_tag(query: Select, model, link, key, name: str) -> Select:
    tagged = (
        select(key).join(Tag, Tag.id == link.tag_id).where(func.lower(Tag.name) == name.lower())
    )
    return query.where(model.id.in_(tagged))


async def count_contacts_up_to(session: AsyncSession, cap: int) -> int:
    """How many contacts the workspace has, counting no further than ``cap`` (a limit check
    needs no more, and stops early on a big workspace)."""
    capped = select(Contact.id).limit(cap).subquery()
    return await session.scalar(select(func.count()).select_from(capped))
