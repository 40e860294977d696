"""Online booking by the salon's clients, the phone confirmed the salon's way (phone_check): a
code sent by SMS, the salon's Telegram bot (telegram), or not at all (the visit arrives
"to confirm by phone" and the desk calls).

Codes are kept as an HMAC of the code (with the app's secret key), expire in ten minutes and
allow five wrong tries.
"""

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.crm.contacts.models import Contact
from atrium.platform.crm.records.normalize import e164
from atrium.platform.errors import Conflict, DomainError, Invalid, LimitReached, NotFound
from atrium.platform.notify import telegram
from atrium.platform.notify.sms import queue_sms
from atrium.platform.tenancy.service import workspace_settings
from atrium.verticals.salon.journal import service as booking
from atrium.verticals.salon.models import BookingCode, Visit
from atrium.verticals.salon.online import phone_check
from atrium.verticals.salon.online import telegram as online_telegram
from atrium.verticals.salon.online.offer import bookable_location, free_master_at
from atrium.verticals.salon.online.visit import VisitSummary, visit_summary

CODE_DIGITS = 6
CODE_LIFETIME = timedelta(minutes=10)
MAX_CODE_ATTEMPTS = 5
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


@dataclass
class Booked:
    visit: Visit
    token: str


@dataclass
class Asked:
    """What asking to book did: a code went by SMS, a link to the salon's Telegram bot to
    open, or (``booked``) the visit is booked already, to confirm by phone."""

    confirm_by: str  # "sms", "telegram" or "none"
    request_id: uuid.UUID | None = None
    telegram_url: str | None = None
    booked: Booked | None = None


async def ask_to_book(
    session: AsyncSession,
    principal,
    data: BookingRequest,
    *,
    secret_key: str,
    reserve=None,
    now: datetime | None = None,
) -> Asked:
    """Check the time is free, then confirm the phone the salon's way (phone_check): a code
    by SMS, a link to the salon's Telegram bot, or none: booked now, to confirm by phone.
    ``reserve(phone)`` counts the request against the throttle (raises when spent);
    ``principal`` (the owner) makes a new client's card."""
    now = now or datetime.now(UTC)
    location = await bookable_location(session, location_id=data.location_id)
    if not data.service_ids:
        raise Invalid("Choose at least one service.", field="service_ids")
    if len(data.service_ids) > booking.MAX_SERVICES:
        raise Invalid("A visit holds at most %(max)s services.", field="service_ids", max=6)
    first, last, phone, email = _checked_details(data, (await workspace_settings(session)).country)
    await free_master_at(session, location, data.service_ids, data.master_id, data.start, now)
    if reserve is not None:
        await reserve(phone)
    asked = {
        "location_id": str(location.id),
        "service_ids": [str(service_id) for service_id in data.service_ids],
        "master_id": str(data.master_id) if data.master_id else None,
        "start": data.start.astimezone(UTC).isoformat(),
        "first_name": first,
        "last_name": last,
        "email": email,
        "consent": bool(data.consent),
        "locale": data.locale,
    }
    channel = await phone_check.channel_now(session)
    request_id, code = uuid.uuid4(), f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    if channel == "sms":
        text = CODE_SMS.get(data.locale, CODE_SMS["en"]).format(code=code, salon=location.name)
        try:
            await queue_sms(
                session, to=phone, text=text, kind="booking_code", effect_key=f"code:{request_id}"
            )
        except (LimitReached, Invalid) as refusal:  # the SMS are spent, or the gateway is gone
            log.warning("booking_code_not_sent", reason=str(refusal))
            channel = "none"
    if channel == "none":
        visit, token = await _book(session, principal, asked, phone, now=now, to_call=True)
        return Asked("none", booked=Booked(visit, token))
    session.add(
        BookingCode(
            id=request_id,
            phone=phone,
            code_hash=code_hash(secret_key, request_id, code),
            request={**asked, "confirm_by": channel, "salon": location.name},
            expires_at=now + CODE_LIFETIME,
        )
    )
    await session.flush()
    if channel == "telegram":
        url = await online_telegram.start_link(session, secret_key, request_id)
        return Asked(channel, request_id, telegram_url=url)
    return Asked(channel, request_id)


async def _code_for_confirming(
    session: AsyncSession, request_id: uuid.UUID, code: str, secret_key: str, now: datetime
) -> BookingCode:
    found = await session.get(BookingCode, request_id, with_for_update=True)
    if found is None or found.request.get("confirm_by", "sms") != "sms":
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
    visit, token = await _book(session, principal, asked, found.phone, now=now)
    found.used_at = now
    await session.flush()
    summary = await visit_summary(session, visit)
    await _tell_booked(session, summary, found.phone, asked.get("locale", "en"), manage_url(token))
    return Booked(visit, token)


async def finish_in_telegram(
    session: AsyncSession,
    principal,
    request_id: uuid.UUID,
    *,
    manage_url,
    now: datetime | None = None,
) -> Booked:
    """Book a request whose phone was confirmed in the salon's bot; the bot then sends the
    visit and its link to the chat, now tied to the client's card."""
    now = now or datetime.now(UTC)
    found = await online_telegram.confirmed_request(session, request_id)
    asked = found.request
    visit, token = await _book(session, principal, asked, found.phone, now=now)
    found.used_at = now
    chat_id = asked["confirmed_chat_id"]
    await online_telegram.link_client_chat(session, visit.contact_id, chat_id)
    await session.flush()
    summary = await visit_summary(session, visit)
    locale = asked.get("locale", "en")
    await telegram.queue_to_chat(
        session,
        chat_id,
        _booked_text(summary, locale, manage_url(token)),
        "booking_confirmed",
        visit.contact_id,
    )
    return Booked(visit, token)


async def _book(
    session: AsyncSession, principal, asked: dict, phone: str, *, now: datetime, to_call=False
) -> tuple[Visit, str]:
    """Book a request (its time checked free again) for the client with this phone; the visit
    and the client's manage token. ``to_call``: the phone is not confirmed."""
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
        phone=phone,
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
            to_call=to_call,
            now=now,
        )
    except Conflict:
        raise Conflict(
            "That time is no longer free; please choose another.", field="start"
        ) from None
    token = booking.issue_manage_token(visit)
    await session.flush()
    return visit, token


async def _agree_to_messages(session: AsyncSession, contact_id: uuid.UUID, now: datetime) -> None:
    """The client ticked "send me news and offers": marketing consent, never taken away here."""
    contact = await session.get(Contact, contact_id, with_for_update=True)
    if contact is not None and not contact.marketing_consent:
        contact.marketing_consent = True
        contact.consent_at = now
        contact.consent_channel = "online booking"


async def _tell_booked(
    session: AsyncSession, summary: VisitSummary, phone: str, locale: str, url: str
) -> None:
    text = _booked_text(summary, locale, url)
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


def _booked_text(summary: VisitSummary, locale: str, url: str) -> str:
    when = summary.starts_at.astimezone(summary.zone).strftime("%d.%m %H:%M")
    return BOOKED_SMS.get(locale, BOOKED_SMS["en"]).format(
        salon=summary.location.name,
        when=when,
        services=", ".join(line.name for line in summary.services),
        url=url,
    )
