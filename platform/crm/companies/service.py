"""Companies: organisations the contacts work for."""

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.accounts import checked_email
from atrium.platform.auth.principal import Principal
from atrium.platform.crm.audit.service import audit_changes, audit_event
from atrium.platform.crm.companies.models import Company, CompanyTag
from atrium.platform.crm.companies.repository import company_search, select_companies
from atrium.platform.crm.contacts.models import Contact, ContactCompany
from atrium.platform.crm.custom_fields.repository import custom_field_definitions
from atrium.platform.crm.records.normalize import custom_values, e164, tag_names
from atrium.platform.crm.records.tags import replace_tags, tags_of, with_tag
from atrium.platform.crm.records.visibility import get_visible, visible
from atrium.platform.crm.teams.sharing import checked_sharing
from atrium.platform.db.names import by_name, name_key, name_key_of
from atrium.platform.db.types import utcnow
from atrium.platform.errors import Invalid, NotFound
from atrium.platform.events.service import record_event
from atrium.platform.http.pagination import Page, paginate
from atrium.platform.tenancy.service import workspace_settings

TEXT_LIMITS = {
    "name": 300,
    "legal_name": 300,
    "tax_id": 40,
    "website": 300,
    "address": 2000,
    "notes": 20000,
}
SORTS = {
    "created_at": (Company.created_at, lambda c: c.created_at.isoformat(), datetime.fromisoformat),
    "name": (name_key(Company.name), lambda c: name_key_of(c.name), str),
}


@dataclass
class CompanyCard:
    company: Company
    tags: list[str]


async def _checked(
    session: AsyncSession,
    principal: Principal,
    data: dict[str, Any],
    *,
    partial: bool,
    members: Collection[uuid.UUID],
) -> dict:
    values: dict[str, Any] = await checked_sharing(session, principal, data, members)
    for name, limit in TEXT_LIMITS.items():
        if (value := data.get(name)) is not None:
            value = " ".join(value.split()) if name != "notes" else value.strip()
            if len(value) > limit:
                raise Invalid(
                    "%(name)s must be at most %(max)d characters.", field=name, name=name, max=limit
                )
            values[name] = value
    if "name" in values and not values["name"]:
        raise Invalid("A company needs a name.", field="name")
    if not partial and not values.get("name"):
        raise Invalid("A company needs a name.", field="name")
    if data.get("phone"):
        values["phone"] = e164(
            data["phone"], (await workspace_settings(session)).country, field="phone"
        )
    elif data.get("phone") == "":
        values["phone"] = ""
    if data.get("email"):
        values["email"] = checked_email(data["email"])
    elif data.get("email") == "":
        values["email"] = ""
    if data.get("tags") is not None:
        values["tags"] = tag_names(data["tags"])
    if data.get("custom") is not None or not partial:
        definitions = await custom_field_definitions(session, "company")
        values["custom"] = custom_values(definitions, data.get("custom") or {}, partial=partial)
    return values


async def create_company(
    session: AsyncSession,
    principal: Principal,
    data: dict[str, Any],
    *,
    members: Collection[uuid.UUID] = (),
) -> CompanyCard:
    """``members``: the workspace's, when ``data`` gives the company to someone (sharing)."""
    values = await _checked(session, principal, data, partial=False, members=members)
    tags = values.pop("tags", None)
    owner_id = values.pop("owner_id", None) or principal.user_id
    company = Company(**values, owner_id=owner_id, created_by=principal.user_id)
    session.add(company)
    await session.flush()
    if tags is not None:
        await replace_tags(session, CompanyTag, CompanyTag.company_id, company.id, tags)
    audit_event(session, "company", company.id, "created", principal)
    await record_event(session, "company.created", {"id": str(company.id)})
    return await company_card(session, principal, company.id)


async def company_card(
    session: AsyncSession, principal: Principal, company_id: uuid.UUID
) -> CompanyCard:
    company = await get_visible(session, Company, company_id, principal)
    if company is None:
        raise NotFound("No such company.")
    tags = await tags_of(session, CompanyTag, CompanyTag.company_id, [company.id])
    return CompanyCard(company, tags[company.id])


