"""Birthday greetings: customers who agreed to marketing get one greeting a year, on their day
from the workspace's greeting hour (local time), by the first channel in the workspace's order
they can be reached on (a linked Telegram chat, an e-mail address, a mobile number with an SMS
gateway set up). A birthday on 29 February is greeted on 28 February in other years.

The scheduler claims today's birthdays by writing the year greeted on the contact (one UPDATE,
so two schedulers cannot both claim one) and records ``contact.birthday``; its handler queues
the message on the chosen channel, whose own log and claims keep it to one.
"""

import calendar
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import structlog
from jinja2 import TemplateError
from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.crm.contacts.consent import may_market
from atrium.platform.crm.contacts.models import Contact, ContactEmail, ContactPhone
from atrium.platform.db import WorkspaceSchema
from atrium.platform.errors import LimitReached
from atrium.platform.events.handlers import dispatching_workspace, on_event
from atrium.platform.events.models import OutboxEvent
from atrium.platform.events.service import record_event
from atrium.platform.jobs import TenantJob, tenant_actor
from atrium.platform.jobs.context import job_context
from atrium.platform.notify import templates
from atrium.platform.notify.models import SmsSettings, TelegramSettings
from atrium.platform.notify.sms import queue_sms
from atrium.platform.notify.telegram import queue_telegram
from atrium.platform.notify.unsubscribe import unsubscribe_url
from atrium.platform.notify.workspace_mail import (
    claim_mail,
    deliver_mail,
    resends,
    reserve_mail,
    skip_mail,
)
from atrium.platform.tenancy.models import Tenant, WorkspaceSettings
from atrium.platform.tenancy.service import BIRTHDAY_CHANNELS, workspace_settings

log = structlog.get_logger("atrium.notify")

CHANNELS = BIRTHDAY_CHANNELS  # the workspace setting names them


def birthdays_today(local: datetime) -> list[int]:
    """The ``birthday_md`` values (month * 100 + day) greeted on this local day."""
    days = [local.month * 100 + local.day]
    if (local.month, local.day) == (2, 28) and not calendar.isleap(local.year):
        days.append(229)
    return days


async def claim_birthdays(session: AsyncSession, settings: WorkspaceSettings, now: datetime) -> int:
    """Raise ``contact.birthday`` for every customer due a greeting now; how many."""
    if not settings.birthday_greetings:
        return 0
    local = now.astimezone(ZoneInfo(settings.timezone))
    if local.hour < settings.birthday_hour:
        return 0
    rows = await session.scalars(
        update(Contact)
        .where(
            Contact.birthday_md.in_(birthdays_today(local)),
            Contact.marketing_consent.is_(True),
            or_(Contact.birthday_greeted_in.is_(None), Contact.birthday_greeted_in < local.year),
        )
        .values(birthday_greeted_in=local.year)
        .returning(Contact.id)
    )
    claimed = rows.all()
    for contact_id in claimed:
        await record_event(
            session, "contact.birthday", {"contact_id": str(contact_id), "year": local.year}
        )
    return len(claimed)


async def _first(session: AsyncSession, model, column, contact_id: uuid.UUID) -> str | None:
    return await session.scalar(
        select(column).where(model.contact_id == contact_id).order_by(model.position).limit(1)
    )


def _values(contact: Contact, settings: WorkspaceSettings, unsubscribe: str = "") -> dict:
    name = contact.first_name or contact.display_name
    return {"name": name, "workspace": settings.name, "unsubscribe": unsubscribe}


@on_event("contact.birthday")
async def _greet(session: AsyncSession, event: OutboxEvent) -> None:
    contact = await session.get(Contact, uuid.UUID(event.payload["contact_id"]))
    if contact is None or not contact.marketing_consent:
        return
    settings = await workspace_settings(session)
    year, schema = event.payload["year"], dispatching_workspace.get()
    try:
        greeting = await templates.message(
            session, "birthday", settings.locale, _values(contact, settings)
        )
    except TemplateError as error:  # the workspace's wording, saved before today's limits
        log.warning("birthday_unrendered", tenant=schema.name, reason=str(error))
        return
    short = greeting.subject
    for channel in [c for c in settings.birthday_channels if may_market(contact, c)]:
        if channel == "telegram" and contact.telegram_chat_id is not None:
            if await session.get(TelegramSettings, 1) is not None:
                await queue_telegram(session, contact, short, kind="birthday")
                return
        elif channel == "email" and await _first(
            session, ContactEmail, ContactEmail.address, contact.id
        ):
            # Kept with the event's dispatch: if Redis loses the job, the sweep finds it queued.
            await reserve_mail(session, f"birthday:{contact.id}:{year}", "birthday")
            _queue_greeting(schema, str(contact.id), year)
            return
        elif channel == "sms":
            phone = await _first(session, ContactPhone, ContactPhone.number, contact.id)
            gateway = await session.get(SmsSettings, 1)
            if phone and gateway is not None and gateway.gateway_url:
                try:
                    await queue_sms(
                        session,
                        to=phone,
                        text=short,
                        kind="birthday",
                        effect_key=f"birthday:{contact.id}:{year}",
                    )
                    return
                except LimitReached:  # no quota left this month: try the next channel
                    log.warning("birthday_sms_over_quota", tenant=schema.name)
    log.info("birthday_not_reachable", tenant=schema.name, contact_id=str(contact.id))


def _queue_greeting(schema: WorkspaceSchema, contact_id: str, year: int, key: str = "") -> None:
    greet_by_mail.send_with_options(
        args=(schema, contact_id, year),
        idempotency_key=key or f"birthday-mail:{schema.name}:{contact_id}:{year}",
    )


@resends("birthday")
def _resend_greeting(schema: WorkspaceSchema, effect: str) -> None:
    _, contact_id, year = effect.split(":")
    _queue_greeting(schema, contact_id, int(year), key=f"swept:{effect}")


@tenant_actor(name="notify.birthday_mail", max_retries=5, guarded=False)  # its mail claim guards it
async def greet_by_mail(job: TenantJob, contact_id: str, year: int) -> None:
    async with job.transaction() as session:
        contact = await session.get(Contact, uuid.UUID(contact_id))
        address = None
        if contact is not None and may_market(contact, "email"):
            address = await _first(session, ContactEmail, ContactEmail.address, contact.id)
        if address is None:
            await skip_mail(session, f"birthday:{contact_id}:{year}", "No consent or address.")
            return
        settings = await workspace_settings(session)
    async with job.db.shared_transaction() as shared:
        slug = await shared.scalar(select(Tenant.slug).where(Tenant.schema_name == job.schema.name))
    secret_key = job_context().secret_key
    unsubscribe = unsubscribe_url(
        job.settings.base_url, slug, secret_key, job.schema, contact.id, "email"
    )
    async with job.transaction() as session:
        try:
            rendered = await templates.message(
                session, "birthday", settings.locale, _values(contact, settings, unsubscribe)
            )
        except TemplateError as error:
            log.warning("birthday_unrendered", tenant=job.schema.name, reason=str(error))
            effect = f"birthday:{contact_id}:{year}"
            await skip_mail(session, effect, f"The greeting's template does not render: {error}")
            return
        claimed = await claim_mail(
            session,
            f"birthday:{contact_id}:{year}",
            "birthday",
            address,
            rendered.subject,
            settings.locale,
        )
    if claimed is None:
        return
    await deliver_mail(
        job,
        claimed,
        settings.name,
        address,
        rendered.subject,
        rendered.text,
        rendered.html,
        # RFC 2369 and RFC 8058: the mail client's own unsubscribe button, one click.
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
