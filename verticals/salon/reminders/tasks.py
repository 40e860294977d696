"""Sending reminders: the scheduler's scan claims due rows with one UPDATE (two scans cannot both
claim one) and raises ``salon.reminder_due`` for those still worth sending; its handler sends each
on the first channel in the settings' order the client can be reached on. Reminders are service
messages: they need no marketing consent (the core has no opt-out for service messages); a "book
again" suggestion invites a new purchase, so it skips a channel the client unsubscribed from."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlalchemy import exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.crm.contacts.models import Contact, ContactEmail, ContactPhone
from atrium.platform.crm.demo.models import DemoRecord
from atrium.platform.db import WorkspaceSchema
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
from atrium.verticals.salon.models import (
    Reminder,
    Visit,
)
from atrium.verticals.salon.reminders.messages import reminder_wording
from atrium.verticals.salon.reminders.service import (
    BEFORE,
    LIVE,
    REBOOK,
    plan_rebook,
    settings_or_defaults,
)

log = structlog.get_logger("atrium.salon")

# Visits checked out this recently are looked at by the scan for a missing "book again".
RECENT_DONE = timedelta(days=2)

MAIL_KIND = "salon_reminder"


@on_event("salon.visit_done")
async def _visit_done(session: AsyncSession, event: OutboxEvent) -> None:
    await plan_rebook(session, visit_id=uuid.UUID(event.payload["visit_id"]))


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
    channels = (await settings_or_defaults(session)).reminder_channels
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
