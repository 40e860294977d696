"""Reminders before a visit and "book your next visit" suggestions after one.

A booked visit gets a ``before`` reminder for each of the salon settings' hours whose time is
still ahead; moving it plans them again from the new time (a reminder already sent about the old
time is dropped, so the client hears of the new one). A visit checked out with a service that is
repeated every so many days gets one ``rebook`` reminder, that many days (less a few) later.

The scheduler's scan claims due rows with one UPDATE (two scans cannot both claim one) and raises
``salon.reminder_due`` for those still worth sending; its handler sends each on the first channel
in the settings' order the client can be reached on. Reminders are service messages: they need no
marketing consent (the core has no opt-out for service messages); a "book again" suggestion
invites a new purchase, so it skips a channel the client unsubscribed from.
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import structlog
from sqlalchemy import and_, delete, exists, false, func, literal, not_, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.crm.models import Contact, ContactEmail, ContactPhone, DemoRecord
from atrium.platform.db import WorkspaceSchema
from atrium.platform.db.names import name_key_of
from atrium.platform.db.types import utcnow
from atrium.platform.errors import Invalid, LimitReached
from atrium.platform.events.handlers import dispatching_workspace, on_event
from atrium.platform.events.models import OutboxEvent
from atrium.platform.events.service import record_event
from atrium.platform.jobs import TenantJob, tenant_actor
from atrium.platform.jobs.context import job_context
from atrium.platform.notify.models import SmsSettings, TelegramSettings
from atrium.platform.notify.quiet import quiet_until
from atrium.platform.notify.sms import queue_sms
from atrium.platform.notify.telegram import queue_telegram
from atrium.platform.notify.workspace_mail import (
    claim_mail,
    deliver_mail,
    resends,
    reserve_mail,
    skip_mail,
)
from atrium.platform.tenancy.models import Tenant, WorkspaceSettings
from atrium.platform.tenancy.service import workspace_settings
from atrium.verticals.salon.catalog.service import salon_settings
from atrium.verticals.salon.models import (
    Reminder,
    SalonSettings,
    Service,
    Visit,
    VisitService,
)
from atrium.verticals.salon.reminders.messages import reminder_wording

log = structlog.get_logger("atrium.salon")

BEFORE, REBOOK = "before", "rebook"
LIVE = ("booked", "confirmed")  # visits that are still ahead and get reminders
# Visits checked out this recently are looked at by the scan for a missing "book again".
RECENT_DONE = timedelta(days=2)
MAIL_KIND = "salon_reminder"


def _column_default(name: str):
    return SalonSettings.__table__.c[name].default.arg


async def _settings_or_defaults(session: AsyncSession) -> SalonSettings:
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


# Planning


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
    early = (await _settings_or_defaults(session)).rebook_days_early
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


@on_event("salon.visit_done")
async def _visit_done(session: AsyncSession, event: OutboxEvent) -> None:
    await plan_rebook(session, visit_id=uuid.UUID(event.payload["visit_id"]))


# The scan


@dataclass(frozen=True)
class _Claimed:
    id: uuid.UUID
    visit_id: uuid.UUID
    kind: str
    offset_minutes: int


async def scan_due_work(session: AsyncSession, settings: WorkspaceSettings, now: datetime) -> int:
    """Claim the reminders that came due and raise ``salon.reminder_due`` for those still worth
    sending; how many were raised. During the workspace's quiet hours they wait unclaimed; once
    the hours end, a reminder about a visit that has started meanwhile is dropped."""
    await plan_rebook(session, done_since=now - RECENT_DONE)
    if quiet_until(settings, now) is not None:
        return 0
    rows = await session.execute(
        update(Reminder)
        .where(Reminder.claimed_at.is_(None), Reminder.due_at <= now)
        .values(claimed_at=now)
        .returning(Reminder.id, Reminder.visit_id, Reminder.kind, Reminder.offset_minutes)
    )
    claimed = [_Claimed(*row) for row in rows]
    if not claimed:
        return 0
    visits = {
        visit.id: visit
        for visit in await session.scalars(
            select(Visit).where(Visit.id.in_({row.visit_id for row in claimed}))
        )
    }
    raised = 0
    for reminder_id in await _worth_sending(session, claimed, visits, now):
        await record_event(session, "salon.reminder_due", {"reminder_id": str(reminder_id)})
        raised += 1
    return raised


async def _worth_sending(
    session: AsyncSession, claimed: list[_Claimed], visits: dict[uuid.UUID, Visit], now: datetime
) -> list[uuid.UUID]:
    """Of the claimed reminders, those to send: before a visit still ahead, only the nearest of
    its reminders (the others came due together, after quiet hours or an outage); "book again"
    unless the client has booked already or came back since."""
    nearest: dict[uuid.UUID, _Claimed] = {}
    chosen = []
    for row in claimed:
        visit = visits.get(row.visit_id)
        if visit is None:
            continue
        if row.kind == BEFORE:
            if visit.status in LIVE and visit.starts_at > now:
                best = nearest.get(visit.id)
                if best is None or row.offset_minutes < best.offset_minutes:
                    nearest[visit.id] = row
        elif visit.contact_id is not None and not await _came_back(session, visit, now):
            chosen.append(row.id)
    return [row.id for row in nearest.values()] + chosen


async def _came_back(session: AsyncSession, visit: Visit, now: datetime) -> bool:
    """Whether the client has a visit ahead, or a later checked-out one (which reminds itself)."""
    ahead = exists().where(
        Visit.contact_id == visit.contact_id,
        Visit.status.in_((*LIVE, "arrived")),
        Visit.ends_at > now,
    )
    later = exists().where(
        Visit.contact_id == visit.contact_id,
        Visit.status == "done",
        Visit.done_at > visit.done_at,
    )
    return bool(await session.scalar(select(ahead | later)))


# Sending


async def _first(session: AsyncSession, model, column, contact_id: uuid.UUID) -> str | None:
    return await session.scalar(
        select(column).where(model.contact_id == contact_id).order_by(model.position).limit(1)
    )


async def _booking_base(schema: WorkspaceSchema, db=None) -> str:
    """<base url>/book/<workspace slug>: the start of the salons' booking pages."""
    context = job_context()
    async with (db or context.db).shared_transaction() as shared:
        slug = await shared.scalar(select(Tenant.slug).where(Tenant.schema_name == schema.name))
    return f"{context.settings.base_url.rstrip('/')}/book/{slug}"


