"""/api/v1/pipelines and /api/v1/deals (with /{id}/move)."""

import uuid
from datetime import datetime
from decimal import Decimal

import msgspec
from litestar import Controller, Request, delete, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.crm.deals import pipelines
from atrium.platform.crm.deals import service as deals
from atrium.platform.crm.deals.models import Deal
from atrium.platform.crm.teams.sharing import members_for
from atrium.platform.errors import Invalid
from atrium.platform.http.auth import database, requires
from atrium.platform.http.kit import DEPENDENCIES, UNSET, Unset, given_fields


class StageIn(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    kind: str = "open"
    probability: int = 0
    responsible_role: str = ""
    time_limit_hours: int | None = None


class PipelineIn(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    stages: list[StageIn]


class StageOut(msgspec.Struct):
    id: uuid.UUID
    name: str
    position: int
    kind: str
    probability: int
    responsible_role: str
    time_limit_hours: int | None


class PipelineOut(msgspec.Struct):
    id: uuid.UUID
    name: str
    position: int
    stages: list[StageOut]


class PipelineList(msgspec.Struct):
    items: list[PipelineOut]
    next_cursor: str | None = None


def _pipeline_out(pipeline, stages) -> PipelineOut:
    return PipelineOut(
        id=pipeline.id,
        name=pipeline.name,
        position=pipeline.position,
        stages=[
            StageOut(
                id=s.id,
                name=s.name,
                position=s.position,
                kind=s.kind,
                probability=s.probability,
                responsible_role=s.responsible_role,
                time_limit_hours=s.time_limit_hours,
            )
            for s in stages
        ],
    )


class PipelineController(Controller):
    path = "/pipelines"
    tags = ["Pipelines"]
    dependencies = DEPENDENCIES

    @get("/", guards=[requires("crm.read")])
    async def list_pipelines(self, session: NamedDependency[AsyncSession]) -> PipelineList:
        found = await pipelines.list_pipelines(session)
        return PipelineList(items=[_pipeline_out(p, stages) for p, stages in found])

    @post("/", guards=[requires("crm.settings")])
    async def create_pipeline(
        self, session: NamedDependency[AsyncSession], data: JSONBody[PipelineIn]
    ) -> PipelineOut:
        stages = [msgspec.structs.asdict(stage) for stage in data.stages]
        return _pipeline_out(*await pipelines.create_pipeline(session, data.name, stages))

    @get("/{pipeline_id:uuid}", guards=[requires("crm.read")])
    async def show_pipeline(
        self, session: NamedDependency[AsyncSession], pipeline_id: FromPath[uuid.UUID]
    ) -> PipelineOut:
        return _pipeline_out(*await pipelines.pipeline_with_stages(session, pipeline_id))


class DealIn(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    title: str | Unset = UNSET
    pipeline_id: uuid.UUID | Unset = UNSET
    stage_id: uuid.UUID | Unset = UNSET
    contact_id: uuid.UUID | None | Unset = UNSET
    company_id: uuid.UUID | None | Unset = UNSET
    owner_id: uuid.UUID | Unset = UNSET
    team_id: uuid.UUID | None | Unset = UNSET
    amount: Decimal | Unset = UNSET
    notes: str | Unset = UNSET


class DealMoveIn(msgspec.Struct, forbid_unknown_fields=True):
    stage_id: uuid.UUID
    lost_reason: str | None = None


class DealOut(msgspec.Struct):
    id: uuid.UUID
    title: str
    pipeline_id: uuid.UUID
    stage_id: uuid.UUID
    contact_id: uuid.UUID | None
    company_id: uuid.UUID | None
    owner_id: uuid.UUID | None
    team_id: uuid.UUID | None
    amount: Decimal
    currency: str
    lost_reason: str
    notes: str
    stage_changed_at: datetime
    stage_due_at: datetime | None  # when it overstays its stage's time limit
    closed_at: datetime | None
    created_at: datetime
    updated_at: datetime


class DealList(msgspec.Struct):
    items: list[DealOut]
    next_cursor: str | None


class DealWithLines(msgspec.Struct):
    deal: "DealOut"
    lines: list["DealLineOut"]


class DealMoveOut(msgspec.Struct):
    from_stage_id: uuid.UUID | None
    to_stage_id: uuid.UUID
    actor_id: uuid.UUID | None
    at: datetime


class DealLineIn(msgspec.Struct, forbid_unknown_fields=True):
    product_id: uuid.UUID | None = None
    name: str | None = None
    quantity: Decimal = Decimal("1")
    unit_price: Decimal | None = None
    discount: Decimal = Decimal("0")


class DealLineOut(msgspec.Struct):
    id: uuid.UUID
    product_id: uuid.UUID | None
    name: str
    quantity: Decimal
    unit_price: Decimal
    discount: Decimal
    total: Decimal


def _line_out(line) -> DealLineOut:
    total = (line.quantity * line.unit_price).quantize(Decimal("0.01")) - line.discount
    return DealLineOut(
        id=line.id,
        product_id=line.product_id,
        name=line.name,
        quantity=line.quantity,
        unit_price=line.unit_price,
        discount=line.discount,
        total=total,
    )


def _deal_out(deal: Deal) -> DealOut:
    return DealOut(
        id=deal.id,
        title=deal.title,
        pipeline_id=deal.pipeline_id,
        stage_id=deal.stage_id,
        contact_id=deal.contact_id,
        company_id=deal.company_id,
        owner_id=deal.owner_id,
        team_id=deal.team_id,
        amount=deal.amount,
        currency=deal.currency,
        lost_reason=deal.lost_reason,
        notes=deal.notes,
        stage_changed_at=deal.stage_changed_at,
        stage_due_at=deal.stage_due_at,
        closed_at=deal.closed_at,
        created_at=deal.created_at,
        updated_at=deal.updated_at,
    )


class DealController(Controller):
    path = "/deals"
    tags = ["Deals"]
    dependencies = DEPENDENCIES

    @get("/", guards=[requires("crm.read")])
    async def list_deals(
        self,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        pipeline_id: FromQuery[uuid.UUID | None] = None,
        stage_id: FromQuery[uuid.UUID | None] = None,
        contact_id: FromQuery[uuid.UUID | None] = None,
        status: FromQuery[str | None] = None,
        stuck: FromQuery[bool] = False,
        cursor: FromQuery[str | None] = None,
        limit: FromQuery[int] = 25,
    ) -> DealList:
        """stuck=true: open deals past their stage's time limit."""
        page = await deals.list_deals(
            session,
            principal,
            pipeline_id=pipeline_id,
            stage_id=stage_id,
            contact_id=contact_id,
            status=status,
            stuck=stuck,
            cursor=cursor,
            limit=limit,
        )
        return DealList(items=[_deal_out(d) for d in page.items], next_cursor=page.next_cursor)

    @post("/", guards=[requires("crm.write")])
    async def create_deal(
        self,
        request: Request,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        data: JSONBody[DealIn],
    ) -> DealOut:
        values = given_fields(data)
        if "pipeline_id" not in values:
            raise Invalid("A deal needs its pipeline_id.", field="pipeline_id")
        members = await members_for(database(request), principal, data.owner_id)
        return _deal_out(await deals.create_deal(session, principal, values, members=members))

    @get("/{deal_id:uuid}", guards=[requires("crm.read")])
    async def show_deal(
        self,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        deal_id: FromPath[uuid.UUID],
    ) -> DealOut:
        return _deal_out(await deals.get_deal(session, principal, deal_id))

    @patch("/{deal_id:uuid}", guards=[requires("crm.write")])
    async def change_deal(
        self,
        request: Request,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        deal_id: FromPath[uuid.UUID],
        data: JSONBody[DealIn],
    ) -> DealOut:
        values = given_fields(data)
        for fixed in ("pipeline_id", "stage_id"):
            if fixed in values:
                raise Invalid("Use POST /api/v1/deals/{id}/move to change the stage.", field=fixed)
        members = await members_for(database(request), principal, data.owner_id)
        deal = await deals.update_deal(session, principal, deal_id, values, members=members)
        return _deal_out(deal)

    @post("/{deal_id:uuid}/move", guards=[requires("crm.write")], status_code=200)
    async def move_deal(
        self,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        deal_id: FromPath[uuid.UUID],
        data: JSONBody[DealMoveIn],
    ) -> DealOut:
        deal = await deals.move_deal(session, principal, deal_id, data.stage_id, data.lost_reason)
        return _deal_out(deal)

    @get("/{deal_id:uuid}/moves", guards=[requires("crm.read")])
    async def moves(
        self,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        deal_id: FromPath[uuid.UUID],
    ) -> list[DealMoveOut]:
        await deals.get_deal(session, principal, deal_id)
        return [
            DealMoveOut(m.from_stage_id, m.to_stage_id, m.actor_id, m.at)
            for m in await deals.deal_moves(session, deal_id)
        ]

    @get("/{deal_id:uuid}/lines", guards=[requires("crm.read")])
    async def lines(
        self,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        deal_id: FromPath[uuid.UUID],
    ) -> list[DealLineOut]:
        await deals.get_deal(session, principal, deal_id)
        return [_line_out(line) for line in await deals.deal_lines(session, deal_id)]

    @put("/{deal_id:uuid}/lines", guards=[requires("crm.write")])
    async def replace_lines(
        self,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        deal_id: FromPath[uuid.UUID],
        data: JSONBody[list[DealLineIn]],
    ) -> DealWithLines:
        """Replace the lines; the deal's amount becomes qty x price - discount, summed."""
        lines = [msgspec.structs.asdict(line) for line in data]
        deal, rows = await deals.set_deal_lines(session, principal, deal_id, lines)
        return DealWithLines(deal=_deal_out(deal), lines=[_line_out(row) for row in rows])

    @delete("/{deal_id:uuid}", guards=[requires("crm.delete")], status_code=204)
    async def delete_deal(
        self,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        deal_id: FromPath[uuid.UUID],
    ) -> None:
        await deals.delete_deal(session, principal, deal_id)


routes = [PipelineController, DealController]
