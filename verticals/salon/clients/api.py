"""/api/v1/salon/clients (the salon's clients, their cards and VIP standing) and
/api/v1/salon/results (staff results for a period)."""

import uuid
from datetime import date, datetime
from decimal import Decimal

import msgspec
from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.crm.api import DEPENDENCIES
from atrium.platform.instants import check
from atrium.verticals.salon.access import salon_requires
from atrium.verticals.salon.clients import service as clients
from atrium.verticals.salon.results import service as results


class ClientRowOut(msgspec.Struct):
    id: uuid.UUID
    name: str
    phone: str | None
    visits_done: int
    spend: Decimal
    last_visit: datetime | None
    vip: bool


class ClientPage(msgspec.Struct):
    items: list[ClientRowOut]
    next_cursor: str | None


class VipOut(msgspec.Struct):
    vip: bool
    quarters: int  # with a done visit, of the last window_quarters
    window_quarters: int
    spend: Decimal  # in those quarters
    need_quarters: int
    need_spend: Decimal


class ClientVisitOut(msgspec.Struct):
    id: uuid.UUID
    start: datetime
    end: datetime
    status: str
    master_id: uuid.UUID
    master_name: str
    location_id: uuid.UUID
    location_name: str
    services: list[str]
    paid: Decimal
    points_used: Decimal


class FavouriteMasterOut(msgspec.Struct):
    id: uuid.UUID
    name: str
    visits: int


class FavouriteServiceOut(msgspec.Struct):
    name: str
    times: int


class LoyaltyEntryOut(msgspec.Struct):
    kind: str
    points: Decimal
    note: str
    visit_id: uuid.UUID | None
    at: datetime


class LoyaltyCardOut(msgspec.Struct):
    id: uuid.UUID
    number: str
    discount_percent: Decimal
    points: Decimal
    issued_at: datetime
    history: list[LoyaltyEntryOut]


class ClientOut(msgspec.Struct):
    id: uuid.UUID
    name: str
    phones: list[str]
    birthday: date | None
    age: int | None
    gender: str
    vip: VipOut
    visits_done: int
    total_spend: Decimal  # paid + points used, over every done visit
    average_ticket: Decimal | None
    last_visit: datetime | None
    days_since_last_visit: int | None
    usual_interval_days: int | None
    next_visit: ClientVisitOut | None
    no_shows: int
    favourite_master: FavouriteMasterOut | None
    favourite_services: list[FavouriteServiceOut]
    visits: list[ClientVisitOut]  # the newest 100, upcoming ones first
    loyalty_card: LoyaltyCardOut | None


class FiguresOut(msgspec.Struct):
    revenue: Decimal
    retail_revenue: Decimal
    visits_done: int
    clients_served: int
    average_ticket: Decimal | None
    no_shows: int
    rebooking_rate: Decimal | None  # 0 to 1
    commission: Decimal


class MasterResultOut(msgspec.Struct):
    master_id: uuid.UUID
    name: str
    location_id: uuid.UUID
    commission_percent: Decimal
    figures: FiguresOut


class ResultsOut(msgspec.Struct):
    date_from: date
    date_to: date
    location_id: uuid.UUID | None
    masters: list[MasterResultOut]
    totals: FiguresOut


def visit_out(item: clients.ClientVisit) -> ClientVisitOut:
    visit = item.visit
    return ClientVisitOut(
        id=visit.id,
        start=visit.starts_at,
        end=visit.ends_at,
        status=visit.status,
        master_id=visit.master_id,
        master_name=item.master_name,
        location_id=visit.location_id,
        location_name=item.location_name,
        services=item.services,
        paid=visit.paid,
        points_used=visit.points_used,
    )


def loyalty_out(found: clients.LoyaltyView | None) -> LoyaltyCardOut | None:
    if found is None:
        return None
    card = found.card
    return LoyaltyCardOut(
        id=card.id,
        number=card.number,
        discount_percent=card.discount_percent,
        points=card.points,
        issued_at=card.issued_at,
        history=[
            LoyaltyEntryOut(entry.kind, entry.points, entry.note, entry.visit_id, entry.created_at)
            for entry in found.history
        ],
    )


