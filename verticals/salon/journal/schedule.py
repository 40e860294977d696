"""When masters work: their weekly hours less breaks and time off, as UTC intervals per day,
and the time their visits already hold. Free slots and booking checks both read it from here."""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, partial
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import (
    ARRAY,
    BigInteger,
    ColumnElement,
    Date,
    DateTime,
    Select,
    SmallInteger,
    Time,
    Uuid,
    any_,
    bindparam,
    cast,
    extract,
    func,
    literal,
    null,
    select,
    true,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.tenancy.models import WorkspaceSettings
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
When = datetime | ColumnElement[datetime]  # a moment, or a parameter of a statement
# Intervals are cut alike in salon time, in UTC and in microseconds since the epoch.
Bound = TypeVar("Bound", time, datetime, int)
# No visit is longer: at most 6 services (booking.MAX_SERVICES) of at most 720 minutes each.
LONGEST_VISIT = timedelta(minutes=6 * 720)


def location_zone(location: Location, workspace_timezone: str) -> ZoneInfo:
    """The salon's time zone, else the workspace's."""
    return _zone(location.timezone, workspace_timezone)


def _zone(salon_timezone: str | None, workspace_timezone: str) -> ZoneInfo:
    try:
        return ZoneInfo(salon_timezone or workspace_timezone)
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
    query = _offers(
        one_master=master_id is not None,
        one_location=location_id is not None,
        online_only=online_only,
    )
    rows = await session.execute(query, _offers_asked(service_ids, master_id, location_id))
    return [Offer(*row) for row in rows]


def _offers(*, one_master: bool, one_location: bool, online_only: bool) -> Select:
    """Masters who do all of the services asked for, with their length and price: a statement
    to fill in with _offers_asked()."""
    minutes = func.sum(func.coalesce(MasterService.duration_minutes, Service.duration_minutes))
    price = func.sum(func.coalesce(MasterService.price, Service.price))
    query = (
        select(
            Master.id.label("master_id"),
            Master.location_id,
            minutes.label("minutes"),
            price.label("price"),
        )
        .join(MasterService, MasterService.master_id == Master.id)
        .join(Service, Service.id == MasterService.service_id)
        .where(
            MasterService.service_id == any_(bindparam("service_ids", type_=ARRAY(Uuid))),
            Master.archived_at.is_(None),
            Service.archived_at.is_(None),
        )
        .group_by(Master.id, Master.location_id)
        .having(func.count() == bindparam("services"))
    )
    if one_master:
        query = query.where(Master.id == bindparam("master_id"))
    if one_location:
        query = query.where(Master.location_id == bindparam("location_id"))
    if online_only:
        query = query.where(Master.online.is_(True), Service.online.is_(True))
    return query


def _offers_asked(
    service_ids: list[uuid.UUID], master_id: uuid.UUID | None, location_id: uuid.UUID | None
) -> dict:
    return {
        "service_ids": list(service_ids),
        "services": len(set(service_ids)),
        "master_id": master_id,
        "location_id": location_id,
    }


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
        return [_utc(day, starts, ends, zone) for starts, ends in self.working_locally(day)]

    def working_locally(self, day: date) -> list[tuple[time, time]]:
        """The day's working intervals in salon time, breaks cut out; none on a day off."""
        if day in self.days_off:
            return []
        weekday = day.weekday()
        local = self._by_weekday.get(weekday)
        if local is None:
            pauses = [*self.breaks.get(weekday, []), *self.breaks.get(None, [])]
            local = subtract(joined(self.hours.get(weekday, [])), sorted(pauses))
            self._by_weekday[weekday] = local
        return local

    def take_days_off(self, starts_on: date, ends_on: date, first: date, last: date) -> None:
        """Time off from ``starts_on`` to ``ends_on``, as far as it falls from ``first`` to
        ``last``."""
        day = max(starts_on, first)
        while day <= min(ends_on, last):
            self.days_off.add(day)
            day += timedelta(days=1)


def _utc(day: date, starts: time, ends: time, zone: ZoneInfo) -> Interval:
    return (
        datetime.combine(day, starts, tzinfo=zone).astimezone(UTC),
        datetime.combine(day, ends, tzinfo=zone).astimezone(UTC),
    )


def joined(spans: list[tuple[Bound, Bound]]) -> list[tuple[Bound, Bound]]:
    """Sorted, with intervals that touch or overlap made one: 09-11 and 11-13 is 09-13, so a
    visit may run across 11:00."""
    found: list[tuple[Bound, Bound]] = []
    for starts, ends in sorted(spans):
        if found and starts <= found[-1][1]:
            found[-1] = (found[-1][0], max(found[-1][1], ends))
        else:
            found.append((starts, ends))
    return found


def subtract(
    spans: list[tuple[Bound, Bound]], taken: list[tuple[Bound, Bound]]
) -> list[tuple[Bound, Bound]]:
    """What is left of sorted ``spans`` once sorted ``taken`` intervals are cut out.

    One pass over both lists: a taken interval that ends before a span starts ends before
    every later span too, so it is never looked at again (free slots walk weeks of visits)."""
    left: list[tuple[Bound, Bound]] = []
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
            week.take_days_off(starts_on, ends_on, first, last)
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
    query = select(Visit.master_id, Visit.starts_at, Visit.ends_at).where(
        Visit.master_id.in_(master_ids), *_holding(starts, ends, starts - LONGEST_VISIT)
    )
    if except_visit is not None:
        query = query.where(Visit.id != except_visit)
    held: dict[uuid.UUID, list[Interval]] = defaultdict(list)
    for master_id, starts_at, ends_at in await session.execute(query.order_by(Visit.starts_at)):
        held[master_id].append((starts_at.astimezone(UTC), ends_at.astimezone(UTC)))
    return held


def _holding(starts: When, ends: When, started_after: When) -> tuple[ColumnElement[bool], ...]:
    """Visits that hold their master's time between ``starts`` and ``ends``; all of them
    started after ``started_after`` (``starts`` less the longest visit)."""
    return (
        Visit.status.not_in(RELEASED),
        Visit.starts_at < ends,
        Visit.ends_at > starts,
        # Bounds the index scan on (master_id, starts_at) from below too: without it every
        # past visit of the masters is read to find the few that reach into the window.
        Visit.starts_at > started_after,
    )


@dataclass(frozen=True)
class MasterSchedule:
    """A master who does the services asked for, with all that free slots need to know: the
    sequence's length, the salon's zone, step and horizon, the week and the time held."""

    master_id: uuid.UUID
    minutes: int
    zone: ZoneInfo
    step_minutes: int
    horizon_days: int
    week: Week
    held: list[tuple[int, int]]  # visits' bounds in microseconds since the epoch, sorted


async def master_schedules(
    session: AsyncSession,
    service_ids: list[uuid.UUID],
    *,
    master_id: uuid.UUID | None,
    location_id: uuid.UUID | None,
    online_only: bool,
    days: tuple[date, date],
    held_between: tuple[datetime, datetime],
    except_visit: uuid.UUID | None = None,
) -> list[MasterSchedule]:
    """The masters who do all of the services in an open salon (one open to online booking
    when ``online_only``), with their weeks over ``days`` and the time held ``held_between``
    by visits other than ``except_visit`` (the one being moved).

    One round trip and no ORM, one row a master: free slots are asked for all day long."""
    query = _schedules(master_id is not None, location_id is not None, online_only)
    asked = {
        **_offers_asked(service_ids, master_id, location_id),
        "first": days[0],
        "last": days[1],
        "held_from": held_between[0],
        "held_to": held_between[1],
        "held_after": held_between[0] - LONGEST_VISIT,
        "except_visit": except_visit,
    }
    schedules = []
    for row in await (await session.connection()).execute(query, asked):
        week = Week()
        for weekday, starts, ends in _columns(row.hours_weekday, row.hours_starts, row.hours_ends):
            week.hours[weekday].append((starts, ends))
        for weekday, starts, ends in _columns(row.break_weekday, row.break_starts, row.break_ends):
            week.breaks[weekday].append((starts, ends))
        for starts_on, ends_on in _columns(row.off_starts, row.off_ends):
            week.take_days_off(starts_on, ends_on, *days)
        zone = _zone(row.timezone, row.workspace_timezone)
        held = sorted(_columns(row.held_starts, row.held_ends))
        schedules.append(
            MasterSchedule(row.master_id, row.minutes, zone, row.step, row.horizon, week, held)
        )
    return schedules


@cache  # a handful of shapes, each built once
def _schedules(one_master: bool, one_location: bool, online_only: bool) -> Select:
    """The offers with their salons' zone, step and horizon, and each master's week and held
    time as arrays."""
    offers = _offers(one_master=one_master, one_location=one_location, online_only=online_only)
    offers = offers.cte("offers")
    laterals = [part.lateral() for part in _arrays_of_master(offers.c.master_id)]
    joined = offers.join(Location, Location.id == offers.c.location_id)
    for lateral in laterals:
        joined = joined.join(lateral, true())
    workspace_timezone = (
        select(WorkspaceSettings.timezone).where(WorkspaceSettings.id == 1).scalar_subquery()
    )
    query = (
        select(
            offers.c.master_id,
            offers.c.minutes,
            Location.timezone,
            workspace_timezone.label("workspace_timezone"),
            Location.slot_step_minutes.label("step"),
            Location.booking_horizon_days.label("horizon"),
            *(column for lateral in laterals for column in lateral.c),
        )
        .select_from(joined)
        .where(Location.archived_at.is_(None))
    )
    return query.where(Location.online_booking.is_(True)) if online_only else query


def _arrays_of_master(master_id: ColumnElement[uuid.UUID]) -> tuple[Select, ...]:
    """The master's hours, breaks, time off from :first to :last and held time, as arrays."""
    hours = _arrays(
        hours_weekday=WorkingHours.weekday,
        hours_starts=WorkingHours.starts,
        hours_ends=WorkingHours.ends,
    ).where(WorkingHours.master_id == master_id)
    breaks = _arrays(
        break_weekday=Break.weekday, break_starts=Break.starts, break_ends=Break.ends
    ).where(Break.master_id == master_id)
    time_off = _arrays(off_starts=TimeOff.starts_on, off_ends=TimeOff.ends_on).where(
        TimeOff.master_id == master_id,
        TimeOff.starts_on <= bindparam("last", type_=Date),
        TimeOff.ends_on >= bindparam("first", type_=Date),
    )
    moment = partial(bindparam, type_=DateTime(timezone=True))
    holding = _holding(moment("held_from"), moment("held_to"), moment("held_after"))
    held = _arrays(  # in no order: sorted in Python, where it costs less
        held_starts=_microseconds(Visit.starts_at), held_ends=_microseconds(Visit.ends_at)
    ).where(
        Visit.master_id == master_id,
        Visit.id.is_distinct_from(bindparam("except_visit", type_=Uuid)),
        *holding,
    )
    return hours, breaks, time_off, held


def _arrays(**columns) -> Select:
    return select(*(func.array_agg(column).label(name) for name, column in columns.items()))


def _microseconds(moment: ColumnElement[datetime]) -> ColumnElement[int]:
    # Since the epoch, exactly: free slots reckon in whole numbers, far faster than datetimes.
    return cast(extract("epoch", moment) * 1_000_000, BigInteger)


def _columns(*arrays: list | None) -> zip:
    """Rows out of parallel arrays (none where the arrays are NULL: nothing was found)."""
    return zip(*(array or [] for array in arrays), strict=True)
