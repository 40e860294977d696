"""Booking, moving, cancelling visits and moving them through their statuses.

The database guarantees that a master's visits never overlap (the exclusion constraint on
``salon_visits``); the checks here only turn a refusal into a clear message. Every change to a
visit's time plans its reminders again (reminders.plan_reminders).
"""

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.crm.contacts.models import Contact
from atrium.platform.crm.contacts.repository import contacts_with
from atrium.platform.crm.contacts.service import ContactInput, create_contact
from atrium.platform.crm.records.normalize import e164
from atrium.platform.errors import Conflict, Invalid, NotFound
from atrium.platform.events.service import record_event
from atrium.platform.tenancy.service import workspace_settings
from atrium.verticals.salon.journal.schedule import held_time, weeks_of, zone_of
from atrium.verticals.salon.models import (
    Location,
    Master,
    MasterService,
    Service,
    Visit,
    VisitService,
)
from atrium.verticals.salon.reminders import service as reminders

NO_OVERLAP = "salon_visits_no_overlap"
# A start a few minutes ago is still "now" (a walk-in typed in while seated).
PAST_GRACE = timedelta(minutes=5)
MAX_SERVICES = 6
COMMENT_LIMIT = 2000  # a visit's comment
# Where a visit may go from each status; "done" only through checkout.
NEXT_STATUSES = {
    "booked": {"confirmed", "arrived", "no_show", "cancelled"},
    "confirmed": {"booked", "arrived", "no_show", "cancelled"},
    "arrived": {"confirmed", "cancelled"},
    "no_show": {"booked"},
    "done": set(),
    "cancelled": set(),
}
MOVABLE = ("booked", "confirmed")


@dataclass(frozen=True)
class PlannedService:
    service_id: uuid.UUID
    name: str
    minutes: int
    price: object  # Decimal


async def _master(session: AsyncSession, master_id: uuid.UUID) -> Master:
    master = await session.get(Master, master_id)
    if master is None or master.archived_at is not None:
        raise Invalid("There is no such master.", field="master_id")
    return master


async def plan_services(
    session: AsyncSession, master: Master, service_ids: list[uuid.UUID]
) -> list[PlannedService]:
    """The services in the order asked, at the master's own length and price; refuses a
    service the master does not do."""
    if not service_ids:
        raise Invalid("Choose at least one service.", field="service_ids")
    if len(service_ids) > MAX_SERVICES:
        raise Invalid("A visit holds at most %(max)s services.", field="service_ids", max=6)
    rows = await session.execute(
        select(Service, MasterService)
        .outerjoin(
            MasterService,
            (MasterService.service_id == Service.id) & (MasterService.master_id == master.id),
        )
        .where(Service.id.in_(service_ids), Service.archived_at.is_(None))
    )
    found = {service.id: (service, link) for service, link in rows}
    planned = []
    for service_id in service_ids:
        if service_id not in found:
            raise Invalid("There is no such service.", field="service_ids")
        service, link = found[service_id]
        if link is None:
            raise Invalid(
                "%(master)s does not do %(service)s.",
                field="service_ids",
                master=master.name,
                service=service.name,
            )
        planned.append(
            PlannedService(
                service.id,
                service.name,
                link.duration_minutes or service.duration_minutes,
                service.price if link.price is None else link.price,
            )
        )
    return planned


async def _require_working_time(
    session: AsyncSession,
    master: Master,
    starts_at: datetime,
    ends_at: datetime,
    *,
    except_visit: uuid.UUID | None = None,
) -> None:
    location = await session.get(Location, master.location_id)
    zone = await zone_of(session, location)
    day = starts_at.astimezone(zone).date()
    week = (await weeks_of(session, [master.id], day, day))[master.id]
    if not any(starts <= starts_at and ends_at <= ends for starts, ends in week.working(day, zone)):
        raise Invalid(
            "That time is outside %(master)s's working hours.", field="start", master=master.name
        )
    # Said before the database refuses, with the same words (the constraint still decides).
    if (await held_time(session, [master.id], starts_at, ends_at, except_visit=except_visit)).get(
        master.id
    ):
        raise _taken(master.name)