async def _sendable(session: AsyncSession, reminder: Reminder | None, now: datetime):
    """(visit, contact) when the reminder should still go out, else None."""
    if reminder is None:
        return None
    visit = await session.get(Visit, reminder.visit_id)
    if visit is None or visit.contact_id is None:
        return None
    if reminder.kind == BEFORE and (visit.status not in LIVE or visit.starts_at <= now):
        return None
    contact = await session.get(Contact, visit.contact_id)
    if contact is None:
        return None
    return visit, contact


async def _is_demo(session: AsyncSession, contact_id: uuid.UUID) -> bool:
    """Demo clients have made-up numbers and addresses: nobody is messaged on their behalf."""
    found = select(DemoRecord.record_id).where(
        DemoRecord.kind == "contact", DemoRecord.record_id == contact_id
    )
    return await session.scalar(found) is not None


@on_event("salon.reminder_due")
async def _send(session: AsyncSession, event: OutboxEvent) -> None:
    """Send a due reminder on the first channel the client can be reached on."""
    reminder_id = uuid.UUID(event.payload["reminder_id"])
    reminder = await session.get(Reminder, reminder_id, with_for_update=True)
    now = utcnow()
    found = await _sendable(session, reminder, now) if reminder and not reminder.channel else None
    if found is None:
        return
    visit, contact = found
    schema = dispatching_workspace.get()
    if await _is_demo(session, contact.id):
        log.info("salon_reminder_demo_client", tenant=schema.name, reminder_id=str(reminder_id))
        return
    settings = await workspace_settings(session)
    channels = (await _settings_or_defaults(session)).reminder_channels
    if reminder.kind == REBOOK:  # a suggestion to buy again: not where they unsubscribed
        channels = [c for c in channels if c not in (contact.marketing_opt_outs or [])]
    base = await _booking_base(schema) if reminder.kind == REBOOK else None
    wording = await reminder_wording(
        session, reminder, visit, locale=settings.locale, workspace=settings.name, now=now,
        booking_base=base,
    )  # fmt: skip
    for channel in channels:
        if await _try_channel(session, channel, contact, reminder, wording.text, schema):
            reminder.channel = channel
            return
    log.info("salon_reminder_not_reachable", tenant=schema.name, reminder_id=str(reminder_id))


