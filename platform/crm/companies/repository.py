"""The SQL of companies: the list query, search by name and e-mail, visible ids."""

import uuid

from sqlalchemy import (
    Select,
    select,
    union,
)
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.crm.companies.models import Company
from atrium.platform.crm.records.normalize import search_words
from atrium.platform.crm.records.visibility import name_starts, visible


def select_companies() -> Select:
    return select(Company)


def company_search(query: Select, text: str) -> Select:
    """Name, legal name or tax id (by word starts, any alphabet), or an e-mail fragment."""
    branches = [select(Company.id).where(company_email_matches(text))]
    if words := search_words(text):
        branches.append(select(Company.id).where(name_starts(Company, words)))
    return query.where(Company.id.in_(union(*branches)))


async def visible_company_ids(
    session: AsyncSession, ids: list[uuid.UUID], principal: Principal
) -> set[uuid.UUID]:
    """Those of these companies the principal may see (another's is as missing)."""
    query = visible(select(Company.id).where(Company.id.in_(ids)), Company, principal)
    return set(await session.scalars(query))


def company_email_matches(text: str):
    return Company.email.contains(text.strip().lower(), autoescape=True)