def _taken(master_name: str) -> Conflict:
    return Conflict("%(master)s is already booked at that time.", field="start", master=master_name)


def _check_start(starts_at: datetime, now: datetime) -> None:
    if starts_at.tzinfo is None:
        raise Invalid("Give the start with its time zone offset.", field="start")
    if starts_at < now - PAST_GRACE:
        raise Invalid("That time has already passed.", field="start")


def _lay_out(visit: Visit, planned: list[PlannedService]) -> list[VisitService]:
    lines, cursor = [], visit.starts_at
    for position, service in enumerate(planned):
        ends = cursor + timedelta(minutes=service.minutes)
        lines.append(
            VisitService(
                visit_id=visit.id,
                position=position,
                service_id=service.service_id,
                name=service.name,
                starts_at=cursor,
                ends_at=ends,
                price=service.price,
            )
        )
        cursor = ends
    return lines


async def _save_held_time(session: AsyncSession, master: Master) -> None:
    """Flush in a savepoint: a refusal by the no-overlap constraint becomes a 409. The
    master's name is read before: after the refusal the session must roll back before it
    loads anything (reading it then answered 500 to some of many requests for one slot)."""
    master_name = master.name
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as error:
        if NO_OVERLAP in str(error.orig):
            raise _taken(master_name) from None
        raise


async def book_visit(
    session: AsyncSession,
    *,
    master_id: uuid.UUID,
    starts_at: datetime,
    service_ids: list[uuid.UUID],
    contact_id: uuid.UUID,
    created_by: uuid.UUID | None = None,
    comment: str = "",
    source: str = "journal",
    to_call: bool = False,
    now: datetime | None = None,
) -> Visit:
    """Book the services in sequence with the master from ``starts_at``; 409 when taken.
    ``to_call``: booked online with the phone unconfirmed, the desk calls to confirm."""
    now = now or datetime.now(UTC)
    if len(comment.strip()) > COMMENT_LIMIT:
        raise Invalid(
            "A comment holds at most %(max)d characters.", field="comment", max=COMMENT_LIMIT
        )
    _check_start(starts_at, now)
    master = await _master(session, master_id)
    planned = await plan_services(session, master, service_ids)
    if await session.get(Contact, contact_id) is None:
        raise Invalid("There is no such client.", field="client_id")
    ends_at = starts_at + timedelta(minutes=sum(service.minutes for service in planned))
    await _require_working_time(session, master, starts_at, ends_at)
    visit = Visit(
        id=uuid.uuid4(),
        location_id=master.location_id,
        master_id=master.id,
        contact_id=contact_id,
        starts_at=starts_at,
        ends_at=ends_at,
        status="booked",
        source=source,
        to_call=to_call,
        comment=comment.strip(),
        subtotal=sum(service.price for service in planned),
        created_by=created_by,
    )
    session.add(visit)
    session.add_all(_lay_out(visit, planned))
    await _save_held_time(session, master)
    await reminders.plan_reminders(session, visit)
    await record_event(session, "salon.visit_booked", {"visit_id": str(visit.id)})
    return visit


async def visit_for_change(session: AsyncSession, visit_id: uuid.UUID) -> Visit:
    visit = await session.get(Visit, visit_id, with_for_update=True)
    if visit is None:
        raise NotFound("There is no such visit.")
    return visit


