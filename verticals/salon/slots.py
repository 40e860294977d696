"""Free time for a sequence of services: which masters can start it when, day by day.

A start is free when the whole sequence fits in one of the master's working intervals (breaks
and time off cut out) without touching a visit that holds the master's time, on the salon's
step grid (every 15 minutes from the hour by default), not in the past and within the salon's
booking horizon.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.errors import Invalid
from atrium.platform.tenancy.service import workspace_settings
from atrium.verticals.salon.models import Location
from atrium.verticals.salon.schedule import (
    held_time,
    location_zone,
    masters_doing,
    subtract,
    weeks_of,
)

MAX_DAYS = 62  # one request asks for at most two months of days


@dataclass(frozen=True)
class Slot:
    master_id: uuid.UUID
    starts_at: datetime
    ends_at: datetime


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
) -> list[Slot]:
    """Every free start from ``date_from`` to ``date_to`` (salon days, both included), by time
    then master; ``master_id`` None means any master who does all the services."""
    if not service_ids:
        raise Invalid("Choose at least one service.", field="service_id")
    if date_to < date_from:
        raise Invalid("The end date is before the start date.", field="date_to")
    if (date_to - date_from).days >= MAX_DAYS:
        raise Invalid("Ask for at most %(days)s days at once.", field="date_to", days=MAX_DAYS)
    offers = await masters_doing(
        session,
        service_ids,
        master_id=master_id,
        location_id=location_id,
        online_only=online_only,
    )
    if not offers:
        return []
    now = (now or datetime.now(UTC)).astimezone(UTC)
    workspace_timezone = (await workspace_settings(session)).timezone
    locations = {
        location.id: location
        for location in await session.scalars(
            select(Location).where(
                Location.id.in_({offer.location_id for offer in offers}),
                Location.archived_at.is_(None),
            )
        )
    }
    offers = [offer for offer in offers if offer.location_id in locations]
    if online_only:
        offers = [o for o in offers if locations[o.location_id].online_booking]
    if not offers:
        return []
    master_ids = [offer.master_id for offer in offers]
    weeks = await weeks_of(
        session, master_ids, date_from - timedelta(days=1), date_to + timedelta(days=1)
    )
    # A day in any salon's zone lies within a day either side of UTC's.
    window_from = datetime.combine(date_from - timedelta(days=1), datetime.min.time(), UTC)
    window_to = datetime.combine(date_to + timedelta(days=2), datetime.min.time(), UTC)
    held = await held_time(session, master_ids, window_from, window_to)

    slots: list[Slot] = []
    for offer in offers:
        location = locations[offer.location_id]
        zone = location_zone(location, workspace_timezone)
        step = timedelta(minutes=location.slot_step_minutes)
        length = timedelta(minutes=offer.minutes)
        horizon = now + timedelta(days=location.booking_horizon_days) if online_only else None
        week = weeks[offer.master_id]
        working = [
            span
            for n in range((date_to - date_from).days + 1)
            for span in week.working(date_from + timedelta(days=n), zone)
        ]  # sorted: each day's intervals come before the next day's
        for starts, ends in subtract(working, held.get(offer.master_id, [])):
            if ends <= now:
                continue
            start = _on_grid(max(starts, now), zone, step)
            last = ends - length
            if horizon is not None:
                last = min(last, horizon)
            while start <= last:
                slots.append(Slot(offer.master_id, start, start + length))
                start += step
    # By time, then master (as their ids' text orders them; a rank compares faster).
    rank = {master_id: n for n, master_id in enumerate(sorted(weeks, key=str))}
    slots.sort(key=lambda slot: (slot.starts_at, rank[slot.master_id]))
    return slots


def _on_grid(moment: datetime, zone, step: timedelta) -> datetime:
    """The first start at or after ``moment`` that falls on the step grid of local time."""
    local = moment.astimezone(zone)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    into_day = local - midnight
    steps = -(-into_day // step)  # ceiling division of timedeltas
    return (midnight + steps * step).astimezone(UTC)
