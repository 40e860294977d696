"""A salon client's card (visits, spend, favourites, regularity, VIP standing) and the client list.

Spend is what done visits brought: money paid plus loyalty points used (a point is worth one unit
of money), products sold at checkout included. The card shows the loyalty module's lifetime
spend; the list and the VIP rule sum ``SPEND`` below in SQL: one definition, the same figure.

The VIP rule lives in ``_standing`` only: done visits in at least ``vip_quarters`` distinct
calendar quarters of the last eight (the current one and the seven before it, in the workspace's
time zone) and at least ``vip_spend`` spent in them (SalonSettings).
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, distinct, exists, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.crm.contacts.models import Contact
from atrium.platform.crm.contacts.repository import contact_links, contact_search
from atrium.platform.crm.records.normalize import e164_or_none
from atrium.platform.crm.records.visibility import visibility
from atrium.platform.db.names import name_key
from atrium.platform.errors import Invalid, NotFound
from atrium.platform.http.pagination import Page, checked_limit, cursor_values, page_of, page_query
from atrium.platform.tenancy.service import workspace_settings
from atrium.verticals.salon.catalog.service import salon_settings
from atrium.verticals.salon.loyalty import service as loyalty
from atrium.verticals.salon.models import Location, Master, SalonSettings, Visit, VisitService

WINDOW_QUARTERS = 8  # the VIP rule looks back over two years of calendar quarters
SPEND = Visit.paid + Visit.points_used
DONE = Visit.status == "done"
UPCOMING = ("booked", "confirmed", "arrived")
VISITS_SHOWN = 100  # a card lists the newest visits; the figures count them all
FAVOURITE_SERVICES = 3
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # "never" when sorting by last visit


@dataclass
class VipStanding:
    vip: bool
    quarters: int  # distinct quarters with a done visit, of the last WINDOW_QUARTERS
    spend: Decimal  # spent in those quarters
    need_quarters: int
    need_spend: Decimal
    window_quarters: int = WINDOW_QUARTERS


@dataclass
class ClientVisit:
    visit: Visit
    master_name: str
    location_name: str
    services: list[str] = field(default_factory=list)


@dataclass
class FavouriteMaster:
    master_id: uuid.UUID
    name: str
    visits: int


@dataclass
class ClientSummary:
    contact: Contact
    phones: list[str]
    visits: list[ClientVisit]  # newest first, upcoming ones included
    visits_done: int
    total_spend: Decimal
    average_ticket: Decimal | None
    last_visit: datetime | None
    next_visit: ClientVisit | None
    no_shows: int
    favourite_master: FavouriteMaster | None
    favourite_services: list[tuple[str, int]]
    age: int | None
    days_since_last_visit: int | None
    usual_interval_days: int | None  # the median gap between done visits
    vip: VipStanding


@dataclass
class ClientRow:
    contact_id: uuid.UUID
    name: str
    phone: str | None
    visits_done: int
    spend: Decimal
    last_visit: datetime | None
    vip: bool


def window_start(now: datetime, zone: ZoneInfo) -> datetime:
    """The first moment of the quarter WINDOW_QUARTERS - 1 before the current one."""
    local = now.astimezone(zone)
    index = local.year * 4 + (local.month - 1) // 3 - (WINDOW_QUARTERS - 1)
    return datetime(index // 4, index % 4 * 3 + 1, 1, tzinfo=zone)


async def _standing(session: AsyncSession, now: datetime | None) -> tuple[Select, SalonSettings]:
    """Per client over the window: quarters with a done visit, spend, and whether that is VIP."""
    settings = await salon_settings(session)  # made with 6 quarters, 15,000 when first read
    timezone = (await workspace_settings(session)).timezone
    now = now or datetime.now(UTC)
    quarter = func.date_trunc("quarter", func.timezone(timezone, Visit.starts_at))
    quarters = func.count(distinct(quarter))
    spend = func.coalesce(func.sum(SPEND), 0)
    query = (
        select(
            Visit.contact_id.label("contact_id"),
            quarters.label("quarters"),
            spend.label("spend"),
            and_(quarters >= settings.vip_quarters, spend >= settings.vip_spend).label("vip"),
        )
        .where(
            DONE,
            Visit.contact_id.is_not(None),
            Visit.starts_at >= window_start(now, ZoneInfo(timezone)),
            Visit.starts_at <= now,
        )
        .group_by(Visit.contact_id)
    )
    return query, settings


async def vip_standing(
    session: AsyncSession, contact_id: uuid.UUID, *, now: datetime | None = None
) -> VipStanding:
    query, settings = await _standing(session, now)
    row = (await session.execute(query.where(Visit.contact_id == contact_id))).one_or_none()
    return VipStanding(
        vip=bool(row and row.vip),
        quarters=row.quarters if row else 0,
        spend=row.spend if row else Decimal(0),
        need_quarters=settings.vip_quarters,
        need_spend=settings.vip_spend,
    )


async def vip_clients(session: AsyncSession, *, now: datetime | None = None) -> list[uuid.UUID]:
    """Every VIP client's id, in one grouped query."""
    query, _ = await _standing(session, now)
    standing = query.subquery()
    return list(await session.scalars(select(standing.c.contact_id).where(standing.c.vip)))


