"""Campaigns: one e-mail or SMS to a segment, only to customers who may get marketing on that
channel, personalised, tried on oneself first, sent at a set time, and counted afterwards
(sent, delivered, opened, clicked, unsubscribed, deals that followed).

Sending: the scheduler claims a due campaign (status scheduled -> sending) and raises
``campaign.started``; a job writes one message row per recipient (unique per campaign and
contact, so a second run adds no one) and hands each over: e-mail by a job per message (its
mail-log claim keeps it to one), SMS through the SMS log (quota, quiet hours, delivery reports).
"""

import hmac
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from html import escape, unescape
from typing import Any
from urllib.parse import quote

import structlog
from jinja2 import TemplateError
from sqlalchemy import Uuid, func, literal, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.accounts import checked_email
from atrium.platform.auth.principal import Principal
from atrium.platform.crm.contacts.consent import marketing_allowed
from atrium.platform.crm.contacts.models import Contact, ContactEmail, ContactPhone
from atrium.platform.crm.deals.models import Deal
from atrium.platform.crm.records.normalize import e164
from atrium.platform.crm.segments.models import CAMPAIGN_CHANNELS, Campaign, CampaignMessage
from atrium.platform.crm.segments.service import get_segment, members_query, segment_conditions
from atrium.platform.db import WorkspaceSchema
from atrium.platform.db.types import utcnow
from atrium.platform.errors import Conflict, Invalid, LimitReached, NotFound
from atrium.platform.events.handlers import dispatching_workspace, on_event
from atrium.platform.events.models import OutboxEvent
from atrium.platform.events.service import record_event
from atrium.platform.forms import column_limit
from atrium.platform.jobs import TenantJob, tenant_actor
from atrium.platform.jobs.context import job_context
from atrium.platform.notify.models import SmsLog, SmsSettings
from atrium.platform.notify.sms import count_segments, queue_sms
from atrium.platform.notify.unsubscribe import unsubscribe_url, with_sms_opt_out
from atrium.platform.notify.workspace_mail import claim_mail, deliver_mail, resends
from atrium.platform.tenancy.models import Tenant
from atrium.platform.tenancy.service import workspace_settings
from atrium.platform.user_templates import refusal, render, render_each

log = structlog.get_logger("atrium.notify")

CONVERSION_WINDOW = timedelta(days=30)  # a deal this soon after sending counts as its result
ESTIMATE_SAMPLE = 5000  # SMS lengths are worked out exactly up to this many recipients
SUBJECT_LIMIT = column_limit(Campaign.subject)
BODY_LIMIT = 20_000
SAMPLE = {"first_name": "Anna", "last_name": "Smirnova", "name": "Anna Smirnova"}
MESSAGE_COLUMNS = ["id", "campaign_id", "contact_id", "to_address", "token"]


@dataclass
class Estimate:
    recipients: int
    segments_each: int  # SMS: the longest message's segment count
    segments_total: int
    cost: Decimal  # SMS: at the gateway's price per segment (0 when not set)
    # SMS: why the text could not be counted (a body saved before the limits that no longer
    # renders): the page shows it beside the text, the API answers it as a 422.
    problem: Invalid | None = None


@dataclass
class Results:
    recipients: int
    sent: int
    delivered: int
    failed: int
    opened: int
    clicked: int
    unsubscribed: int
    deals: int
    revenue: Decimal


def _values(person, workspace: str) -> dict[str, str]:
    """What a message may use: {{ first_name }}, {{ last_name }}, {{ name }}, {{ workspace }}."""
    return {
        "first_name": person.first_name or "",
        "last_name": person.last_name or "",
        "name": person.display_name or "",
        "workspace": workspace,
    }


async def _render(source: str, values: dict, field: str) -> str:
    try:
        return await render(source, values)
    except TemplateError as error:
        raise refusal(error, field) from None


