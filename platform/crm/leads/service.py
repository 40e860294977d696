"""Leads land in the unsorted inbox, are assigned by rules, and become a contact and a deal."""

import uuid
from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.accounts import checked_email
from atrium.platform.auth.principal import Principal
from atrium.platform.crm.audit.service import audit_event
from atrium.platform.crm.contacts import service as contacts
from atrium.platform.crm.contacts.repository import contacts_with
from atrium.platform.crm.deals import service as deals
from atrium.platform.crm.deals.pipelines import list_pipelines
from atrium.platform.crm.leads.models import LEAD_SOURCES, STRATEGIES, AssignmentRule, Lead
from atrium.platform.crm.records.normalize import e164
from atrium.platform.db.types import utcnow
from atrium.platform.errors import Conflict, Invalid, NotFound
from atrium.platform.events.service import record_event
from atrium.platform.forms import column_limit
from atrium.platform.http.pagination import Page, paginate
from atrium.platform.language import Term
from atrium.platform.tenancy.service import workspace_settings

TEXT_LIMITS = {
    "name": column_limit(Lead.name),
    "company_name": column_limit(Lead.company_name),
    "message": 5000,
}


def _visible(query, principal: Principal):
    """Managers see the whole inbox; others see the leads assigned to them."""
    if principal.can("leads.assign"):
        return query
    return query.where(Lead.assignee_id == principal.user_id)


async def create_lead(session: AsyncSession, principal: Principal, data: dict[str, Any]) -> Lead:
    if data.get("source") not in LEAD_SOURCES:
        raise Invalid(
            "source must be one of: %(choices)s.", field="source", choices=", ".join(LEAD_SOURCES)
        )
    values: dict[str, Any] = {"source": data["source"]}
    for name, limit in TEXT_LIMITS.items():
        value = (data.get(name) or "").strip()
        if len(value) > limit:
            raise Invalid(
                "%(name)s must be at most %(max)d characters.", field=name, name=name, max=limit
            )
        values[name] = value
    if data.get("phone"):
        values["phone"] = e164(
            data["phone"], (await workspace_settings(session)).country, field="phone"
        )
    if data.get("email"):
        values["email"] = checked_email(data["email"])
    if not (values["name"] or values.get("phone") or values.get("email")):
        raise Invalid("A lead needs a name, a phone or an e-mail.", field="name")
    fields = data.get("fields") or {}
    if len(fields) > 50 or any(len(str(k)) > 60 or len(str(v)) > 500 for k, v in fields.items()):
        raise Invalid("fields holds up to 50 short text values.", field="fields")
    values["fields"] = {str(k): str(v) for k, v in fields.items()}
    lead = Lead(**values)
    session.add(lead)
    await session.flush()
    await _assign(session, lead)
    audit_event(session, "lead", lead.id, "created", principal)
    await record_event(session, "lead.created", {"id": str(lead.id), "status": lead.status})
    if lead.assignee_id is not None:
        await _assigned_event(session, lead)
    return lead


async def _assigned_event(session: AsyncSession, lead: Lead) -> None:
    await record_event(
        session,
        "lead.assigned",
        {
            "id": str(lead.id),
            "assignee_id": str(lead.assignee_id),
            "name": lead.name,
            "source": lead.source,
            "message": lead.message[:1000],
        },
    )


async def _assign(session: AsyncSession, lead: Lead) -> None:
    """The first active rule that matches assigns the lead; none leaves it unsorted."""
    rules = await session.scalars(
        select(AssignmentRule)
        .where(AssignmentRule.active)
        .order_by(AssignmentRule.position, AssignmentRule.created_at)
        .with_for_update()
    )
    for rule in rules:
        if rule.source and rule.source != lead.source:
            continue
        if rule.field and lead.fields.get(rule.field) != rule.value:
            continue
        if not rule.user_ids:
            continue
        lead.assignee_id = await _pick(session, rule)
        lead.assigned_by_rule_id = rule.id
        lead.status = "assigned"
        return


async def _pick(session: AsyncSession, rule: AssignmentRule) -> uuid.UUID:
    candidates = [uuid.UUID(user_id) for user_id in rule.user_ids]
    if rule.strategy == "round_robin":
        chosen = candidates[rule.turn % len(candidates)]
        rule.turn = (rule.turn + 1) % len(candidates)
        return chosen
    # least loaded: fewest leads assigned and not yet converted or rejected; ties by list order
    loads = dict(
        (
            await session.execute(
                select(Lead.assignee_id, func.count())
                .where(Lead.assignee_id.in_(candidates), Lead.status == "assigned")
                .group_by(Lead.assignee_id)
            )
        ).all()
    )
    return min(candidates, key=lambda user_id: (loads.get(user_id, 0), candidates.index(user_id)))


async def get_lead(session: AsyncSession, principal: Principal, lead_id: uuid.UUID) -> Lead:
    lead = await session.scalar(
        _visible(select(Lead).where(Lead.id == lead_id), principal).with_for_update()
    )
    if lead is None:
        raise NotFound("No such lead.")
    return lead