def age_on(birthday: date, today: date) -> int:
    return today.year - birthday.year - ((today.month, today.day) < (birthday.month, birthday.day))


async def reachable_client(
    session: AsyncSession, principal: Principal, contact_id: uuid.UUID
) -> Contact:
    """The contact, if the member may see it in the CRM or it is a client of the salon (the
    journal shows every client to the staff); else the same 404 as a contact that is not there."""
    query = select(Contact).where(Contact.id == contact_id)
    condition = visibility(Contact, principal)
    if condition is not None:
        query = query.where(or_(condition, exists().where(Visit.contact_id == Contact.id)))
    contact = await session.scalar(query)
    if contact is None:
        raise NotFound("No such contact.")
    return contact


async def client_visits(
    session: AsyncSession, contact_id: uuid.UUID, *, limit: int = VISITS_SHOWN
) -> list[ClientVisit]:
    rows = await session.execute(
        select(Visit, Master.name, Location.name)
        .join(Master, Master.id == Visit.master_id)
        .join(Location, Location.id == Visit.location_id)
        .where(Visit.contact_id == contact_id)
        .order_by(Visit.starts_at.desc(), Visit.id)
        .limit(limit)
    )
    found = [ClientVisit(visit, master, location) for visit, master, location in rows]
    names = defaultdict(list)
    if found:
        lines = await session.execute(
            select(VisitService.visit_id, VisitService.name)
            .where(VisitService.visit_id.in_([item.visit.id for item in found]))
            .order_by(VisitService.visit_id, VisitService.position)
        )
        for visit_id, name in lines:
            names[visit_id].append(name)
    for item in found:
        item.services = names[item.visit.id]
    return found


async def _figures(session: AsyncSession, contact_id: uuid.UUID):
    return (
        await session.execute(
            select(
                func.count().filter(DONE).label("done"),
                func.max(Visit.starts_at).filter(DONE).label("last"),
                func.count().filter(Visit.status == "no_show").label("no_shows"),
            ).where(Visit.contact_id == contact_id)
        )
    ).one()


async def favourite_master(session: AsyncSession, contact_id: uuid.UUID) -> FavouriteMaster | None:
    """The master of the most done visits; of two with as many, the one seen last."""
    visits = func.count()
    row = (
        await session.execute(
            select(Master.id, Master.name, visits)
            .join(Visit, Visit.master_id == Master.id)
            .where(Visit.contact_id == contact_id, DONE)
            .group_by(Master.id, Master.name)
            .order_by(visits.desc(), func.max(Visit.starts_at).desc())
            .limit(1)
        )
    ).one_or_none()
    return FavouriteMaster(*row) if row else None


async def favourite_services(session: AsyncSession, contact_id: uuid.UUID) -> list[tuple[str, int]]:
    times = func.count()
    rows = await session.execute(
        select(VisitService.name, times)
        .join(Visit, Visit.id == VisitService.visit_id)
        .where(Visit.contact_id == contact_id, DONE)
        .group_by(VisitService.name)
        .order_by(times.desc(), func.max(Visit.starts_at).desc())
        .limit(FAVOURITE_SERVICES)
    )
    return [(name, count) for name, count in rows]


async def usual_interval_days(session: AsyncSession, contact_id: uuid.UUID) -> int | None:
    """The median number of days between one done visit and the next."""
    previous = func.lag(Visit.starts_at).over(order_by=Visit.starts_at)
    gaps = (
        select((func.extract("epoch", Visit.starts_at - previous) / 86400).label("days"))
        .where(Visit.contact_id == contact_id, DONE)
        .subquery()
    )
    median = await session.scalar(
        select(func.percentile_cont(0.5).within_group(gaps.c.days)).where(gaps.c.days.is_not(None))
    )
    return None if median is None else round(median)


