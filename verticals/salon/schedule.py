"""When masters work: their weekly hours less breaks and time off, as UTC intervals per day,
and the time their visits already hold. Free slots and booking checks both read it from here."""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Date, SmallInteger, Time, and_, func, literal, null, select, union_all
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.tenancy.service import workspace_settings
from atrium.verticals.salon.models import (
    RELEASED,
    Break,
    Location,
    Master,
    MasterService,
    Service,
    TimeOff,
    Visit,
    WorkingHours,
)

Interval = tuple[datetime, datetime]
# No visit is longer: at most 6 services (booking.MAX_SERVICES) of at most 720 minutes each.
LONGEST_VISIT = timedelta(minutes=6 * 720)


def location_zone(location: Location, workspace_timezone: str) -> ZoneInfo:
    """The salon's time zone, else the workspace's."""
    try:
        return ZoneInfo(location.timezone or workspace_timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(workspace_timezone)


async def zone_of(session: AsyncSession, location: Location) -> ZoneInfo:
    return location_zone(location, (await workspace_settings(session)).timezone)


@dataclass(frozen=True)
class Offer:
    """A master who does every service asked for: in which salon, for how long, at what price."""

    master_id: uuid.UUID
    location_id: uuid.UUID
    minutes: int
    price: object  # Decimal


async def masters_doing(
    session: AsyncSession,
    service_ids: list[uuid.UUID],
    *,
    master_id: uuid.UUID | None = None,
    location_id: uuid.UUID | None = None,
    online_only: bool = False,
) -> list[Offer]:
    """The active masters who do all of the services, with the sequence's length and price."""
    minutes = func.sum(func.coalesce(MasterService.duration_minutes, Service.duration_minutes))
    price = func.sum(func.coalesce(MasterService.price, Service.price))
    query = (
        select(Master.id, Master.location_id, minutes, price)
        .join(MasterService, MasterService.master_id == Master.id)
        .join(Service, Service.id == MasterService.service_id)
        .where(
            MasterService.service_id.in_(service_ids),
            Master.archived_at.is_(None),
            Service.archived_at.is_(None),
        )
        .group_by(Master.id, Master.location_id)
        .having(func.count() == len(set(service_ids)))
    )
    if master_id is not None:
        query = query.where(Master.id == master_id)
    if location_id is not None:
        query = query.where(Master.location_id == location_id)
    if online_only:
        query = query.where(Master.online.is_(True), Service.online.is_(True))
    rows = await session.execute(query)
    return [Offer(*row) for row in rows]


@dataclass
class Week:
    """A master's weekly pattern and time off, ready to be laid on days."""

    hours: dict[int, list[tuple[time, time]]] = field(default_factory=lambda: defaultdict(list))
    breaks: dict[int | None, list[tuple[time, time]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    days_off: set[date] = field(default_factory=set)
    # A weekday's hours less its breaks, in salon time: worked out once, laid on many days.
    _by_weekday: dict[int, list[tuple[time, time]]] = field(default_factory=dict, repr=False)

    def working(self, day: date, zone: ZoneInfo) -> list[Interval]:
        """The day's working intervals in UTC, breaks cut out; none on a day off."""
        if day in self.days_off:
            return []
        weekday = day.weekday()
        local = self._by_weekday.get(weekday)
        if local is None:
            pauses = [*self.breaks.get(weekday, []), *self.breaks.get(None, [])]
            local = subtract(sorted(self.hours.get(weekday, [])), sorted(pauses))
            self._by_weekday[weekday] = local
        return [_utc(day, starts, ends, zone) for starts, ends in local]


def _utc(day: date, starts: time, ends: time, zone: ZoneInfo) -> Interval:
    return (
        datetime.combine(day, starts, tzinfo=zone).astimezone(UTC),
        datetime.combine(day, ends, tzinfo=zone).astimezone(UTC),
    )


def subtract(spans: list[Interval], taken: list[Interval]) -> list[Interval]:
    """What is left of sorted ``spans`` once sorted ``taken`` intervals are cut out.

    One pass over both lists: a taken interval that ends before a span starts ends before
    every later span too, so it is never looked at again (free slots walk weeks of visits)."""
    left: list[Interval] = []
    first = 0  # the first taken interval that may still reach into a span
    count = len(taken)
    for starts, ends in spans:
        while first < count and taken[first][1] <= starts:
            first += 1
        cursor = starts
        index = first
        while index < count:
            taken_from, taken_to = taken[index]
            if taken_from >= ends:
                break
            if taken_to > cursor:
                if taken_from > cursor:
                    left.append((cursor, taken_from))
                cursor = taken_to
                if cursor >= ends:
                    break
            index += 1
        if cursor < ends:
            left.append((cursor, ends))
    return left


async def weeks_of(
    session: AsyncSession, master_ids: list[uuid.UUID], first: date, last: date
) -> dict[uuid.UUID, Week]:
    weeks = {master_id: Week() for master_id in master_ids}
    no_day, no_time = null().cast(Date), null().cast(Time)
    # Hours, breaks and time off in one round trip (free slots are asked for all day long).
    hours = select(
        literal("hours"), WorkingHours.master_id, WorkingHours.weekday,
        WorkingHours.starts, WorkingHours.ends, no_day, no_day,
    ).where(WorkingHours.master_id.in_(master_ids))  # fmt: skip
    breaks = select(
        literal("break"), Break.master_id, Break.weekday, Break.starts, Break.ends, no_day, no_day
    ).where(Break.master_id.in_(master_ids))
    time_off = select(
        literal("off"), TimeOff.master_id, null().cast(SmallInteger), no_time, no_time,
        TimeOff.starts_on, TimeOff.ends_on,
    ).where(
        TimeOff.master_id.in_(master_ids), TimeOff.starts_on <= last, TimeOff.ends_on >= first
    )  # fmt: skip
    rows = await session.execute(union_all(hours, breaks, time_off))
    for kind, master_id, weekday, starts, ends, starts_on, ends_on in rows:
        week = weeks[master_id]
        if kind == "hours":
            week.hours[weekday].append((starts, ends))
        elif kind == "break":
            week.breaks[weekday].append((starts, ends))
        else:
            day = max(starts_on, first)
            while day <= min(ends_on, last):
                week.days_off.add(day)
                day += timedelta(days=1)
    for week in weeks.values():
        for intervals in week.hours.values():
            intervals.sort()
    return weeks


async def held_time(
    session: AsyncSession,
    master_ids: list[uuid.UUID],
    starts: datetime,
    ends: datetime,
    *,
    except_visit: uuid.UUID | None = None,
) -> dict[uuid.UUID, list[Interval]]:
    """The time the masters' visits hold between ``starts`` and ``ends``, sorted."""
    # One row per master with its visits' bounds as two arrays: reading a few thousand visits
    # row by row costs free slots more than everything else it does.
    order = Visit.starts_at.asc()
    query = (
        select(
            Visit.master_id,
            func.array_agg(aggregate_order_by(Visit.starts_at, order)),
            func.array_agg(aggregate_order_by(Visit.ends_at, order)),
        )
        .where(
            Visit.master_id.in_(master_ids),
            Visit.status.not_in(RELEASED),
            and_(Visit.starts_at < ends, Visit.ends_at > starts),
            # Bounds the index scan on (master_id, starts_at) from below too: without it every
            # past visit of the masters is read to find the few that reach into the window.
            Visit.starts_at > starts - LONGEST_VISIT,
        )
        .group_by(Visit.master_id)
    )
    if except_visit is not None:
        query = query.where(Visit.id != except_visit)
    held: dict[uuid.UUID, list[Interval]] = defaultdict(list)
    for master_id, starts_at, ends_at in (await session.execute(query)).tuples():
        # In UTC itself: comparing datetimes of two different zones costs an offset lookup
        # each time, and free slots compare these thousands of times.
        held[master_id] = [
            (start.astimezone(UTC), end.astimezone(UTC))
            for start, end in zip(starts_at, ends_at, strict=True)
        ]
    return held
