"""Masters: who works in which salon, the services each does (at an own price or duration
where set), the weekly hours with breaks, and time off. Services take a session, never commit."""

import uuid
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.db.names import by_name
from atrium.platform.db.types import utcnow
from atrium.platform.errors import Invalid, NotFound
from atrium.verticals.salon.catalog import checks as check
from atrium.verticals.salon.catalog.service import NAME_LIMIT, active_location, workspace_country
from atrium.verticals.salon.models import (
    TIME_OFF_KINDS,
    Break,
    Master,
    MasterService,
    Service,
    TimeOff,
    WorkingHours,
)


async def list_masters(
    session: AsyncSession, *, location_id: uuid.UUID | None = None, archived: bool = False
) -> list[Master]:
    query = select(Master).order_by(*by_name(Master.name), Master.id)
    if location_id is not None:
        query = query.where(Master.location_id == location_id)
    if not archived:
        query = query.where(Master.archived_at.is_(None))
    return list(await session.scalars(query))


async def get_master(session: AsyncSession, master_id: uuid.UUID) -> Master:
    master = await session.get(Master, master_id)
    if master is None:
        raise NotFound("No such master.")
    return master


POSITION_LIMIT = 100
NOTE_LIMIT = 1000  # a time off's note

MASTER_RULES = {
    "position": lambda raw: check.text(raw, "position", limit=POSITION_LIMIT),
    "commission_percent": lambda raw: check.percent(raw, "commission_percent"),
    "color": check.color,
    "online": lambda raw: check.flag(raw, "online"),
}


async def _master_values(
    session: AsyncSession,
    data: dict[str, Any],
    *,
    creating: bool,
    members: Collection[uuid.UUID] | None,
) -> dict[str, Any]:
    """``members``: the workspace's users, to check ``user_id`` against (None: not checked)."""
    values: dict[str, Any] = {}
    if "name" in data or creating:
        values["name"] = check.text(data.get("name"), "name", limit=NAME_LIMIT, required=True)
    if "location_id" in data or creating:
        values["location_id"] = (await active_location(session, data.get("location_id"))).id
    for name, rule in MASTER_RULES.items():
        if name in data:
            values[name] = rule(data[name])
    if "phone" in data:
        values["phone"] = check.phone(data["phone"], await workspace_country(session))
    if "user_id" in data:
        user_id = data["user_id"]
        if user_id not in (None, ""):
            user_id = check.record_id(user_id, "user_id")
            if members is not None and user_id not in members:
                raise Invalid(
                    "%(id)s is not a member of this workspace.", field="user_id", id=str(user_id)
                )
        values["user_id"] = user_id or None
    return values


async def create_master(
    session: AsyncSession, data: dict[str, Any], *, members: Collection[uuid.UUID] | None = None
) -> Master:
    master = Master(**await _master_values(session, data, creating=True, members=members))
    session.add(master)
    await session.flush()
    return master


async def update_master(
    session: AsyncSession,
    master_id: uuid.UUID,
    data: dict[str, Any],
    *,
    members: Collection[uuid.UUID] | None = None,
) -> Master:
    master = await get_master(session, master_id)
    for name, value in (
        await _master_values(session, data, creating=False, members=members)
    ).items():
        setattr(master, name, value)
    await session.flush()
    return master


async def archive_master(session: AsyncSession, master_id: uuid.UUID) -> Master:
    master = await get_master(session, master_id)
    master.archived_at = master.archived_at or utcnow()
    await session.flush()
    return master


# The services a master does


@dataclass
class MasterOffer:
    """A service as this master does it: the own price or duration, else the service's."""

    service_id: uuid.UUID
    name: str
    category: str
    price: Decimal
    duration_minutes: int
    own_price: Decimal | None
    own_duration_minutes: int | None


async def offers_of(
    session: AsyncSession, master_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[MasterOffer]]:
    found: dict[uuid.UUID, list[MasterOffer]] = {master_id: [] for master_id in master_ids}
    if not master_ids:
        return found
    rows = await session.execute(
        select(MasterService, Service)
        .join(Service, Service.id == MasterService.service_id)
        .where(MasterService.master_id.in_(master_ids), Service.archived_at.is_(None))
        .order_by(*by_name(Service.category), *by_name(Service.name))
    )
    for offer, service in rows:
        found[offer.master_id].append(
            MasterOffer(
                service_id=service.id,
                name=service.name,
                category=service.category,
                price=service.price if offer.price is None else offer.price,
                duration_minutes=offer.duration_minutes or service.duration_minutes,
                own_price=offer.price,
                own_duration_minutes=offer.duration_minutes,
            )
        )
    return found


async def set_master_services(session: AsyncSession, master_id: uuid.UUID, offers: list) -> None:
    """Replace the services a master does: [{"service_id", "price"?, "duration_minutes"?}]."""
    master = await get_master(session, master_id)
    rows: dict[uuid.UUID, MasterService] = {}
    for index, entry in enumerate(offers):
        where = f"services[{index}]"
        service_id = check.record_id(entry.get("service_id"), f"{where}.service_id")
        service = await session.get(Service, service_id)
        if service is None or service.archived_at is not None:
            raise Invalid("No such service.", field=f"{where}.service_id")
        if service_id in rows:
            raise Invalid("Each service may be listed once.", field=f"{where}.service_id")
        rows[service_id] = MasterService(
            master_id=master.id,
            service_id=service_id,
            price=check.optional_amount(entry.get("price"), f"{where}.price"),
            duration_minutes=check.optional_whole(
                entry.get("duration_minutes"), f"{where}.duration_minutes", low=5, high=720
            ),
        )
    await session.execute(delete(MasterService).where(MasterService.master_id == master.id))
    session.add_all(rows.values())
    await session.flush()


