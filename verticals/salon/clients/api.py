"""/api/v1/salon/clients: the salon's clients, their cards and VIP standing."""

import uuid
from datetime import date, datetime
from decimal import Decimal

import msgspec
from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.http.kit import DEPENDENCIES
from atrium.verticals.salon.access import salon_requires
from atrium.verticals.salon.clients import service as clients


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


routes = [ClientController]