async def save_campaign(
    session: AsyncSession,
    principal: Principal,
    data: dict[str, Any],
    campaign_id: uuid.UUID | None = None,
) -> Campaign:
    principal.require("campaigns.send")
    campaign = await get_campaign(session, campaign_id) if campaign_id else None
    if campaign is not None and campaign.status != "draft":
        raise Conflict(
            "Only a draft can be changed; this one is %(status)s.", status=campaign.status
        )
    name = " ".join((data.get("name") or "").split())
    if not name or len(name) > 200:
        raise Invalid("A campaign needs a name of 1 to 200 characters.", field="name")
    channel = data.get("channel") or (campaign.channel if campaign else "")
    if channel not in CAMPAIGN_CHANNELS:
        raise Invalid("The channel is email or sms.", field="channel")
    segment_id = data.get("segment_id")
    if segment_id is None:
        raise Invalid("Choose who gets it: a segment.", field="segment_id")
    await get_segment(session, segment_id)
    subject = " ".join((data.get("subject") or "").split())
    body = (data.get("body") or "").strip()
    if channel == "email" and not subject:
        raise Invalid("An e-mail needs a subject.", field="subject")
    if len(subject) > SUBJECT_LIMIT:
        raise Invalid(
            "A subject holds at most %(max)d characters.", field="subject", max=SUBJECT_LIMIT
        )
    if not body or len(body) > BODY_LIMIT:
        raise Invalid("Write the message (up to 20,000 characters).", field="body")
    sample = {**SAMPLE, "workspace": "Salon"}
    await _render(subject, sample, "subject")
    await _render(body, sample, "body")
    if campaign is None:
        campaign = Campaign(created_by=principal.user_id)
        session.add(campaign)
    campaign.name, campaign.channel, campaign.segment_id = name, channel, segment_id
    campaign.subject, campaign.body, campaign.updated_at = subject, body, utcnow()
    await session.flush()
    return campaign


async def get_campaign(session: AsyncSession, campaign_id: uuid.UUID) -> Campaign:
    campaign = await session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound("No such campaign.")
    return campaign


async def list_campaigns(session: AsyncSession) -> list[Campaign]:
    return list(await session.scalars(select(Campaign).order_by(Campaign.created_at.desc())))


async def _audience(session: AsyncSession, campaign: Campaign):
    """(contact, address) of everyone the campaign may reach now: in its segment, agreed to
    marketing on its channel, with an address for it (the first one on the card)."""
    if campaign.segment_id is None:
        return select(Contact.id).where(False)
    conditions = await segment_conditions(session, campaign.segment_id)
    link = ContactEmail if campaign.channel == "email" else ContactPhone
    column = ContactEmail.address if campaign.channel == "email" else ContactPhone.number
    first = (
        select(column)
        .where(link.contact_id == Contact.id)
        .order_by(link.position)
        .limit(1)
        .scalar_subquery()
    )
    query = members_query(conditions).where(marketing_allowed(campaign.channel))
    return query.with_only_columns(
        Contact.id, first.label("address"), Contact.first_name, Contact.last_name,
        Contact.display_name,
    ).where(first.is_not(None))  # fmt: skip


async def estimate(session: AsyncSession, campaign: Campaign, opt_out_url: str) -> Estimate:
    """Recipients, and for SMS the segments and cost, opt-out line included (``opt_out_url``:
    unsubscribe.sample_sms_opt_out_url, as long as each contact's own link)."""
    audience = (await _audience(session, campaign)).subquery()
    recipients = int(await session.scalar(select(func.count()).select_from(audience)) or 0)
    if campaign.channel != "sms" or not recipients:
        return Estimate(recipients, 0, 0, Decimal("0"))
    workspace = await workspace_settings(session)
    rows = await session.execute(select(audience).limit(ESTIMATE_SAMPLE))
    try:
        texts = await render_each(campaign.body, [_values(row, workspace.name) for row in rows])
    except TemplateError as error:
        return Estimate(recipients, 0, 0, Decimal("0"), refusal(error, "body"))
    sent = [with_sms_opt_out(text, workspace.locale, opt_out_url) for text in texts]
    counts = [count_segments(text).count for text in sent]
    total = round(sum(counts) * recipients / len(counts))
    settings = await session.get(SmsSettings, 1)
    price = settings.segment_price if settings else Decimal("0")
    return Estimate(recipients, max(counts), total, (price * total).quantize(Decimal("0.01")))