# Hours, breaks and time off


@dataclass
class Week:
    hours: list[WorkingHours] = field(default_factory=list)
    breaks: list[Break] = field(default_factory=list)


def _interval(entry: dict, where: str, *, weekday_required: bool) -> tuple[int | None, time, time]:
    raw_day = entry.get("weekday")
    if raw_day in (None, "") and not weekday_required:
        weekday = None
    else:
        weekday = check.whole(raw_day, f"{where}.weekday", low=0, high=6)
    starts = check.clock(entry.get("starts"), f"{where}.starts")
    ends = check.clock(entry.get("ends"), f"{where}.ends")
    if ends <= starts:
        raise Invalid("The end must come after the start.", field=f"{where}.ends")
    return weekday, starts, ends


def checked_week(hours: list, breaks: list) -> tuple[list, list]:
    """The week as (weekday, starts, ends) rows; intervals of a day must not overlap, and a
    break must lie within the hours of its day (an every-day break: of some working day)."""
    days: list = [
        _interval(entry, f"hours[{i}]", weekday_required=True) for i, entry in enumerate(hours)
    ]
    ordered = sorted(enumerate(days), key=lambda row: (row[1][0], row[1][1]))
    for (_, before), (index, after) in zip(ordered, ordered[1:], strict=False):
        if before[0] == after[0] and after[1] < before[2]:
            raise Invalid(
                "These hours overlap other hours of the same day.", field=f"hours[{index}].starts"
            )
    rests = [
        _interval(entry, f"breaks[{i}]", weekday_required=False) for i, entry in enumerate(breaks)
    ]
    for index, (weekday, starts, ends) in enumerate(rests):
        if not any(
            (weekday is None or weekday == day) and begin <= starts and ends <= end
            for day, begin, end in days
        ):
            raise Invalid(
                "A break must lie within the working hours.", field=f"breaks[{index}].starts"
            )
    return days, rests


async def set_week(session: AsyncSession, master_id: uuid.UUID, hours: list, breaks: list) -> Week:
    """Replace a master's weekly hours and breaks ([{"weekday", "starts", "ends"}])."""
    master = await get_master(session, master_id)
    days, rests = checked_week(hours, breaks)
    await session.execute(delete(WorkingHours).where(WorkingHours.master_id == master.id))
    await session.execute(delete(Break).where(Break.master_id == master.id))
    session.add_all(
        WorkingHours(master_id=master.id, weekday=d, starts=s, ends=e) for d, s, e in days
    )
    session.add_all(Break(master_id=master.id, weekday=d, starts=s, ends=e) for d, s, e in rests)
    await session.flush()
    return (await weeks_of(session, [master.id]))[master.id]


async def weeks_of(session: AsyncSession, master_ids: list[uuid.UUID]) -> dict[uuid.UUID, Week]:
    found = {master_id: Week() for master_id in master_ids}
    if not master_ids:
        return found
    for row in await session.scalars(
        select(WorkingHours)
        .where(WorkingHours.master_id.in_(master_ids))
        .order_by(WorkingHours.weekday, WorkingHours.starts)
    ):
        found[row.master_id].hours.append(row)
    for row in await session.scalars(
        select(Break)
        .where(Break.master_id.in_(master_ids))
        .order_by(Break.weekday.nulls_first(), Break.starts)
    ):
        found[row.master_id].breaks.append(row)
    return found


async def list_time_off(
    session: AsyncSession, master_id: uuid.UUID, *, since: date | None = None
) -> list[TimeOff]:
    master = await get_master(session, master_id)
    query = select(TimeOff).where(TimeOff.master_id == master.id)
    if since is not None:
        query = query.where(TimeOff.ends_on >= since)
    return list(await session.scalars(query.order_by(TimeOff.starts_on, TimeOff.id)))


async def add_time_off(
    session: AsyncSession, master_id: uuid.UUID, data: dict[str, Any]
) -> TimeOff:
    master = await get_master(session, master_id)
    starts_on = check.day(data.get("starts_on"), "starts_on")
    ends_on = check.day(data.get("ends_on") or starts_on, "ends_on")
    if ends_on < starts_on:
        raise Invalid("The last day cannot come before the first.", field="ends_on")
    time_off = TimeOff(
        master_id=master.id,
        starts_on=starts_on,
        ends_on=ends_on,
        kind=check.choice(data.get("kind") or "day_off", "kind", TIME_OFF_KINDS),
        note=check.long_text(data.get("note"), NOTE_LIMIT),
    )
    session.add(time_off)
    await session.flush()
    return time_off


async def delete_time_off(
    session: AsyncSession, master_id: uuid.UUID, time_off_id: uuid.UUID
) -> None:
    master = await get_master(session, master_id)
    time_off = await session.get(TimeOff, time_off_id)
    if time_off is None or time_off.master_id != master.id:
        raise NotFound("No such time off.")
    await session.delete(time_off)
    await session.flush()