async def client_summary(
    session: AsyncSession,
    principal: Principal,
    contact_id: uuid.UUID,
    *,
    now: datetime | None = None,
) -> ClientSummary:
    now = now or datetime.now(UTC)
    contact = await reachable_client(session, principal, contact_id)
    zone = ZoneInfo((await workspace_settings(session)).timezone)
    today = now.astimezone(zone).date()
    figures = await _figures(session, contact_id)
    spend = await loyalty.lifetime_spend(session, contact_id)
    visits = await client_visits(session, contact_id)
    upcoming = [
        item for item in visits if item.visit.status in UPCOMING and item.visit.ends_at > now
    ]
    phones = (await contact_links(session, [contact_id]))[contact_id][0]
    return ClientSummary(
        contact=contact,
        phones=[item.number for item in phones],
        visits=visits,
        visits_done=figures.done,
        total_spend=spend,
        average_ticket=(spend / figures.done).quantize(Decimal("0.01")) if figures.done else None,
        last_visit=figures.last,
        next_visit=min(upcoming, key=lambda item: item.visit.starts_at) if upcoming else None,
        no_shows=figures.no_shows,
        favourite_master=await favourite_master(session, contact_id),
        favourite_services=await favourite_services(session, contact_id),
        age=age_on(contact.birthday, today) if contact.birthday else None,
        days_since_last_visit=(today - figures.last.astimezone(zone).date()).days
        if figures.last
        else None,
        usual_interval_days=await usual_interval_days(session, contact_id),
        vip=await vip_standing(session, contact_id, now=now),
    )


# The client list: contacts with at least one visit, by spend, last visit or name.
SORTS = ("spend", "last_visit", "name")


async def clients_list(
    session: AsyncSession,
    *,
    q: str = "",
    vip_only: bool = False,
    sort: str = "spend",
    cursor: str | None = None,
    limit: int = 25,
    now: datetime | None = None,
) -> Page[ClientRow]:
    if sort not in SORTS:
        raise Invalid("sort must be one of: %(choices)s.", field="sort", choices=", ".join(SORTS))
    checked_limit(limit)
    stats = (
        select(
            Visit.contact_id.label("contact_id"),
            func.count().filter(DONE).label("visits_done"),
            func.coalesce(func.sum(SPEND).filter(DONE), 0).label("spend"),
            func.max(Visit.starts_at).filter(DONE).label("last_visit"),
        )
        .where(Visit.contact_id.is_not(None))
        .group_by(Visit.contact_id)
        .subquery("stats")
    )
    standing_query, _ = await _standing(session, now)
    standing = standing_query.subquery("standing")
    last_seen = func.coalesce(stats.c.last_visit, EPOCH)
    column, parse = {
        "spend": (stats.c.spend, Decimal),
        "last_visit": (last_seen, datetime.fromisoformat),
        "name": (name_key(Contact.display_name), str),
    }[sort]
    query = (
        select(
            Contact.id,
            Contact.display_name,
            stats.c.visits_done,
            stats.c.spend,
            stats.c.last_visit,
            func.coalesce(standing.c.vip, false()).label("vip"),
            column.label("sort_value"),
        )
        .join(stats, stats.c.contact_id == Contact.id)
        .outerjoin(standing, standing.c.contact_id == Contact.id)
    )
    if vip_only:
        query = query.where(standing.c.vip)
    if q.strip():
        country = (await workspace_settings(session)).country
        query = contact_search(query, q.strip()[:200], e164_or_none(q.strip()[:40], country))
    after = cursor_values(cursor, 2, [parse, uuid.UUID]) if cursor else None
    query = page_query(
        query, sort=[column, Contact.id], after=after, rows=limit + 1, descending=sort != "name"
    )
    rows = list(await session.execute(query))
    page = page_of(rows, key=lambda row: [row.sort_value, row.id], limit=limit)
    links = await contact_links(session, [row.id for row in page.items])
    return Page(
        items=[
            ClientRow(
                contact_id=row.id,
                name=row.display_name,
                phone=links[row.id][0][0].number if links[row.id][0] else None,
                visits_done=row.visits_done,
                spend=row.spend,
                last_visit=row.last_visit,
                vip=row.vip,
            )
            for row in page.items
        ],
        next_cursor=page.next_cursor,
    )


@dataclass
class LoyaltyView:
    card: object  # models.LoyaltyCard
    history: list  # models.LoyaltyEntry, newest first


async def loyalty_of(session: AsyncSession, contact_id: uuid.UUID) -> LoyaltyView | None:
    """The client's loyalty card and its history, newest first; None without a card."""
    card = await loyalty.card_of(session, contact_id)
    if card is None:
        return None
    return LoyaltyView(card, await loyalty.card_history(session, card.id))