async def assign_lead(
    session: AsyncSession,
    principal: Principal,
    lead_id: uuid.UUID,
    assignee_id: uuid.UUID,
    members: Collection[uuid.UUID],
) -> Lead:
    principal.require("leads.assign")
    lead = await get_lead(session, principal, lead_id)
    if assignee_id not in members:
        raise Invalid("The assignee is not a member of this workspace.", field="assignee_id")
    if lead.status in ("converted", "rejected"):
        # Named as the leads page names it (Converted, Rejected), in the reader's language.
        raise Conflict("This lead is %(status)s already.", status=Term(lead.status.capitalize()))
    lead.assignee_id, lead.status, lead.updated_at = assignee_id, "assigned", utcnow()
    await _assigned_event(session, lead)
    return lead


async def convert_lead(
    session: AsyncSession,
    principal: Principal,
    lead_id: uuid.UUID,
    *,
    pipeline_id: uuid.UUID | None = None,
    deal_title: str | None = None,
    members: Collection[uuid.UUID] = (),
) -> Lead:
    """The lead becomes a deal for its contact: an existing one with its phone or e-mail, or new;
    both go to its assignee, who must still be one of the workspace's ``members``."""
    lead = await get_lead(session, principal, lead_id)
    if lead.status == "converted":
        raise Conflict("This lead is converted already.")
    existing = await contacts_with(
        session,
        phones=[lead.phone] if lead.phone else [],
        emails=[lead.email] if lead.email else [],
    )
    if existing:
        contact_id = existing[0].id
    else:
        first, _, last = lead.name.partition(" ")
        card = await contacts.create_contact(
            session,
            principal,
            contacts.ContactInput(
                first_name=first,
                last_name=last,
                phones=[(lead.phone, "mobile")] if lead.phone else None,
                emails=[(lead.email, "work")] if lead.email else None,
                source=lead.source,
                owner_id=lead.assignee_id or principal.user_id,
            ),
            force=True,
            members=members,
        )
        contact_id = card.contact.id
    if pipeline_id is None:
        found = await list_pipelines(session)
        if not found:
            raise Invalid("Create a pipeline first.", field="pipeline_id")
        pipeline_id = found[0][0].id
    deal = await deals.create_deal(
        session,
        principal,
        {
            "title": deal_title or lead.company_name or lead.name or lead.phone or lead.email,
            "pipeline_id": pipeline_id,
            "contact_id": contact_id,
            "owner_id": lead.assignee_id or principal.user_id,
            "notes": lead.message,
        },
        members=members,
    )
    lead.contact_id, lead.deal_id = contact_id, deal.id
    lead.status, lead.converted_at, lead.updated_at = "converted", utcnow(), utcnow()
    await record_event(
        session,
        "lead.converted",
        {"id": str(lead.id), "contact_id": str(contact_id), "deal_id": str(deal.id)},
    )
    return lead


async def list_leads(
    session: AsyncSession,
    principal: Principal,
    *,
    status: str | None = None,
    source: str | None = None,
    cursor: str | None = None,
    limit: int = 25,
) -> Page[Lead]:
    """Newest first; ``status=unsorted`` is the inbox."""
    return await paginate(
        session,
        leads_query(principal, status=status, source=source),
        sort=[Lead.created_at, Lead.id],
        key=lambda lead: [lead.created_at.isoformat(), lead.id],
        parse=[datetime.fromisoformat, uuid.UUID],
        cursor=cursor,
        limit=limit,
        descending=True,
    )


def leads_query(principal: Principal, *, status: str | None, source: str | None) -> Select:
    """The leads the principal may see, filtered (the inbox and its export)."""
    query = _visible(select(Lead), principal)
    if status:
        query = query.where(Lead.status == status)
    if source:
        query = query.where(Lead.source == source)
    return query


async def create_rule(
    session: AsyncSession, data: dict[str, Any], members: Collection[uuid.UUID]
) -> AssignmentRule:
    name = " ".join((data.get("name") or "").split())
    if not name or len(name) > 100:
        raise Invalid("A rule needs a name of 1 to 100 characters.", field="name")
    if data.get("strategy", "round_robin") not in STRATEGIES:
        raise Invalid("strategy is round_robin or least_loaded.", field="strategy")
    if data.get("source") is not None and data["source"] not in LEAD_SOURCES:
        raise Invalid(
            "source must be one of: %(choices)s.", field="source", choices=", ".join(LEAD_SOURCES)
        )
    if bool(data.get("field")) != bool(data.get("value")):
        raise Invalid("field and value go together.", field="field")
    users = data.get("user_ids") or []
    if not users:
        raise Invalid("A rule needs at least one user to assign to.", field="user_ids")
    for index, user_id in enumerate(users):
        if user_id not in members:
            raise Invalid(
                "That user is not a member of this workspace.", field=f"user_ids[{index}]"
            )
    position = await session.scalar(
        select(func.coalesce(func.max(AssignmentRule.position), -1) + 1)
    )
    rule = AssignmentRule(
        name=name,
        position=data.get("position", position),
        source=data.get("source"),
        field=data.get("field"),
        value=data.get("value"),
        strategy=data.get("strategy", "round_robin"),
        user_ids=[str(user_id) for user_id in users],
    )
    session.add(rule)
    await session.flush()
    return rule


async def list_rules(session: AsyncSession) -> list[AssignmentRule]:
    return list(
        await session.scalars(
            select(AssignmentRule).order_by(AssignmentRule.position, AssignmentRule.created_at)
        )
    )
