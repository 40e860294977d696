"""The client's own visit, reached by the link sent when she booked: what it holds, and
cancelling or moving it while the salon's cancellation window allows."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.errors import Conflict, Invalid
from atrium.verticals.salon.journal import service as booking
from atrium.verticals.salon.models import Location, Master, Visit, VisitService
from atrium.verticals.salon.online.offer import bookable_location, free_master_at, salon_zone

CHANGEABLE = booking.MOVABLE  # booked or confirmed: the client may still cancel or move it


@dataclass
class VisitSummary:
    visit: Visit
    location: Location
    master_name: str
    services: list[VisitService]
    zone: object  # ZoneInfo
    change_until: datetime
    can_change: bool

    @property
    def starts_at(self) -> datetime:
        return self.visit.starts_at

    @property
    def total(self) -> Decimal:
        return sum((line.price for line in self.services), Decimal(0))

    @property
    def minutes(self) -> int:
        return int((self.visit.ends_at - self.visit.starts_at).total_seconds() // 60)


def change_deadline(visit: Visit, location: Location) -> datetime:
    return visit.starts_at - timedelta(hours=location.cancel_window_hours)


async def visit_summary(
    session: AsyncSession, visit: Visit, now: datetime | None = None
) -> VisitSummary:
    now = now or datetime.now(UTC)
    location = await session.get_one(Location, visit.location_id)
    master = await session.get_one(Master, visit.master_id)
    lines = list(
        await session.scalars(
            select(VisitService)
            .where(VisitService.visit_id == visit.id)
            .order_by(VisitService.position)
        )
    )
    deadline = change_deadline(visit, location)
    return VisitSummary(
        visit=visit,
        location=location,
        master_name=master.name,
        services=lines,
        zone=await salon_zone(session, location),
        change_until=deadline,
        can_change=visit.status in CHANGEABLE and now < deadline,
    )


async def _changeable_visit(session: AsyncSession, token: str, now: datetime) -> Visit:
    visit = await booking.visit_by_token(session, token)
    visit = await booking.visit_for_change(session, visit.id)  # locked
    location = await session.get_one(Location, visit.location_id)
    if visit.status not in CHANGEABLE:
        raise Conflict("This visit cannot be changed any more.")
    if now >= change_deadline(visit, location):
        if not location.phone:
            raise Conflict("It is too late to change this visit online; please call the salon.")
        raise Conflict(
            "It is too late to change this visit online; please call the salon: %(phone)s.",
            phone=location.phone,
        )
    return visit


async def cancel_by_client(session: AsyncSession, token: str, *, now: datetime | None = None):
    now = now or datetime.now(UTC)
    visit = await _changeable_visit(session, token, now)
    await booking.set_visit_status(session, visit.id, "cancelled", now=now)
    return visit


async def reschedule_by_client(
    session: AsyncSession,
    token: str,
    *,
    starts_at: datetime,
    any_master: bool = False,
    now: datetime | None = None,
) -> Visit:
    """Move the visit to another free time, with its master or (``any_master``) whoever is
    free then; the new time too must be outside the salon's cancel window."""
    now = now or datetime.now(UTC)
    visit = await _changeable_visit(session, token, now)
    location = await bookable_location(session, location_id=visit.location_id)
    if (
        starts_at.tzinfo is not None
        and starts_at - timedelta(hours=location.cancel_window_hours) <= now
    ):
        raise Invalid("Choose a time further ahead.", field="start")
    service_ids = await service_ids_of(session, visit)
    wanted = None if any_master else visit.master_id
    master_id = await free_master_at(
        session, location, service_ids, wanted, starts_at, now, except_visit=visit.id
    )
    return await booking.move_visit(
        session, visit.id, starts_at=starts_at, master_id=master_id, now=now
    )


async def service_ids_of(session: AsyncSession, visit: Visit) -> list[uuid.UUID]:
    found = list(
        await session.scalars(
            select(VisitService.service_id)
            .where(VisitService.visit_id == visit.id)
            .order_by(VisitService.position)
        )
    )
    if None in found:
        raise Conflict("A service of this visit was deleted; please call the salon.")
    return found