async def schedule(
    session: AsyncSession, principal: Principal, campaign_id: uuid.UUID, at: datetime | None
) -> Campaign:
    principal.require("campaigns.send")
    campaign = await session.get(Campaign, campaign_id, with_for_update=True)
    if campaign is None:
        raise NotFound("No such campaign.")
    if campaign.status not in ("draft", "scheduled"):
        raise Conflict("This campaign is %(status)s already.", status=campaign.status)
    if at is not None and at.tzinfo is None:
        raise Invalid("The time needs its time zone.", field="scheduled_at")
    campaign.status, campaign.scheduled_at = "scheduled", at or utcnow()
    campaign.updated_at = utcnow()
    return campaign


async def cancel(session: AsyncSession, principal: Principal, campaign_id: uuid.UUID) -> Campaign:
    principal.require("campaigns.send")
    campaign = await session.get(Campaign, campaign_id, with_for_update=True)
    if campaign is None:
        raise NotFound("No such campaign.")
    if campaign.status != "scheduled":
        raise Conflict("Only a scheduled campaign can be called off; this one is %(status)s.",
                       status=campaign.status)  # fmt: skip
    campaign.status = "draft"
    return campaign


async def claim_due_campaigns(session: AsyncSession) -> int:
    """For the scheduler: campaigns whose time came start sending (once, whoever claims)."""
    started = await session.scalars(
        update(Campaign)
        .where(Campaign.status == "scheduled", Campaign.scheduled_at <= func.now())
        .values(status="sending", started_at=func.now())
        .returning(Campaign.id)
    )
    ids = started.all()
    for campaign_id in ids:
        await record_event(session, "campaign.started", {"campaign_id": str(campaign_id)})
    return len(ids)


@on_event("campaign.started")
async def _start(session: AsyncSession, event: OutboxEvent) -> None:
    schema, campaign_id = dispatching_workspace.get(), event.payload["campaign_id"]
    prepare_campaign.send_with_options(
        args=(schema, campaign_id), idempotency_key=f"campaign-prepare:{schema.name}:{campaign_id}"
    )


@tenant_actor(name="campaigns.prepare", max_retries=5)
async def prepare_campaign(job: TenantJob, campaign_id: str) -> None:
    """One message row per recipient, then each handed over (e-mail: its own job)."""
    async with job.db.shared_transaction() as shared:
        slug = await shared.scalar(select(Tenant.slug).where(Tenant.schema_name == job.schema.name))
    async with job.transaction() as session:
        campaign = await get_campaign(session, uuid.UUID(campaign_id))
        audience = (await _audience(session, campaign)).subquery()
        # A tracking token per message: opens and clicks only, so unguessable enough.
        token = func.md5(func.concat(func.random(), audience.c.id, func.clock_timestamp()))
        recipients = select(
            func.gen_random_uuid(), literal(campaign.id, Uuid), audience.c.id,
            audience.c.address, token,
        )  # fmt: skip
        await session.execute(
            insert(CampaignMessage)
            .from_select(MESSAGE_COLUMNS, recipients)
            .on_conflict_do_nothing(index_elements=["campaign_id", "contact_id"])
        )
        ids = list(
            await session.scalars(
                select(CampaignMessage.id).where(
                    CampaignMessage.campaign_id == campaign.id, CampaignMessage.status == "queued"
                )
            )
        )
        if campaign.channel == "sms":
            await _queue_sms(session, campaign, ids, _sms_opt_out_link(job, slug))
            campaign.finished_at = utcnow()
            campaign.status = "sent"
            return
    send_campaign_email.send_many(
        [((job.schema, str(message_id)), f"campaign-mail:{message_id}") for message_id in ids]
    )
    if not ids:
        await _finish_if_done(job, campaign_id)


