"""Reminders before a visit and "book your next visit" suggestions after one: planning them,
and what a client card suggests. Sending them is the jobs' part (tasks).

A booked visit gets a ``before`` reminder for each of the salon settings' hours whose time is
still ahead; moving it plans them again from the new time (a reminder already sent about the old
time is dropped, so the client hears of the new one). A visit checked out with a service that is
repeated every so many days gets one ``rebook`` reminder, that many days (less a few) later.
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, delete, exists, false, func, literal, not_, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.db.names import name_key_of
from atrium.platform.db.types import utcnow
from atrium.platform.tenancy.service import workspace_settings
from atrium.verticals.salon.catalog.service import salon_settings
from atrium.verticals.salon.models import (
    Reminder,
    SalonSettings,
    Service,
    Visit,
    VisitService,
)

BEFORE, REBOOK = "before", "rebook"

LIVE = ("booked", "confirmed")  # visits that are still ahead and get reminders


def _column_default(name: str):
    return SalonSettings.__table__.c[name].default.arg


async def settings_or_defaults(session: AsyncSession) -> SalonSettings:
    """The settings row, or its defaults without writing one (the scan runs every 15 s in every
    workspace, salon or not)."""
    found = await session.get(SalonSettings, 1)
    if found is not None:
        return found
    return SalonSettings(
        id=1,
        reminder_hours=_column_default("reminder_hours")(None),
        reminder_channels=_column_default("reminder_channels")(None),
        rebook_days_early=_column_default("rebook_days_early"),
    )


async def plan_reminders(
    session: AsyncSession, visit: Visit, *, now: datetime | None = None
) -> None:
    """Plan (again) the reminders of a booked or moved visit: one per configured hour whose time
    is still ahead. A reminder already sent for this very start stays and is not sent again."""
    if visit.status not in LIVE:
        await drop_reminders(session, visit)
        return
    now = now or utcnow()
    # The row is in the session after the first booking of a request: no second round trip.
    settings = await session.get(SalonSettings, 1) or await salon_settings(session)
    planned = {
        hour * 60: visit.starts_at - timedelta(hours=hour) for hour in settings.reminder_hours
    }
    same_time = [
        and_(Reminder.offset_minutes == offset, Reminder.due_at == due)
        for offset, due in planned.items()
    ]
    await session.execute(
        delete(Reminder).where(
            Reminder.visit_id == visit.id,
            Reminder.kind == BEFORE,
            or_(Reminder.claimed_at.is_(None), not_(or_(false(), *same_time))),
        )
    )
    rows = [
        {"id": uuid.uuid4(), "visit_id": visit.id, "kind": BEFORE, "offset_minutes": offset,
         "due_at": due}
        for offset, due in planned.items()
        if due > now
    ]  # fmt: skip
    if rows:
        await session.execute(
            insert(Reminder)
            .values(rows)
            .on_conflict_do_nothing(index_elements=["visit_id", "kind", "offset_minutes"])
        )


async def drop_reminders(session: AsyncSession, visit: Visit) -> None:
    """A cancelled visit or a no-show gets no more reminders."""
    await session.execute(
        delete(Reminder).where(
            Reminder.visit_id == visit.id, Reminder.kind == BEFORE, Reminder.claimed_at.is_(None)
        )
    )


async def plan_rebook(
    session: AsyncSession, *, visit_id: uuid.UUID | None = None, done_since: datetime | None = None
) -> int:
    """A "book again" reminder for checked-out visits (one, or those done since) with a repeated
    service: due the shortest repeat interval after, less the settings' days early (at least a
    day). A visit gets one, however often this runs; how many were added."""
    early = (await settings_or_defaults(session)).rebook_days_early
    days = func.greatest(func.min(Service.repeat_after_days) - early, 1)
    found = (
        select(
            func.gen_random_uuid(),
            Visit.id,
            literal(REBOOK),
            literal(0),
            Visit.done_at + func.make_interval(0, 0, 0, days),
        )
        .join(VisitService, VisitService.visit_id == Visit.id)
        .join(Service, Service.id == VisitService.service_id)
        .where(
            Visit.status == "done",
            Visit.done_at.is_not(None),
            Visit.contact_id.is_not(None),
            Service.repeat_after_days.is_not(None),
        )
        .group_by(Visit.id, Visit.done_at)
    )
    if visit_id is not None:
        found = found.where(Visit.id == visit_id)
    if done_since is not None:
        found = found.where(
            Visit.done_at >= done_since,
            ~exists().where(Reminder.visit_id == Visit.id, Reminder.kind == REBOOK),
        )
    added = await session.execute(
        insert(Reminder)
        .from_select(["id", "visit_id", "kind", "offset_minutes", "due_at"], found)
        .on_conflict_do_nothing(index_elements=["visit_id", "kind", "offset_minutes"])
    )
    return added.rowcount or 0


@dataclass(frozen=True)
class Suggestion:
    service_id: uuid.UUID
    name: str
    last_done: date
    next_on: date  # when the service is due again


async def suggestions(session: AsyncSession, contact_id: uuid.UUID) -> list[Suggestion]:
    """When each repeated service the client had is due again, soonest first."""
    rows = await session.execute(
        select(Service.id, Service.name, Service.repeat_after_days, func.max(Visit.done_at))
        .join(VisitService, VisitService.service_id == Service.id)
        .join(Visit, Visit.id == VisitService.visit_id)
        .where(
            Visit.contact_id == contact_id,
            Visit.status == "done",
            Visit.done_at.is_not(None),
            Service.repeat_after_days.is_not(None),
            Service.archived_at.is_(None),
        )
        .group_by(Service.id, Service.name, Service.repeat_after_days)
    )
    zone = ZoneInfo((await workspace_settings(session)).timezone)
    found = []
    for service_id, name, repeat, last in rows:
        last_day = last.astimezone(zone).date()
        found.append(Suggestion(service_id, name, last_day, last_day + timedelta(days=repeat)))
    return sorted(found, key=lambda suggestion: (suggestion.next_on, name_key_of(suggestion.name)))
