"""Staff results for a period: per master and in total, aggregated in the database.

Definitions (what the page and the API say they show):
- A visit belongs to the period by its start, on the salon's calendar (the salon's time zone,
  else the workspace's). Done visits make the figures; no-shows are counted apart.
- A done visit's takings are the money paid plus the points used. They are split between its
  services and its products pro rata to their list prices: the services' share is the master's
  revenue, the products' share retail revenue (not commissioned).
- Average ticket: takings (services and products) per done visit.
- Commission: revenue x the master's commission percent / 100.
- Rebooking rate: of the master's done visits with a client, the share after which the same
  client booked another visit (any status but cancelled, starting later) created from the
  visit's start until 7 days after it ended.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import Date, case, cast, distinct, exists, func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from atrium.platform.db.names import by_name
from atrium.platform.errors import Invalid
from atrium.platform.tenancy.service import workspace_settings
from atrium.verticals.salon.models import Location, Master, Visit, VisitProduct, VisitService

MAX_DAYS = 366
REBOOK_DAYS = 7
CENT = Decimal("0.01")


@dataclass
class Figures:
    revenue: Decimal = Decimal(0)  # services
    retail_revenue: Decimal = Decimal(0)  # products
    visits_done: int = 0
    clients_served: int = 0
    no_shows: int = 0
    visits_with_client: int = 0
    rebooked: int = 0
    commission: Decimal = Decimal(0)

    @property
    def average_ticket(self) -> Decimal | None:
        if not self.visits_done:
            return None
        return ((self.revenue + self.retail_revenue) / self.visits_done).quantize(CENT)

    @property
    def rebooking_rate(self) -> Decimal | None:
        """A share from 0 to 1, or None without done visits with a client."""
        if not self.visits_with_client:
            return None
        return (Decimal(self.rebooked) / self.visits_with_client).quantize(Decimal("0.0001"))


@dataclass
class MasterResult:
    master_id: uuid.UUID
    name: str
    location_id: uuid.UUID
    commission_percent: Decimal
    figures: Figures


@dataclass
class StaffResults:
    date_from: date
    date_to: date
    location_id: uuid.UUID | None
    masters: list[MasterResult]
    totals: Figures


def check_period(date_from: date, date_to: date) -> None:
    if date_to < date_from:
        raise Invalid("The period ends before it starts.", field="date_to")
    if (date_to - date_from).days + 1 > MAX_DAYS:
        raise Invalid("Choose a period of at most %(max)s days.", field="date_to", max=MAX_DAYS)


def _per_visit(date_from: date, date_to: date, location_id: uuid.UUID | None, timezone: str):
    """The period's done and no-show visits with their takings, list prices and rebooking."""
    local_day = cast(
        func.timezone(func.coalesce(Location.timezone, timezone), Visit.starts_at), Date
    )
    services_list = (
        select(func.coalesce(func.sum(VisitService.price), 0))
        .where(VisitService.visit_id == Visit.id)
        .scalar_subquery()
    )
    products_list = (
        select(func.coalesce(func.sum(VisitProduct.quantity * VisitProduct.unit_price), 0))
        .where(VisitProduct.visit_id == Visit.id)
        .scalar_subquery()
    )
    later = aliased(Visit)
    rebooked = exists().where(
        later.contact_id == Visit.contact_id,
        later.id != Visit.id,
        later.status != "cancelled",
        later.starts_at > Visit.starts_at,
        later.created_at >= Visit.starts_at,
        later.created_at
        < func.coalesce(Visit.done_at, Visit.ends_at) + timedelta(days=REBOOK_DAYS),
    )
    # Any zone is within a day of UTC: a coarse range on the index, then the salon's days.
    earliest = datetime.combine(max(date_from, date.min + timedelta(days=1)), time(), UTC)
    latest = datetime.combine(min(date_to, date.max - timedelta(days=2)), time(), UTC)
    earliest, latest = earliest - timedelta(days=1), latest + timedelta(days=2)
    query = (
        select(
            Visit.master_id,
            Visit.contact_id,
            Visit.status,
            (Visit.paid + Visit.points_used).label("takings"),
            services_list.label("services_list"),
            products_list.label("products_list"),
            rebooked.label("rebooked"),
        )
        .join(Location, Location.id == Visit.location_id)
        .where(
            Visit.status.in_(("done", "no_show")),
            Visit.starts_at >= earliest,
            Visit.starts_at < latest,
            local_day.between(date_from, date_to),
        )
    )
    if location_id is not None:
        query = query.where(Visit.location_id == location_id)
    return query.cte("period_visits")


