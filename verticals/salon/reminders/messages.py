"""What a reminder says, in the workspace's language: before a visit its services, master, day,
time and salon (and the salon's phone, to cancel or move); after one the service that is due
again and where to book it."""

from dataclasses import dataclass
from datetime import datetime

from babel.dates import format_date
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.verticals.salon.journal.schedule import zone_of
from atrium.verticals.salon.models import Location, Master, Reminder, Service, Visit, VisitService

WORDS = {
    "en": {
        "before": "Reminder: {services} with {master} {when} at {time}, {salon}{address}.",
        "before_subject": "{workspace}: your visit {when} at {time}",
        "call": " To cancel or move: {phone}",
        "rebook": "Time for your next {service} at {salon}",
        "rebook_subject": "{workspace}: time for your next {service}",
        # Plain GSM characters (no dash): an English SMS stays 160 characters a segment.
        "online": ". Book online: {link}",
        "by_phone": ". Book by phone: {phone}",
        "today": "today",
        "tomorrow": "tomorrow",
        "on": "on {date}",
        "date": "EEE d MMMM",
    },
    "ru": {
        "before": "Напоминаем о записи: {services}, мастер {master}, {when} в {time}, "
        "{salon}{address}.",
        "before_subject": "{workspace}: ваша запись {when} в {time}",
        "call": " Отменить или перенести: {phone}",
        "rebook": "Пора снова записаться: {service}, {salon}",
        "rebook_subject": "{workspace}: пора снова записаться — {service}",
        "online": ". Онлайн-запись: {link}",
        "by_phone": ". Запись по телефону {phone}",
        "today": "сегодня",
        "tomorrow": "завтра",
        "on": "{date}",
        "date": "d MMMM, EEE",
    },
}


@dataclass(frozen=True)
class Wording:
    subject: str  # the e-mail's subject
    text: str  # the SMS, the Telegram message and the e-mail's body


def _words(locale: str) -> dict[str, str]:
    return WORDS.get(locale, WORDS["en"])


async def reminder_wording(
    session: AsyncSession,
    reminder: Reminder,
    visit: Visit,
    *,
    locale: str,
    workspace: str,
    now: datetime,
    booking_base: str | None = None,  # <base url>/book/<workspace slug>, for "book again"
) -> Wording:
    location = await session.get(Location, visit.location_id)
    if reminder.kind == "rebook":
        return await _rebook(session, visit, location, locale, workspace, booking_base)
    return await _before(session, visit, location, locale, workspace, now)


async def _before(
    session: AsyncSession,
    visit: Visit,
    location: Location,
    locale: str,
    workspace: str,
    now: datetime,
) -> Wording:
    words = _words(locale)
    zone = await zone_of(session, location)
    master = await session.get(Master, visit.master_id)
    names = await session.scalars(
        select(VisitService.name)
        .where(VisitService.visit_id == visit.id)
        .order_by(VisitService.position)
    )
    starts = visit.starts_at.astimezone(zone)
    days = (starts.date() - now.astimezone(zone).date()).days
    if days == 0:
        when = words["today"]
    elif days == 1:
        when = words["tomorrow"]
    else:
        when = words["on"].format(date=format_date(starts.date(), words["date"], locale=locale))
    values = {
        "services": ", ".join(names),
        "master": master.name,
        "when": when,
        "time": starts.strftime("%H:%M"),
        "salon": location.name,
        "address": f", {location.address.strip()}" if location.address.strip() else "",
        "workspace": workspace,
    }
    text = words["before"].format(**values)
    if location.phone.strip():
        text += words["call"].format(phone=location.phone.strip())
    return Wording(words["before_subject"].format(**values), text)


async def due_service(session: AsyncSession, visit_id) -> str | None:
    """The name of the visit's service that is due again first (the shortest repeat)."""
    return await session.scalar(
        select(Service.name)
        .join(VisitService, VisitService.service_id == Service.id)
        .where(VisitService.visit_id == visit_id, Service.repeat_after_days.is_not(None))
        .order_by(Service.repeat_after_days, VisitService.position)
        .limit(1)
    )


async def _rebook(
    session: AsyncSession,
    visit: Visit,
    location: Location,
    locale: str,
    workspace: str,
    booking_base: str | None,
) -> Wording:
    words = _words(locale)
    values = {
        "service": await due_service(session, visit.id) or "",
        "salon": location.name,
        "workspace": workspace,
    }
    text = words["rebook"].format(**values)
    if booking_base and location.online_booking and location.archived_at is None:
        text += words["online"].format(link=f"{booking_base}/{location.slug}")
    elif location.phone.strip():
        text += words["by_phone"].format(phone=location.phone.strip())
    else:
        text += "."
    return Wording(words["rebook_subject"].format(**values), text)
