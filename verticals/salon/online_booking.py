"""Online booking by the salon's clients: what the public page offers (salons, services,
masters, free times), a booking confirmed by a code sent by SMS, and the client's own link to
cancel or move the visit.

Nothing here shows one client another's name, phone or visits: free times are times and a
master's id only. Codes are kept as an HMAC of the code (with the app's secret key), expire in
ten minutes and allow five wrong tries.
"""

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.crm.models import Contact
from atrium.platform.crm.normalize import e164
from atrium.platform.errors import Conflict, DomainError, Invalid, LimitReached, NotFound
from atrium.platform.notify.models import SmsSettings
from atrium.platform.notify.sms import queue_sms
from atrium.platform.tenancy.service import workspace_settings
from atrium.verticals.salon import booking
from atrium.verticals.salon.models import (
    BookingCode,
    Location,
    Master,
    MasterService,
    Service,
    Visit,
    VisitService,
)
from atrium.verticals.salon.schedule import location_zone
from atrium.verticals.salon.slots import Slot, free_slots

CODE_DIGITS = 6
CODE_LIFETIME = timedelta(minutes=10)
MAX_CODE_ATTEMPTS = 5
CHANGEABLE = booking.MOVABLE  # booked or confirmed: the client may still cancel or move it
MAX_NAME = 100

# SMS texts in the visitor's language (the workspace's by default).
CODE_SMS = {
    "en": "{code} is your code to book at {salon}. It is valid for 10 minutes.",
    "ru": "{code} — код для записи в {salon}. Действует 10 минут.",
}
BOOKED_SMS = {
    "en": "You are booked at {salon}: {when}, {services}. Cancel or change: {url}",
    "ru": "Вы записаны в {salon}: {when}, {services}. Отменить или перенести: {url}",
}

log = structlog.get_logger("atrium.salon")


class CodeRefused(Invalid):
    """A wrong code: the try it used up is counted (the caller commits, then answers 422)."""


# What the public page offers