def _sms_opt_out_link(job: TenantJob, slug: str):
    """A contact's SMS opt-out link (contact id -> url)."""
    base, secret_key = job.settings.base_url, job_context().secret_key
    return lambda contact_id: unsubscribe_url(base, slug, secret_key, job.schema, contact_id, "sms")


async def _queue_sms(
    session: AsyncSession, campaign: Campaign, ids: list[uuid.UUID], opt_out_link
) -> None:
    workspace = await workspace_settings(session)
    rows = await session.execute(
        select(CampaignMessage, Contact)
        .join(Contact, Contact.id == CampaignMessage.contact_id)
        .where(CampaignMessage.id.in_(ids))
    )
    for message, contact in rows:
        try:
            text = await render(campaign.body, _values(contact, workspace.name))
        except TemplateError as error:  # saved before today's limits: this message fails
            _unrendered(message, campaign, error)
            continue
        try:
            sms = await queue_sms(
                session,
                to=message.to_address,
                text=with_sms_opt_out(text, workspace.locale, opt_out_link(contact.id)),
                kind="campaign",
                effect_key=f"campaign:{message.id}",
            )
        except (Invalid, LimitReached) as refused:  # over the quota: the rest are not sent
            message.status, message.error = "failed", refused.detail[:500]
            continue
        message.sms_id, message.status, message.sent_at = sms.id, "sent", utcnow()


def _unrendered(message: CampaignMessage, campaign: Campaign, error: TemplateError) -> None:
    message.status, message.error = "failed", f"The message does not render: {error}"[:500]
    log.warning("campaign_message_unrendered", campaign_id=str(campaign.id), reason=str(error))


WITHDRAWN = "The contact withdrew consent before the message went out."


async def consent_stands(session: AsyncSession, contact_id: uuid.UUID, channel: str) -> bool:
    """Whether the contact still lets marketing reach them on ``channel`` (now, not when the
    campaign was queued)."""
    allowed = select(Contact.id).where(Contact.id == contact_id, marketing_allowed(channel))
    return await session.scalar(allowed) is not None


@resends("campaign")
def _resend_campaign_mail(schema: WorkspaceSchema, effect: str) -> None:
    message_id = effect.removeprefix("campaign:")
    send_campaign_email.send_with_options(
        args=(schema, message_id), idempotency_key=f"swept:{effect}"
    )


