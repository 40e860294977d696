"""/api/v1/leads (+ /{id}/assign, /{id}/convert) and /api/v1/assignment-rules."""

import uuid
from datetime import datetime

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.crm.leads import service as leads
from atrium.platform.crm.leads.models import AssignmentRule, Lead
from atrium.platform.http.auth import database, requires
from atrium.platform.http.kit import DEPENDENCIES
from atrium.platform.tenancy.service import member_ids


class LeadIn(msgspec.Struct, forbid_unknown_fields=True):
    source: str
    name: str = ""
    phone: str = ""
    email: str = ""
    company_name: str = ""
    message: str = ""
    fields: dict[str, str] = {}


class LeadOut(msgspec.Struct):
    id: uuid.UUID
    source: str
    status: str
    name: str
    phone: str
    email: str
    company_name: str
    message: str
    fields: dict[str, str]
    assignee_id: uuid.UUID | None
    assigned_by_rule_id: uuid.UUID | None
    contact_id: uuid.UUID | None
    deal_id: uuid.UUID | None
    converted_at: datetime | None
    created_at: datetime


class LeadList(msgspec.Struct):
    items: list[LeadOut]
    next_cursor: str | None


class AssignIn(msgspec.Struct, forbid_unknown_fields=True):
    assignee_id: uuid.UUID


class ConvertIn(msgspec.Struct, forbid_unknown_fields=True):
    pipeline_id: uuid.UUID | None = None
    deal_title: str | None = None


def _out(lead: Lead) -> LeadOut:
    return LeadOut(
        id=lead.id,
        source=lead.source,
        status=lead.status,
        name=lead.name,
        phone=lead.phone,
        email=lead.email,
        company_name=lead.company_name,
        message=lead.message,
        fields=lead.fields,
        assignee_id=lead.assignee_id,
        assigned_by_rule_id=lead.assigned_by_rule_id,
        contact_id=lead.contact_id,
        deal_id=lead.deal_id,
        converted_at=lead.converted_at,
        created_at=lead.created_at,
    )


class LeadController(Controller):
    path = "/leads"
    tags = ["Leads"]
    dependencies = DEPENDENCIES

    @get("/", guards=[requires("crm.read")], summary="status=unsorted is the inbox")
    async def list_leads(
        self,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        status: FromQuery[str | None] = None,
        source: FromQuery[str | None] = None,
        cursor: FromQuery[str | None] = None,
        limit: FromQuery[int] = 25,
    ) -> LeadList:
        page = await leads.list_leads(
            session, principal, status=status, source=source, cursor=cursor, limit=limit
        )
        return LeadList(items=[_out(lead) for lead in page.items], next_cursor=page.next_cursor)

    @post("/", guards=[requires("crm.write")], summary="A lead lands and the rules assign it")
    async def create_lead(
        self,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        data: JSONBody[LeadIn],
    ) -> LeadOut:
        return _out(await leads.create_lead(session, principal, msgspec.structs.asdict(data)))

    @get("/{lead_id:uuid}", guards=[requires("crm.read")])
    async def show_lead(
        self,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        lead_id: FromPath[uuid.UUID],
    ) -> LeadOut:
        return _out(await leads.get_lead(session, principal, lead_id))

    @post("/{lead_id:uuid}/assign", guards=[requires("leads.assign")], status_code=200)
    async def assign(
        self,
        request: Request,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        lead_id: FromPath[uuid.UUID],
        data: JSONBody[AssignIn],
    ) -> LeadOut:
        members = await member_ids(database(request), principal.workspace.id)
        lead = await leads.assign_lead(session, principal, lead_id, data.assignee_id, members)
        return _out(lead)

    @post("/{lead_id:uuid}/convert", guards=[requires("crm.write")], status_code=200)
    async def convert(
        self,
        request: Request,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        lead_id: FromPath[uuid.UUID],
        data: JSONBody[ConvertIn],
    ) -> LeadOut:
        lead = await leads.convert_lead(
            session,
            principal,
            lead_id,
            pipeline_id=data.pipeline_id,
            deal_title=data.deal_title,
            members=await member_ids(database(request), principal.workspace.id),
        )
        return _out(lead)


class RuleIn(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    user_ids: list[uuid.UUID]
    strategy: str = "round_robin"
    source: str | None = None
    field: str | None = None
    value: str | None = None


class RuleOut(msgspec.Struct):
    id: uuid.UUID
    name: str
    position: int
    source: str | None
    field: str | None
    value: str | None
    strategy: str
    user_ids: list[str]
    active: bool


class RuleList(msgspec.Struct):
    items: list[RuleOut]
    next_cursor: str | None = None


def _rule_out(rule: AssignmentRule) -> RuleOut:
    return RuleOut(
        id=rule.id,
        name=rule.name,
        position=rule.position,
        source=rule.source,
        field=rule.field,
        value=rule.value,
        strategy=rule.strategy,
        user_ids=rule.user_ids,
        active=rule.active,
    )


class RuleController(Controller):
    path = "/assignment-rules"
    tags = ["Leads"]
    dependencies = DEPENDENCIES

    @get("/", guards=[requires("crm.read")])
    async def list_rules(self, session: NamedDependency[AsyncSession]) -> RuleList:
        return RuleList(items=[_rule_out(rule) for rule in await leads.list_rules(session)])

    @post("/", guards=[requires("crm.settings")])
    async def create_rule(
        self,
        request: Request,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        data: JSONBody[RuleIn],
    ) -> RuleOut:
        members = await member_ids(database(request), principal.workspace.id)
        rule = await leads.create_rule(session, msgspec.structs.asdict(data), members)
        return _rule_out(rule)


routes = [LeadController, RuleController]