async def move_visit(
    session: AsyncSession,
    visit_id: uuid.UUID,
    *,
    starts_at: datetime,
    master_id: uuid.UUID | None = None,
    now: datetime | None = None,
) -> Visit:
    """Move a visit to another time (and master): its services keep their order and lengths
    (at the new master's own lengths and prices)."""
    now = now or datetime.now(UTC)
    visit = await visit_for_change(session, visit_id)
    if visit.status not in MOVABLE:
        raise Conflict("A visit that is %(status)s cannot be moved.", status=visit.status)
    _check_start(starts_at, now)
    master = await _master(session, master_id or visit.master_id)
    service_ids = list(
        await session.scalars(
            select(VisitService.service_id)
            .where(VisitService.visit_id == visit.id)
            .order_by(VisitService.position)
        )
    )
    if None in service_ids:
        raise Conflict("A service of this visit was deleted; book it again instead.")
    planned = await plan_services(session, master, service_ids)
    ends_at = starts_at + timedelta(minutes=sum(service.minutes for service in planned))
    await _require_working_time(session, master, starts_at, ends_at, except_visit=visit.id)
    location = await session.get(Location, master.location_id)
    visit.master_id, visit.location_id = master.id, location.id
    visit.starts_at, visit.ends_at = starts_at, ends_at
    visit.subtotal = sum(service.price for service in planned)
    visit.updated_at = now
    await session.execute(delete(VisitService).where(VisitService.visit_id == visit.id))
    session.add_all(_lay_out(visit, planned))
    await _save_held_time(session, master)
    await session.refresh(visit)
    await reminders.plan_reminders(session, visit)
    await record_event(session, "salon.visit_moved", {"visit_id": str(visit.id)})
    return visit


async def set_visit_status(
    session: AsyncSession, visit_id: uuid.UUID, status: str, *, now: datetime | None = None
) -> Visit:
    """Confirm, mark arrived or a no-show, cancel, or book again; "done" comes with checkout."""
    now = now or datetime.now(UTC)
    visit = await visit_for_change(session, visit_id)
    if status == visit.status:
        return visit
    if status not in NEXT_STATUSES.get(visit.status, set()):
        raise Conflict(
            "A visit that is %(status)s cannot become %(next)s.",
            field="status",
            status=visit.status,
            next=status,
        )
    if status == "no_show" and visit.starts_at > now:
        raise Conflict("A visit becomes a no-show only once its time has come.", field="status")
    if status == "booked" and visit.status == "no_show":
        # The time is held again: the database refuses if someone else took it meanwhile.
        visit.status = status
        master = await session.get(Master, visit.master_id)
        await _save_held_time(session, master)
    visit.status = status
    stamp = {"confirmed": "confirmed_at", "arrived": "arrived_at", "cancelled": "cancelled_at"}
    if status in stamp:
        setattr(visit, stamp[status], now)
    if status in ("confirmed", "arrived"):  # the desk reached the client, or she came
        visit.to_call = False
    visit.updated_at = now
    await session.flush()
    if status in ("cancelled", "no_show"):
        await reminders.drop_reminders(session, visit)
    await record_event(session, "salon.visit_status", {"visit_id": str(visit.id), "status": status})
    return visit


async def client_for_booking(
    session: AsyncSession,
    principal: Principal,
    *,
    first_name: str,
    last_name: str = "",
    phone: str,
    email: str = "",
) -> uuid.UUID:
    """The client with this phone, or a new one: a booking by phone never makes a duplicate."""
    if not phone.strip():
        raise Invalid("Give the client's phone.", field="client.phone")
    number = e164(phone, (await workspace_settings(session)).country, field="client.phone")
    known = await contacts_with(session, phones=[number], emails=[])
    if known:
        return known[0].id
    if not first_name.strip():
        raise Invalid("Give the client's name.", field="client.first_name")
    card = await create_contact(
        session,
        principal,
        ContactInput(
            first_name=first_name,
            last_name=last_name,
            phones=[(number, "mobile")],
            emails=[(email, "personal")] if email.strip() else None,
            source="salon booking",
        ),
        force=True,
    )
    return card.contact.id


def issue_manage_token(visit: Visit) -> str:
    """A secret for the client's link to cancel or move this visit; only its hash is kept."""
    token = secrets.token_urlsafe(24)
    visit.manage_token_hash = hash_token(token)
    return token


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def visit_by_token(session: AsyncSession, token: str) -> Visit:
    visit = await session.scalar(select(Visit).where(Visit.manage_token_hash == hash_token(token)))
    if visit is None:
        raise NotFound("This link is not valid any more.")
    return visit
