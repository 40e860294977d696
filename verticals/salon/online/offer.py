"""What a salon's public booking page offers: the salons open to online booking, their
services and masters, and the free times (for any master each time once). Nothing here shows
one client another's name, phone or visits: free times are times and a master's id only."""

import uuid
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.db.names import by_name, name_key_of
from atrium.platform.errors import Conflict, Invalid, NotFound
from atrium.platform.tenancy.service import workspace_settings
from atrium.verticals.salon.journal.schedule import location_zone
from atrium.verticals.salon.journal.slots import Slot, free_slots
from atrium.verticals.salon.models import Location, Master, MasterService, Service

DAYS_SHOWN = 14  # the booking page offers the next two weeks


async def bookable_locations(session: AsyncSession) -> list[Location]:
    """The salons taking online bookings, by name."""
    return list(
        await session.scalars(
            select(Location)
            .where(Location.archived_at.is_(None), Location.online_booking.is_(True))
            .order_by(*by_name(Location.name), Location.id)
        )
    )


async def bookable_location(
    session: AsyncSession, *, location_id: uuid.UUID | None = None, slug: str | None = None
) -> Location:
    """One salon taking online bookings, by id or slug; 404 for anything else."""
    query = select(Location).where(
        Location.archived_at.is_(None), Location.online_booking.is_(True)
    )
    if location_id is not None:
        query = query.where(Location.id == location_id)
    elif slug is not None:
        query = query.where(Location.slug == slug)
    else:
        raise NotFound("There is no such salon.")
    location = await session.scalar(query)
    if location is None:
        raise NotFound("There is no such salon.")
    return location


async def salon_zone(session: AsyncSession, location: Location):
    return location_zone(location, (await workspace_settings(session)).timezone)


def _online_offers(location: Location):
    """(service, master) pairs offered online in the salon."""
    return (
        select(Service, Master)
        .join(MasterService, MasterService.service_id == Service.id)
        .join(Master, Master.id == MasterService.master_id)
        .where(
            Master.location_id == location.id,
            Master.archived_at.is_(None),
            Master.online.is_(True),
            Service.archived_at.is_(None),
            Service.online.is_(True),
        )
    )


async def offered_services(session: AsyncSession, location: Location) -> list[Service]:
    """Services some master of the salon does online, by category and name."""
    found = {service.id: service for service, _ in await session.execute(_online_offers(location))}
    return sorted(
        found.values(), key=lambda s: (name_key_of(s.category), name_key_of(s.name), str(s.id))
    )


async def offered_masters(
    session: AsyncSession, location: Location, service_ids: list[uuid.UUID]
) -> list[Master]:
    """The salon's online masters who do every one of the services, by name."""
    if not service_ids:
        raise Invalid("Choose at least one service.", field="service_id")
    doing: dict[uuid.UUID, set[uuid.UUID]] = {}
    masters: dict[uuid.UUID, Master] = {}
    rows = await session.execute(_online_offers(location).where(Service.id.in_(service_ids)))
    for service, master in rows:
        doing.setdefault(master.id, set()).add(service.id)
        masters[master.id] = master
    wanted = set(service_ids)
    return sorted(
        (masters[key] for key, done in doing.items() if done >= wanted),
        key=lambda m: (m.name.lower(), str(m.id)),
    )


async def _offered_master(
    session: AsyncSession, location: Location, master_id: uuid.UUID | None
) -> None:
    if master_id is None:
        return
    master = await session.get(Master, master_id)
    if (
        master is None
        or master.location_id != location.id
        or master.archived_at is not None
        or not master.online
    ):
        raise NotFound("There is no such master.")


async def open_times(
    session: AsyncSession,
    location: Location,
    service_ids: list[uuid.UUID],
    *,
    master_id: uuid.UUID | None,
    date_from: date,
    date_to: date,
    now: datetime | None = None,
    except_visit: uuid.UUID | None = None,
) -> list[Slot]:
    """Free starts for the services; for any master each time once, with the first master
    free then. The time of ``except_visit`` (the client's visit being moved) counts as free."""
    await _offered_master(session, location, master_id)
    found = await free_slots(
        session,
        service_ids=service_ids,
        date_from=date_from,
        date_to=date_to,
        master_id=master_id,
        location_id=location.id,
        online_only=True,
        now=now,
        except_visit=except_visit,
    )
    if master_id is not None:
        return found
    seen: dict[datetime, Slot] = {}
    for slot in found:
        seen.setdefault(slot.starts_at, slot)
    return list(seen.values())


async def free_master_at(
    session: AsyncSession,
    location: Location,
    service_ids: list[uuid.UUID],
    master_id: uuid.UUID | None,
    starts_at: datetime,
    now: datetime,
    except_visit: uuid.UUID | None = None,
) -> uuid.UUID:
    """The master (the one asked for, else the first free) who can start the services then;
    409 when nobody can."""
    if starts_at.tzinfo is None:
        raise Invalid("Give the start with its time zone offset.", field="start")
    day = starts_at.astimezone(await salon_zone(session, location)).date()
    slots = await open_times(
        session,
        location,
        service_ids,
        master_id=master_id,
        date_from=day,
        date_to=day,
        now=now,
        except_visit=except_visit,
    )
    for slot in slots:
        if slot.starts_at == starts_at:
            return slot.master_id
    raise Conflict("That time is no longer free; please choose another.", field="start")
