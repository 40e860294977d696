"""Free time for a sequence of services: which masters can start it when, day by day.

A start is free when the whole sequence fits in one of the master's working intervals (breaks
and time off cut out) without touching a visit that holds the master's time, on the salon's
step grid (every 15 minutes from the hour by default), not in the past and within the salon's
booking horizon.

Free slots are asked for all day long, so they reckon in microseconds since the epoch (whole
numbers) and make datetimes only for the slots they return.
"""

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.errors import Invalid
from atrium.verticals.salon.journal.schedule import MasterSchedule, master_schedules, subtract

MAX_DAYS = 62  # one request asks for at most two months of days
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
MINUTE = 60_000_000  # in microseconds
DAY = 24 * 60 * MINUTE


@dataclass(frozen=True)
class Slot:
    master_id: uuid.UUID
    starts_at: datetime
    ends_at: datetime


# The dates a salon can mean: one beyond them is a typo, and would overflow the arithmetic.
# Narrower than the range every date of Atrium keeps to (atrium.platform.instants).
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)


def check_days(**days: date) -> None:
    """Each date given by name (the field it came from) lies in FIRST_DAY..LAST_DAY."""
    for field, day in days.items():
        if not FIRST_DAY <= day <= LAST_DAY:
            raise Invalid(
                "Choose a date from %(first)s to %(last)s.",
                field=field,
                first=FIRST_DAY.isoformat(),
                last=LAST_DAY.isoformat(),
            )


async def free_slots(
    session: AsyncSession,
    *,
    service_ids: list[uuid.UUID],
    date_from: date,
    date_to: date,
    master_id: uuid.UUID | None = None,
    location_id: uuid.UUID | None = None,
    online_only: bool = False,
    now: datetime | None = None,
    except_visit: uuid.UUID | None = None,
) -> list[Slot]:
    """Every free start from ``date_from`` to ``date_to`` (salon days, both included), by time
    then master; ``master_id`` None means any master who does all the services. The time of
    ``except_visit`` (a visit being moved) counts as free."""
    if not service_ids:
        raise Invalid("Choose at least one service.", field="service_id")
    check_days(date_from=date_from, date_to=date_to)
    if date_to < date_from:
        raise Invalid("The end date is before the start date.", field="date_to")
    if (date_to - date_from).days >= MAX_DAYS:
        raise Invalid("Ask for at most %(days)s days at once.", field="date_to", days=MAX_DAYS)
    # A day in any salon's zone lies within a day either side of UTC's.
    window_from = datetime.combine(date_from - timedelta(days=1), time(), UTC)
    window_to = datetime.combine(date_to + timedelta(days=2), time(), UTC)
    masters = await master_schedules(
        session,
        service_ids,
        master_id=master_id,
        location_id=location_id,
        online_only=online_only,
        days=(date_from, date_to),
        held_between=(window_from, window_to),
        except_visit=except_visit,
    )
    masters.sort(key=lambda master: str(master.master_id))  # at one time: by the ids' text
    days = [date_from + timedelta(days=n) for n in range((date_to - date_from).days + 1)]
    now_at = _microseconds((now or datetime.now(UTC)).astimezone(UTC))
    return _slots(masters, _keyed_starts(masters, days, now_at, online_only))


def _keyed_starts(
    masters: list[MasterSchedule], days: list[date], now: int, online_only: bool
) -> list[int]:
    """The masters' free starts, sorted, each one whole number: its instant × the number of
    masters + the master's rank. So they sort by time, then master, and a run of them is a
    range, made in C rather than a Python loop ("any master" finds thousands)."""
    count = len(masters)
    clocks: dict[tuple[ZoneInfo, int], SalonClock] = {}
    keyed: list[int] = []
    for rank, master in enumerate(masters):
        clock = clocks.get((master.zone, master.step_minutes))
        if clock is None:
            clock = clocks[master.zone, master.step_minutes] = SalonClock(master)
        horizon = now + master.horizon_days * DAY if online_only else None
        for first, last, step in _free_runs(master, days, clock, now, horizon):
            keyed.extend(range(first * count + rank, last * count + rank + 1, step * count))
    keyed.sort()
    return keyed


def _slots(masters: list[MasterSchedule], keyed: list[int]) -> list[Slot]:
    count = len(masters)
    lengths = [master.minutes * MINUTE for master in masters]
    moment = cache(_moment)  # masters share most starts and ends
    slots = []
    for key in keyed:
        starts, rank = divmod(key, count)
        slots.append(Slot(masters[rank].master_id, moment(starts), moment(starts + lengths[rank])))
    return slots


class SalonClock:
    """A salon's local times and step grid as instants (microseconds since the epoch), each
    worked out once per call: the salon's masters share most of them."""

    def __init__(self, master: MasterSchedule) -> None:
        self.zone = master.zone
        self.step = timedelta(minutes=master.step_minutes)
        self._instants: dict[tuple[date, time], int] = {}
        self._on_grid: dict[int, int] = {}

    def instant(self, day: date, local: time) -> int:
        """Salon time ``local`` on ``day`` (read as Week.working reads it)."""
        found = self._instants.get((day, local))
        if found is None:
            found = _microseconds(datetime.combine(day, local, tzinfo=self.zone))
            self._instants[day, local] = found
        return found

    def on_grid(self, instant: int) -> int:
        """The first start at or after ``instant`` that falls on the step grid of local time."""
        found = self._on_grid.get(instant)
        if found is None:
            found = _microseconds(_on_grid(_moment(instant), self.zone, self.step))
            self._on_grid[instant] = found
        return found


def _free_runs(
    master: MasterSchedule, days: list[date], clock: SalonClock, now: int, horizon: int | None
) -> Iterator[tuple[int, int, int]]:
    """The master's free starts as (first, last, step) runs, in instants."""
    working = [
        (clock.instant(day, starts), clock.instant(day, ends))
        for day in days
        for starts, ends in master.week.working_locally(day)
    ]  # sorted: each day's intervals come before the next day's
    length = master.minutes * MINUTE
    step = master.step_minutes * MINUTE
    for starts, ends in subtract(working, master.held):
        if ends <= now:
            continue
        last = ends - length
        if horizon is not None:
            last = min(last, horizon)
        yield clock.on_grid(max(starts, now)), last, step


def _on_grid(moment: datetime, zone: ZoneInfo, step: timedelta) -> datetime:
    local = moment.astimezone(zone)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    into_day = local - midnight  # wall-clock time: the grid is laid on local time
    steps = -(-into_day // step)  # ceiling division of timedeltas
    return (midnight + steps * step).astimezone(UTC)


def _microseconds(moment: datetime) -> int:
    return (moment - EPOCH) // MICROSECOND


def _moment(microseconds: int) -> datetime:
    return EPOCH + timedelta(microseconds=microseconds)
