"""Who works where: a contact linked to a company (with their role there), from either card.

Both records must be ones the member may see; another's (or another workspace's) is the same
"no such" as a record that does not exist. A change is audited on the contact's history.
"""

import uuid

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.crm.audit.service import audit_changes
from atrium.platform.crm.companies.models import Company
from atrium.platform.crm.contacts.models import Contact, ContactCompany
from atrium.platform.crm.records.visibility import get_visible
from atrium.platform.db.types import utcnow
from atrium.platform.errors import NotFound
from atrium.platform.events.service import record_event

MAX_ROLE = 100


async def _both_visible(
    session: AsyncSession, principal: Principal, contact_id: uuid.UUID, company_id: uuid.UUID
) -> tuple[Contact, Company]:
    principal.require("crm.write")
    contact = await get_visible(session, Contact, contact_id, principal)
    if contact is None:
        raise NotFound("No such contact.")
    company = await get_visible(session, Company, company_id, principal, lock=False)
    if company is None:
        raise NotFound("No such company.")
    return contact, company


async def _company_ids(session: AsyncSession, contact_id: uuid.UUID) -> list[str]:
    query = select(ContactCompany.company_id).where(ContactCompany.contact_id == contact_id)
    return sorted(str(found) for found in await session.scalars(query))


async def _changed(
    session: AsyncSession, principal: Principal, contact: Contact, before: list[str]
) -> None:
    after = await _company_ids(session, contact.id)
    if after == before:
        return
    contact.updated_at = utcnow()
    audit_changes(session, "contact", contact.id, {"companies": (before, after)}, principal)
    await record_event(session, "contact.updated", {"id": str(contact.id), "fields": ["companies"]})


async def link_person(
    session: AsyncSession,
    principal: Principal,
    *,
    contact_id: uuid.UUID,
    company_id: uuid.UUID,
    role: str = "",
) -> None:
    """The contact works at the company (in ``role``); linking again changes the role."""
    contact, _ = await _both_visible(session, principal, contact_id, company_id)
    before = await _company_ids(session, contact_id)
    role = " ".join(role.split())[:MAX_ROLE]
    await session.execute(
        insert(ContactCompany)
        .values(contact_id=contact_id, company_id=company_id, role=role)
        .on_conflict_do_update(
            index_elements=[ContactCompany.contact_id, ContactCompany.company_id],
            set_={"role": role},
        )
    )
    await _changed(session, principal, contact, before)


async def unlink_person(
    session: AsyncSession, principal: Principal, *, contact_id: uuid.UUID, company_id: uuid.UUID
) -> None:
    """The contact no longer works at the company (the records themselves stay)."""
    contact, _ = await _both_visible(session, principal, contact_id, company_id)
    before = await _company_ids(session, contact_id)
    await session.execute(
        delete(ContactCompany).where(
            ContactCompany.contact_id == contact_id, ContactCompany.company_id == company_id
        )
    )
    await _changed(session, principal, contact, before)