@tenant_actor(name="campaigns.send_email", max_retries=5, guarded=False)  # its mail claim
async def send_campaign_email(job: TenantJob, message_id: str) -> None:
    async with job.transaction() as session:
        message = await session.get(CampaignMessage, uuid.UUID(message_id))
        if message is None or message.status != "queued":
            return
        campaign = await session.get(Campaign, message.campaign_id)
        contact = await session.get(Contact, message.contact_id)
        settings = await workspace_settings(session)
        # Consent again at send time: it may have been withdrawn since the campaign was queued.
        if not await consent_stands(session, message.contact_id, "email"):
            message.status, message.error = "withdrawn", WITHDRAWN
    if message.status == "withdrawn":
        await _finish_if_done(job, str(message.campaign_id))
        return
    async with job.db.shared_transaction() as shared:
        slug = await shared.scalar(select(Tenant.slug).where(Tenant.schema_name == job.schema.name))
    base = job.settings.base_url
    unsubscribe = (
        unsubscribe_url(base, slug, job_context().secret_key, job.schema, contact.id, "email")
        + f"?m={message.token}"
    )
    values = _values(contact, settings.name)
    try:
        subject, text = await render(campaign.subject, values), await render(campaign.body, values)
    except TemplateError as error:
        async with job.transaction() as session:
            _unrendered(await session.get(CampaignMessage, message.id), campaign, error)
        await _finish_if_done(job, str(campaign.id))
        return
    text_full = f"{text}\n\n--\n{settings.name}\n{unsubscribe}"
    tracking = f"{base}/t/{slug}/{message.token}"
    html = _html(text, tracking, unsubscribe, settings.name, job_context().secret_key)
    async with job.transaction() as session:
        claimed = await claim_mail(
            session, f"campaign:{message_id}", "campaign", message.to_address, subject,
            settings.locale,
        )  # fmt: skip
    # A failure raises before the row is marked: the retry finds it queued and sends again.
    # No claim: an earlier run sent it (or is sending it) and died before marking the row.
    if claimed is not None:
        await deliver_mail(
            job, claimed, settings.name, message.to_address, subject, text_full, html,
            headers={"List-Unsubscribe": f"<{unsubscribe}>",
                     "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
        )  # fmt: skip
    async with job.transaction() as session:
        await session.execute(
            update(CampaignMessage)
            .where(CampaignMessage.id == uuid.UUID(message_id))
            .values(status="sent", sent_at=utcnow())
        )
    await _finish_if_done(job, str(campaign.id))


def link_signature(secret_key: str, token: str, url: str) -> str:
    """Click links are signed: the counter redirects only to what the message linked to."""
    return hmac.new(secret_key.encode(), f"{token}\n{url}".encode(), "sha256").hexdigest()[:20]


def _html(text: str, tracking: str, unsubscribe: str, workspace: str, secret_key: str) -> str:
    """The text as HTML: paragraphs, links through the click counter, an open pixel."""
    token = tracking.rsplit("/", 1)[1]

    def link(match: re.Match) -> str:
        shown = match.group(0)
        url = unescape(shown)
        signature = link_signature(secret_key, token, url)
        href = f"{tracking}/c?u={quote(url, safe='')}&s={signature}"
        return f'<a href="{escape(href)}">{shown}</a>'

    paragraphs = []
    for block in text.split("\n\n"):
        escaped = escape(block)
        linked = re.sub(r"https?://[^\s<]+", link, escaped)
        paragraphs.append(f"<p>{linked.replace(chr(10), '<br>')}</p>")
    return (
        '<!doctype html><html><body style="font-family: sans-serif; color: #1f2328">'
        + "".join(paragraphs)
        + f'<p style="color:#656d76;font-size:12px">{escape(workspace)} · '
        f'<a href="{escape(unsubscribe)}">Unsubscribe / Отписаться</a></p>'
        f'<img src="{escape(tracking)}/o.gif" width="1" height="1" alt=""></body></html>'
    )


async def _finish_if_done(job: TenantJob, campaign_id: str) -> None:
    async with job.transaction() as session:
        waiting = await session.scalar(
            select(func.count()).where(
                CampaignMessage.campaign_id == uuid.UUID(campaign_id),
                CampaignMessage.status == "queued",
            )
        )
        if not waiting:
            await session.execute(
                update(Campaign)
                .where(Campaign.id == uuid.UUID(campaign_id), Campaign.status == "sending")
                .values(status="sent", finished_at=utcnow())
            )


async def record_open(session: AsyncSession, token: str) -> None:
    await session.execute(
        update(CampaignMessage)
        .where(CampaignMessage.token == token, CampaignMessage.opened_at.is_(None))
        .values(opened_at=utcnow())
    )


async def record_click(session: AsyncSession, token: str) -> bool:
    """A click also means it was opened (images may be blocked); False for an unknown token."""
    message = await session.scalar(select(CampaignMessage).where(CampaignMessage.token == token))
    if message is None:
        return False
    now = utcnow()
    message.clicked_at = message.clicked_at or now
    message.opened_at = message.opened_at or now
    return True


async def record_unsubscribe(session: AsyncSession, token: str, contact_id: uuid.UUID) -> None:
    await session.execute(
        update(CampaignMessage)
        .where(
            CampaignMessage.token == token,
            CampaignMessage.contact_id == contact_id,
            CampaignMessage.unsubscribed_at.is_(None),
        )
        .values(unsubscribed_at=utcnow())
    )


async def results(session: AsyncSession, campaign: Campaign) -> Results:
    messages = select(CampaignMessage).where(CampaignMessage.campaign_id == campaign.id).subquery()
    row = (
        await session.execute(
            select(
                func.count(),
                func.count().filter(messages.c.status == "sent"),
                func.count().filter(messages.c.status == "failed"),
                func.count(messages.c.opened_at),
                func.count(messages.c.clicked_at),
                func.count(messages.c.unsubscribed_at),
            ).select_from(messages)
        )
    ).one()
    recipients, sent, failed, opened, clicked, unsubscribed = row
    if campaign.channel == "sms":
        delivered = await session.scalar(
            select(func.count()).where(
                SmsLog.id.in_(select(messages.c.sms_id)), SmsLog.status == "delivered"
            )
        )
    else:
        delivered = sent  # accepted by the mail server
    deals, revenue = (0, Decimal("0"))
    if campaign.started_at is not None:
        deals, revenue = (
            await session.execute(
                select(func.count(), func.coalesce(func.sum(Deal.amount), 0)).where(
                    Deal.contact_id.in_(select(messages.c.contact_id)),
                    Deal.created_at >= campaign.started_at,
                    Deal.created_at < campaign.started_at + CONVERSION_WINDOW,
                )
            )
        ).one()
    return Results(
        recipients, sent, int(delivered or 0), failed, opened, clicked, unsubscribed, deals,
        revenue,
    )  # fmt: skip


async def test_send(
    session: AsyncSession, principal: Principal, campaign: Campaign, to: str, opt_out_url: str
) -> None:
    """The message as a customer would get it, to the sender themself (e-mail or phone; an SMS
    ends with ``opt_out_url``, a sample link as long as a customer's)."""
    principal.require("campaigns.send")
    if campaign.channel == "sms":
        workspace = await workspace_settings(session)
        number = e164(to, workspace.country, field="to")
        person = _Person(principal.name or "", "", principal.name or principal.email)
        text = await _render(campaign.body, _values(person, workspace.name), "body")
        text = with_sms_opt_out(text, workspace.locale, opt_out_url)
        await queue_sms(session, to=number, text=text, kind="campaign_test")
        return
    address = checked_email(to)
    await record_event(
        session,
        "campaign.test_requested",
        {"campaign_id": str(campaign.id), "to": address, "name": principal.name or ""},
    )


@dataclass
class _Person:
    first_name: str
    last_name: str
    display_name: str


@on_event("campaign.test_requested")
async def _test_requested(session: AsyncSession, event: OutboxEvent) -> None:
    send_test_email.send_with_options(
        args=(dispatching_workspace.get(), event.payload["campaign_id"], event.payload["to"],
              event.payload["name"]),
        idempotency_key=f"campaign-test:{event.id}",
    )  # fmt: skip


@tenant_actor(name="campaigns.send_test", max_retries=3)
async def send_test_email(job: TenantJob, campaign_id: str, to: str, name: str) -> None:
    async with job.transaction() as session:
        campaign = await get_campaign(session, uuid.UUID(campaign_id))
        settings = await workspace_settings(session)
        values = _values(_Person(name, "", name), settings.name)
        try:
            subject = "[TEST] " + await render(campaign.subject, values)
            text = await render(campaign.body, values)
        except TemplateError as error:
            log.warning("campaign_test_unrendered", campaign_id=campaign_id, reason=str(error))
            return
        claimed = await claim_mail(
            session, f"campaign-test:{job.idempotency_key}", "campaign_test", to, subject,
            settings.locale,
        )  # fmt: skip
    if claimed is not None:
        html = _html(text, f"{job.settings.base_url}/t/-/test", "#", settings.name,
                     job_context().secret_key)  # fmt: skip
        await deliver_mail(job, claimed, settings.name, to, subject, text, html)
