"""What the booking journal shows: a salon's masters (or one master's week) against the time
of day, with their working hours, and the visits laid on a grid of rows."""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.db.names import by_name
from atrium.platform.errors import NotFound
from atrium.verticals.salon.journal.schedule import Interval, location_zone, weeks_of
from atrium.verticals.salon.journal.visits import VisitView, visits_between
from atrium.verticals.salon.models import RELEASED, Location, Master, MasterService, Service

DEFAULT_DAY = (time(9), time(21))  # the rows shown when nobody works that day
ROW_MINUTES = (15, 30)  # a row is the salon's step, but never finer than 15 minutes


async def active_locations(session: AsyncSession) -> list[Location]:
    return list(
        await session.scalars(
            select(Location).where(Location.archived_at.is_(None)).order_by(*by_name(Location.name))
        )
    )


async def masters_of(session: AsyncSession, location_id: uuid.UUID) -> list[Master]:
    return list(
        await session.scalars(
            select(Master)
            .where(Master.location_id == location_id, Master.archived_at.is_(None))
            .order_by(*by_name(Master.name), Master.id)
        )
    )


async def services_of(session: AsyncSession, location_id: uuid.UUID) -> list[Service]:
    """The active services some master of the salon does, by category and name."""
    done_here = (
        select(MasterService.service_id)
        .join(Master, Master.id == MasterService.master_id)
        .where(Master.location_id == location_id, Master.archived_at.is_(None))
    )
    return list(
        await session.scalars(
            select(Service)
            .where(Service.archived_at.is_(None), Service.id.in_(done_here))
            .order_by(*by_name(Service.category), *by_name(Service.name))
        )
    )


async def master_of(session: AsyncSession, master_id: uuid.UUID) -> Master:
    master = await session.get(Master, master_id)
    if master is None or master.archived_at is not None:
        raise NotFound("There is no such master.")
    return master


@dataclass
class Column:
    """One master on one day: a column of the grid."""

    master: Master
    day: date
    working: list[Interval]  # UTC, breaks and time off cut out
    visits: list[VisitView] = field(default_factory=list)  # those holding time, by start


@dataclass
class Cell:
    kind: str  # "visit", "free" (working, nothing booked) or "off"
    starts: datetime  # the row's start, UTC
    rows: int = 1
    visits: list[VisitView] = field(default_factory=list)


@dataclass
class Grid:
    zone: ZoneInfo
    step: timedelta
    times: list[time]  # the rows' local start times
    columns: list[Column]
    cells: list[list[Cell | None]]  # by row, then column; None where a visit above spans it
    released: list[VisitView]  # cancelled and no-shows: listed apart, they free their time


async def day_grid(
    session: AsyncSession,
    location: Location,
    workspace_timezone: str,
    *,
    day: date,
    master: Master | None = None,
) -> Grid:
    """The salon's masters on ``day``, or ``master``'s week from ``day`` (seven columns)."""
    zone = location_zone(location, workspace_timezone)
    masters = [master] if master else await masters_of(session, location.id)
    days = [day + timedelta(days=n) for n in range(7)] if master else [day]
    weeks = await weeks_of(session, [m.id for m in masters], days[0], days[-1])
    columns = [
        Column(m, d, weeks[m.id].working(d, zone)) for d in days for m in masters
    ]  # a day's masters side by side, or one master's days
    # Visits are read a day either side, then kept by their salon day.
    views = await visits_between(
        session,
        date_from=days[0] - timedelta(days=1),
        date_to=days[-1] + timedelta(days=1),
        location_id=None if master else location.id,
        master_id=master.id if master else None,
    )
    by_column = {(c.master.id, c.day): c for c in columns}
    released = []
    for view in views:
        local_day = view.visit.starts_at.astimezone(zone).date()
        column = by_column.get((view.visit.master_id, local_day))
        if column is None:
            continue
        if view.visit.status in RELEASED:
            released.append(view)
        else:
            column.visits.append(view)
    step = timedelta(minutes=max(ROW_MINUTES[0], min(location.slot_step_minutes, ROW_MINUTES[1])))
    times = _row_times(columns, zone, step)
    return Grid(zone, step, times, columns, _cells(columns, times, zone, step), released)


def _row_times(columns: list[Column], zone: ZoneInfo, step: timedelta) -> list[time]:
    """From the earliest hour anyone works (or is booked) to the latest, in steps."""
    spans = [span for c in columns for span in c.working]
    spans += [(v.visit.starts_at, v.visit.ends_at) for c in columns for v in c.visits]
    if spans:
        first = min(s.astimezone(zone).time() for s, _ in spans)
        last_end = max(_local_end(s, e, zone) for s, e in spans)
    else:
        first, last_end = DEFAULT_DAY[0], timedelta(hours=DEFAULT_DAY[1].hour)
    cursor = timedelta(hours=first.hour)
    times = []
    while cursor < last_end and cursor < timedelta(days=1):
        times.append((datetime.min + cursor).time())
        cursor += step
    return times


def _local_end(starts: datetime, ends: datetime, zone: ZoneInfo) -> timedelta:
    """How far into its start's local day an interval ends (past midnight: the day's end)."""
    local_start, local_end = starts.astimezone(zone), ends.astimezone(zone)
    if local_end.date() > local_start.date():
        return timedelta(days=1)
    return timedelta(hours=local_end.hour, minutes=local_end.minute + (local_end.second > 0))


def _cells(
    columns: list[Column], times: list[time], zone: ZoneInfo, step: timedelta
) -> list[list[Cell | None]]:
    cells: list[list[Cell | None]] = [[None] * len(columns) for _ in times]
    for index, column in enumerate(columns):
        starts = [datetime.combine(column.day, moment, zone).astimezone(UTC) for moment in times]
        block: Cell | None = None  # the visit cell still spanning down
        block_row = 0
        pending = list(column.visits)
        for row, row_start in enumerate(starts):
            row_end = row_start + step
            if block is not None:
                block_end = max(v.visit.ends_at for v in block.visits)
                if block_end > row_start:
                    # Still inside the block: a visit starting here joins it.
                    while pending and pending[0].visit.starts_at < row_end:
                        block.visits.append(pending.pop(0))
                    block_end = max(v.visit.ends_at for v in block.visits)
                    block.rows = row - block_row + 1
                    continue
                block = None
            if pending and pending[0].visit.starts_at < row_end:
                block = Cell("visit", row_start)
                block_row = row
                while pending and pending[0].visit.starts_at < row_end:
                    block.visits.append(pending.pop(0))
                cells[row][index] = block
                continue
            works = any(s <= row_start and row_end <= e for s, e in column.working)
            cells[row][index] = Cell("free" if works else "off", row_start)
    return cells
