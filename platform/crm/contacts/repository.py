"""The SQL of contacts: cards with their phones, e-mails, companies and tags; search; counts."""

import functools
import uuid
from collections.abc import Iterable
from typing import NamedTuple

from sqlalchemy import (
    Select,
    delete,
    func,
    insert,
    literal_column,
    select,
    union,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.crm.contacts.models import (
    Contact,
    ContactCompany,
    ContactEmail,
    ContactPhone,
    ContactTag,
)
from atrium.platform.crm.records.models import Tag
from atrium.platform.crm.records.normalize import search_words
from atrium.platform.crm.records.visibility import name_starts
from atrium.platform.db.names import name_key


def select_contacts() -> Select:
    return select(Contact)


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


async def replace_companies(
    session: AsyncSession, contact_id: uuid.UUID, links: list[tuple[uuid.UUID, str]]
) -> None:
    await session.execute(delete(ContactCompany).where(ContactCompany.contact_id == contact_id))
    if links:
        await session.execute(
            insert(ContactCompany),
            [{"contact_id": contact_id, "company_id": c, "role": role} for c, role in links],
        )


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


def phone_digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def phone_holders(digits: str, exact: str | None = None) -> Select:
    """Contacts with the phone ``exact`` (E.164) when given, else holding these digits."""
    if exact is not None:
        return select(ContactPhone.contact_id).where(ContactPhone.number == exact)
    return select(ContactPhone.contact_id).where(ContactPhone.number.like(f"%{digits}%"))


async def count_contacts_up_to(session: AsyncSession, cap: int) -> int:
    """How many contacts the workspace has, counting no further than ``cap`` (a limit check
    needs no more, and stops early on a big workspace)."""
    capped = select(Contact.id).limit(cap).subquery()
    return await session.scalar(select(func.count()).select_from(capped))