async def update_company(
    session: AsyncSession,
    principal: Principal,
    company_id: uuid.UUID,
    data: dict[str, Any],
    *,
    members: Collection[uuid.UUID] = (),
) -> CompanyCard:
    """``members``: the workspace's, when ``data`` gives the company to someone (sharing)."""
    card = await company_card(session, principal, company_id)
    company = card.company
    values = await _checked(session, principal, data, partial=True, members=members)
    tags = values.pop("tags", None)
    if "custom" in values:
        values["custom"] = {**company.custom, **values["custom"]}
    changes = {}
    for name, value in values.items():
        if getattr(company, name) != value:
            changes[name] = (getattr(company, name), value)
            setattr(company, name, value)
    if tags is not None and tags != card.tags:
        changes["tags"] = (card.tags, tags)
        await replace_tags(session, CompanyTag, CompanyTag.company_id, company_id, tags)
    if changes:
        company.updated_at = utcnow()
        audit_changes(session, "company", company_id, changes, principal)
        await record_event(
            session, "company.updated", {"id": str(company_id), "fields": sorted(changes)}
        )
    await session.flush()
    return await company_card(session, principal, company_id)


async def delete_company(
    session: AsyncSession, principal: Principal, company_id: uuid.UUID
) -> None:
    principal.require("crm.delete")
    card = await company_card(session, principal, company_id)
    audit_event(session, "company", company_id, "deleted", principal, old=card.company.name)
    await session.delete(card.company)
    await record_event(session, "company.deleted", {"id": str(company_id)})


async def list_companies(
    session: AsyncSession,
    principal: Principal,
    *,
    q: str | None = None,
    tag: str | None = None,
    owner_id: uuid.UUID | None = None,
    sort: str = "name",
    cursor: str | None = None,
    limit: int = 25,
) -> Page[CompanyCard]:
    key = sort.removeprefix("-")
    if key not in SORTS:
        raise Invalid(
            "sort must be one of: %(choices)s (prefix - for descending).",
            field="sort",
            choices=", ".join(SORTS),
        )
    column, value_of, parse = SORTS[key]
    query = visible(select_companies(), Company, principal)
    if q:
        query = company_search(query, q[:200])
    if tag:
        query = with_tag(query, Company, CompanyTag, CompanyTag.company_id, tag)
    if owner_id:
        query = query.where(Company.owner_id == owner_id)
    page = await paginate(
        session,
        query,
        sort=[column, Company.id],
        key=lambda company: [value_of(company), company.id],
        parse=[parse, uuid.UUID],
        cursor=cursor,
        limit=limit,
        descending=sort.startswith("-"),
    )
    ids = [company.id for company in page.items]
    tags = await tags_of(session, CompanyTag, CompanyTag.company_id, ids)
    cards = [CompanyCard(company, tags[company.id]) for company in page.items]
    return Page(items=cards, next_cursor=page.next_cursor)


async def company_people(
    session: AsyncSession, principal: Principal, company_id: uuid.UUID
) -> list[tuple[uuid.UUID, str, str]]:
    """(contact id, name, role) of the people the caller may see at this company."""
    await company_card(session, principal, company_id)  # 404 unless visible
    query = visible(
        select(Contact.id, Contact.display_name, ContactCompany.role)
        .join(ContactCompany, ContactCompany.contact_id == Contact.id)
        .where(ContactCompany.company_id == company_id)
        .order_by(*by_name(Contact.display_name)),
        Contact,
        principal,
    )
    return [tuple(row) for row in await session.execute(query)]


async def company_names(
    session: AsyncSession, principal: Principal, ids: list[uuid.UUID]
) -> dict[uuid.UUID, str]:
    """The names of those of these companies the caller may see."""
    if not ids:
        return {}
    query = visible(select(Company.id, Company.name).where(Company.id.in_(ids)), Company, principal)
    return dict((await session.execute(query)).all())