def _aggregates(visits):
    done = visits.c.status == "done"
    listed = visits.c.services_list + visits.c.products_list
    revenue = case(
        (listed == 0, visits.c.takings),
        else_=func.round(visits.c.takings * visits.c.services_list / listed, 2),
    )
    return (
        select(
            visits.c.master_id,
            func.coalesce(func.sum(revenue).filter(done), 0).label("revenue"),
            func.coalesce(func.sum(visits.c.takings - revenue).filter(done), 0).label("retail"),
            func.count().filter(done).label("visits_done"),
            func.count(distinct(visits.c.contact_id)).filter(done).label("clients_served"),
            func.count().filter(visits.c.status == "no_show").label("no_shows"),
            func.count().filter(done, visits.c.contact_id.is_not(None)).label("with_client"),
            func.count().filter(done, visits.c.rebooked).label("rebooked"),
        )
        # One row per master and one (master_id NULL) for the whole period.
        .group_by(func.grouping_sets(visits.c.master_id, tuple_()))
    )


def _figures(row, commission_percent: Decimal | None = None) -> Figures:
    if row is None:
        return Figures()
    return Figures(
        revenue=row.revenue,
        retail_revenue=row.retail,
        visits_done=row.visits_done,
        clients_served=row.clients_served,
        no_shows=row.no_shows,
        visits_with_client=row.with_client,
        rebooked=row.rebooked,
        commission=(row.revenue * commission_percent / 100).quantize(CENT, ROUND_HALF_UP)
        if commission_percent is not None
        else Decimal(0),
    )


async def staff_results(
    session: AsyncSession,
    *,
    date_from: date,
    date_to: date,
    location_id: uuid.UUID | None = None,
) -> StaffResults:
    """Every active master of the salon(s), and any other who worked in the period."""
    check_period(date_from, date_to)
    if location_id is not None and await session.get(Location, location_id) is None:
        raise Invalid("No such salon.", field="location_id")
    timezone = (await workspace_settings(session)).timezone
    visits = _per_visit(date_from, date_to, location_id, timezone)
    rows = {row.master_id: row for row in await session.execute(_aggregates(visits))}
    masters_query = select(Master).order_by(*by_name(Master.name), Master.id)
    active = Master.archived_at.is_(None)
    if location_id is not None:
        active = active & (Master.location_id == location_id)
    worked = [master_id for master_id in rows if master_id is not None]
    masters = await session.scalars(masters_query.where(or_(active, Master.id.in_(worked))))
    results = [
        MasterResult(
            master.id,
            master.name,
            master.location_id,
            master.commission_percent,
            _figures(rows.get(master.id), master.commission_percent),
        )
        for master in masters
    ]
    results.sort(key=lambda result: -result.figures.revenue)  # stable: by name among equals
    totals = _figures(rows.get(None))
    totals.commission = sum((result.figures.commission for result in results), Decimal(0))
    return StaffResults(date_from, date_to, location_id, results, totals)


def month_of(day: date) -> tuple[date, date]:
    """The first and last day of ``day``'s month."""
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


async def this_month(session: AsyncSession, now: datetime | None = None) -> tuple[date, date]:
    """The current month on the workspace's calendar."""
    zone = ZoneInfo((await workspace_settings(session)).timezone)
    return month_of((now or datetime.now(UTC)).astimezone(zone).date())


async def salon_locations(session: AsyncSession) -> list[Location]:
    """The salons to filter by: open ones, by name."""
    return list(
        await session.scalars(
            select(Location).where(Location.archived_at.is_(None)).order_by(*by_name(Location.name))
        )
    )