def client_out(summary: clients.ClientSummary, loyalty: clients.LoyaltyView | None) -> ClientOut:
    contact, vip, favourite = summary.contact, summary.vip, summary.favourite_master
    return ClientOut(
        id=contact.id,
        name=contact.display_name,
        phones=summary.phones,
        birthday=contact.birthday,
        age=summary.age,
        gender=contact.gender,
        vip=VipOut(
            vip.vip, vip.quarters, vip.window_quarters, vip.spend, vip.need_quarters, vip.need_spend
        ),
        visits_done=summary.visits_done,
        total_spend=summary.total_spend,
        average_ticket=summary.average_ticket,
        last_visit=summary.last_visit,
        days_since_last_visit=summary.days_since_last_visit,
        usual_interval_days=summary.usual_interval_days,
        next_visit=visit_out(summary.next_visit) if summary.next_visit else None,
        no_shows=summary.no_shows,
        favourite_master=FavouriteMasterOut(favourite.master_id, favourite.name, favourite.visits)
        if favourite
        else None,
        favourite_services=[FavouriteServiceOut(*pair) for pair in summary.favourite_services],
        visits=[visit_out(item) for item in summary.visits],
        loyalty_card=loyalty_out(loyalty),
    )


def figures_out(figures: results.Figures) -> FiguresOut:
    return FiguresOut(
        revenue=figures.revenue,
        retail_revenue=figures.retail_revenue,
        visits_done=figures.visits_done,
        clients_served=figures.clients_served,
        average_ticket=figures.average_ticket,
        no_shows=figures.no_shows,
        rebooking_rate=figures.rebooking_rate,
        commission=figures.commission,
    )


class ClientController(Controller):
    path = "/salon/clients"
    tags = ["Salon"]
    dependencies = DEPENDENCIES

    @get("/", guards=[salon_requires("salon.book")], summary="The salon's clients")
    async def list_clients(
        self,
        session: NamedDependency[AsyncSession],
        q: FromQuery[str] = "",
        vip: FromQuery[bool] = False,
        sort: FromQuery[str] = "spend",
        cursor: FromQuery[str | None] = None,
        limit: FromQuery[int] = 25,
    ) -> ClientPage:
        """Contacts with at least one visit, by ``spend`` or ``last_visit`` (most first) or
        ``name``; ``vip=true`` keeps the VIPs; ``q`` finds a name or a phone."""
        page = await clients.clients_list(
            session, q=q, vip_only=vip, sort=sort, cursor=cursor, limit=limit
        )
        return ClientPage(
            [
                ClientRowOut(
                    row.contact_id,
                    row.name,
                    row.phone,
                    row.visits_done,
                    row.spend,
                    row.last_visit,
                    row.vip,
                )
                for row in page.items
            ],
            page.next_cursor,
        )

    @get("/{contact_id:uuid}", guards=[salon_requires("salon.book")], summary="A client's card")
    async def show(
        self,
        session: NamedDependency[AsyncSession],
        principal: NamedDependency[Principal],
        contact_id: FromPath[uuid.UUID],
    ) -> ClientOut:
        """Visits, spend (paid plus points used, done visits), favourites, regularity, the VIP
        standing and the loyalty card."""
        summary = await clients.client_summary(session, principal, contact_id)
        return client_out(summary, await clients.loyalty_of(session, contact_id))


class ResultsController(Controller):
    path = "/salon/results"
    tags = ["Salon"]
    dependencies = DEPENDENCIES

    @get("/", guards=[salon_requires("salon.results")], summary="Staff results for a period")
    async def staff_results(
        self,
        session: NamedDependency[AsyncSession],
        date_from: FromQuery[date | None] = None,
        date_to: FromQuery[date | None] = None,
        location_id: FromQuery[uuid.UUID | None] = None,
    ) -> ResultsOut:
        """Per master: revenue (the services' share of what done visits took), retail revenue,
        visits done, clients, average ticket, no-shows, rebooking rate (share of done visits
        after which the client booked again within 7 days) and commission; this month unless
        ``date_from``/``date_to`` say otherwise (the salon's days, both included)."""
        for field, day in (("date_from", date_from), ("date_to", date_to)):
            if day is not None:
                check(day, field)
        first, last = await results.this_month(session)
        found = await results.staff_results(
            session,
            date_from=date_from or (first if date_to is None else date_to),
            date_to=date_to or (last if date_from is None else date_from),
            location_id=location_id,
        )
        return ResultsOut(
            found.date_from,
            found.date_to,
            found.location_id,
            [
                MasterResultOut(
                    result.master_id,
                    result.name,
                    result.location_id,
                    result.commission_percent,
                    figures_out(result.figures),
                )
                for result in found.masters
            ],
            figures_out(found.totals),
        )


routes = [ClientController, ResultsController]