async def bookable_locations(session: AsyncSession) -> list[Location]:
    """The salons taking online bookings, by name."""
    return list(
        await session.scalars(
            select(Location)
            .where(Location.archived_at.is_(None), Location.online_booking.is_(True))
            .order_by(Location.name, Location.id)
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
    return sorted(found.values(), key=lambda s: (s.category.lower(), s.name.lower(), str(s.id)))


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


async def sms_ready(session: AsyncSession) -> bool:
    settings = await session.get(SmsSettings, 1)
    return settings is not None and bool(settings.gateway_url)


def _no_sms(location: Location) -> Conflict:
    if not location.phone:
        return Conflict("This salon cannot confirm phones by SMS yet; please call the salon.")
    return Conflict(
        "This salon cannot confirm phones by SMS yet; please call %(phone)s.",
        phone=location.phone,
    )


# Booking with a code


@dataclass(frozen=True)
class BookingRequest:
    location_id: uuid.UUID
    service_ids: list[uuid.UUID]
    master_id: uuid.UUID | None
    start: datetime
    first_name: str
    last_name: str = ""
    phone: str = ""
    email: str = ""
    consent: bool = False
    locale: str = "en"


def code_hash(secret_key: str, request_id: uuid.UUID, code: str) -> str:
    message = f"salon-booking-code:{request_id}:{code}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()


def _checked_details(data: BookingRequest, country: str) -> tuple[str, str, str, str]:
    first, last, email = data.first_name.strip(), data.last_name.strip(), data.email.strip()
    if not first:
        raise Invalid("Give your name.", field="first_name")
    if len(first) > MAX_NAME or len(last) > MAX_NAME:
        raise Invalid("A name holds at most %(max)s characters.", field="first_name", max=100)
    if email and ("@" not in email or len(email) > 254 or " " in email):
        raise Invalid("This e-mail address does not look right.", field="email")
    if not data.phone.strip():
        raise Invalid("Give your phone number.", field="phone")
    return first, last, e164(data.phone, country, field="phone"), email


async def request_code(
    session: AsyncSession,
    data: BookingRequest,
    *,
    secret_key: str,
    reserve=None,
    now: datetime | None = None,
) -> tuple[uuid.UUID, str]:
    """Check the time is free and send a code by SMS to the phone; (request id, code).
    ``reserve(phone)`` counts the code against the sender's allowance (raises when spent)."""
    now = now or datetime.now(UTC)
    location = await bookable_location(session, location_id=data.location_id)
    if not data.service_ids:
        raise Invalid("Choose at least one service.", field="service_ids")
    if len(data.service_ids) > booking.MAX_SERVICES:
        raise Invalid("A visit holds at most %(max)s services.", field="service_ids", max=6)
    first, last, phone, email = _checked_details(data, (await workspace_settings(session)).country)
    await free_master_at(session, location, data.service_ids, data.master_id, data.start, now)
    if not await sms_ready(session):
        raise _no_sms(location)
    if reserve is not None:
        await reserve(phone)
    request_id, code = uuid.uuid4(), f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    session.add(
        BookingCode(
            id=request_id,
            phone=phone,
            code_hash=code_hash(secret_key, request_id, code),
            request={
                "location_id": str(location.id),
                "service_ids": [str(service_id) for service_id in data.service_ids],
                "master_id": str(data.master_id) if data.master_id else None,
                "start": data.start.astimezone(UTC).isoformat(),
                "first_name": first,
                "last_name": last,
                "email": email,
                "consent": bool(data.consent),
                "locale": data.locale,
            },
            expires_at=now + CODE_LIFETIME,
        )
    )
    text = CODE_SMS.get(data.locale, CODE_SMS["en"]).format(code=code, salon=location.name)
    try:
        await queue_sms(
            session, to=phone, text=text, kind="booking_code", effect_key=f"code:{request_id}"
        )
    except (LimitReached, Invalid):  # the month's SMS are spent, or the gateway went away
        raise _no_sms(location) from None
    return request_id, code


@dataclass
class Booked:
    visit: Visit
    token: str


async def _code_for_confirming(
    session: AsyncSession, request_id: uuid.UUID, code: str, secret_key: str, now: datetime
) -> BookingCode:
    found = await session.get(BookingCode, request_id, with_for_update=True)
    if found is None:
        raise NotFound("This booking request is unknown; please start again.")
    if found.used_at is not None:
        raise Conflict("This code was already used.", field="code")
    if found.expires_at <= now:
        raise Conflict("The code has expired; ask for a new one.", field="code")
    if found.attempts >= MAX_CODE_ATTEMPTS:
        raise Conflict("Too many wrong codes; ask for a new one.", field="code")
    expected = code_hash(secret_key, request_id, code.strip())
    if not hmac.compare_digest(expected, found.code_hash):
        found.attempts += 1
        await session.flush()
        raise CodeRefused("The code is wrong.", field="code")
    return found


async def confirm_code(
    session: AsyncSession,
    principal,
    request_id: uuid.UUID,
    code: str,
    *,
    secret_key: str,
    manage_url,
    now: datetime | None = None,
) -> Booked:
    """Book what the code's request asked for; ``principal`` (the workspace's owner) makes
    the client's card when the phone is new; ``manage_url(token)`` is the client's link."""
    now = now or datetime.now(UTC)
    found = await _code_for_confirming(session, request_id, code, secret_key, now)
    asked = found.request
    location = await bookable_location(session, location_id=uuid.UUID(asked["location_id"]))
    service_ids = [uuid.UUID(value) for value in asked["service_ids"]]
    starts_at = datetime.fromisoformat(asked["start"])
    wanted = uuid.UUID(asked["master_id"]) if asked.get("master_id") else None
    master_id = await free_master_at(session, location, service_ids, wanted, starts_at, now)
    contact_id = await booking.client_for_booking(
        session,
        principal,
        first_name=asked["first_name"],
        last_name=asked.get("last_name", ""),
        phone=found.phone,
        email=asked.get("email", ""),
    )
    if asked.get("consent"):
        await _agree_to_messages(session, contact_id, now)
    try:
        visit = await booking.book_visit(
            session,
            master_id=master_id,
            starts_at=starts_at,
            service_ids=service_ids,
            contact_id=contact_id,
            source="online",
            now=now,
        )
    except Conflict:
        raise Conflict(
            "That time is no longer free; please choose another.", field="start"
        ) from None
    found.used_at = now
    token = booking.issue_manage_token(visit)
    await session.flush()
    summary = await visit_summary(session, visit)
    await _tell_booked(session, summary, found.phone, asked.get("locale", "en"), manage_url(token))
    return Booked(visit, token)


async def _agree_to_messages(session: AsyncSession, contact_id: uuid.UUID, now: datetime) -> None:
    """The client ticked "send me news and offers": marketing consent, never taken away here."""
    contact = await session.get(Contact, contact_id, with_for_update=True)
    if contact is not None and not contact.marketing_consent:
        contact.marketing_consent = True
        contact.consent_at = now
        contact.consent_channel = "online booking"


async def _tell_booked(
    session: AsyncSession, summary: "VisitSummary", phone: str, locale: str, url: str
) -> None:
    when = summary.starts_at.astimezone(summary.zone).strftime("%d.%m %H:%M")
    text = BOOKED_SMS.get(locale, BOOKED_SMS["en"]).format(
        salon=summary.location.name,
        when=when,
        services=", ".join(line.name for line in summary.services),
        url=url,
    )
    try:
        await queue_sms(
            session,
            to=phone,
            text=text,
            kind="booking_confirmed",
            effect_key=f"booked:{summary.visit.id}",
        )
    except DomainError as refusal:  # the visit stands; the page shows the same link
        log.warning("booking_sms_refused", visit_id=str(summary.visit.id), reason=str(refusal))


# The client's own visit


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