async def _try_channel(
    session: AsyncSession,
    channel: str,
    contact: Contact,
    reminder: Reminder,
    text: str,
    schema: WorkspaceSchema,
) -> bool:
    """Queue the reminder on this channel if the client can be reached on it; whether it was."""
    if channel == "telegram":
        if contact.telegram_chat_id is None or await session.get(TelegramSettings, 1) is None:
            return False
        await queue_telegram(session, contact, text, kind=MAIL_KIND)
        return True
    if channel == "email":
        if not await _first(session, ContactEmail, ContactEmail.address, contact.id):
            return False
        # Kept with the event's dispatch: if Redis loses the job, the sweep finds it queued.
        await reserve_mail(session, f"salon-reminder:{reminder.id}", MAIL_KIND)
        _queue_mail(schema, str(reminder.id))
        return True
    if channel == "sms":
        phone = await _first(session, ContactPhone, ContactPhone.number, contact.id)
        gateway = await session.get(SmsSettings, 1)
        if not phone or gateway is None or not gateway.gateway_url:
            return False
        try:
            await queue_sms(
                session,
                to=phone,
                text=text,
                kind=MAIL_KIND,
                effect_key=f"salon-reminder:{reminder.id}",
            )
        except (LimitReached, Invalid):  # no quota left this month: try the next channel
            log.warning("salon_reminder_sms_refused", tenant=schema.name)
            return False
        return True
    return False


def _queue_mail(schema: WorkspaceSchema, reminder_id: str, key: str = "") -> None:
    send_reminder_mail.send_with_options(
        args=(schema, reminder_id),
        idempotency_key=key or f"salon-reminder-mail:{schema.name}:{reminder_id}",
    )


@resends(MAIL_KIND)
def _resend_mail(schema: WorkspaceSchema, effect: str) -> None:
    _queue_mail(schema, effect.removeprefix("salon-reminder:"), key=f"swept:{effect}")


@tenant_actor(name="salon.reminder_mail", max_retries=5, guarded=False)  # its mail claim guards it
async def send_reminder_mail(job: TenantJob, reminder_id: str) -> None:
    effect = f"salon-reminder:{reminder_id}"
    base = await _booking_base(job.schema, job.db)
    async with job.transaction() as session:
        reminder = await session.get(Reminder, uuid.UUID(reminder_id))
        now = utcnow()
        found = await _sendable(session, reminder, now)
        address = None
        if found is not None:
            address = await _first(session, ContactEmail, ContactEmail.address, found[1].id)
        if address is None:
            await skip_mail(session, effect, "The visit changed, or the client has no address.")
            return
        settings = await workspace_settings(session)
        wording = await reminder_wording(
            session, reminder, found[0], locale=settings.locale, workspace=settings.name,
            now=now, booking_base=base,
        )  # fmt: skip
        claimed = await claim_mail(
            session, effect, MAIL_KIND, address, wording.subject, settings.locale
        )
    if claimed is None:
        return
    await deliver_mail(job, claimed, settings.name, address, wording.subject, wording.text, "")


# The client card


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
