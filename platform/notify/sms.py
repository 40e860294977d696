"""SMS: segments as operators bill them, a per-workspace monthly quota, a provider interface
with an HTTP gateway adapter, and the delivery log.

Segments: text that fits the GSM 03.38 alphabet is 160 septets in one message or 153 per part
(characters of its extension table, such as € [ ], take two); anything else is UCS-2, 70
UTF-16 units in one message or 67 per part ("Привет" is UCS-2).
"""

import math
import uuid
from dataclasses import dataclass, field
from typing import Protocol

import gsm0338  # noqa: F401 - registers the "gsm03.38" codec
from sqlalchemy import Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.config import get_settings
from atrium.platform.crm.contacts.consent import marketing_allowed
from atrium.platform.crm.contacts.models import Contact
from atrium.platform.crm.segments.models import CampaignMessage
from atrium.platform.db.types import utcnow
from atrium.platform.errors import Invalid, LimitReached
from atrium.platform.events.handlers import dispatching_workspace, on_event
from atrium.platform.events.models import OutboxEvent
from atrium.platform.events.service import record_event
from atrium.platform.jobs import TenantJob, tenant_actor
from atrium.platform.jobs.context import job_context
from atrium.platform.notify.handover import Outcome, Refused, attempt, post_json, record
from atrium.platform.notify.models import SmsLog, SmsSettings
from atrium.platform.notify.quiet import quiet_until, send_when_quiet_ends
from atrium.platform.sealing import unseal
from atrium.platform.tenancy.entitlements import SMS, require_room
from atrium.platform.tenancy.service import workspace_entitlements, workspace_settings

GSM_SINGLE, GSM_PART, UCS2_SINGLE, UCS2_PART = 160, 153, 70, 67
MAX_SEGMENTS = 10
# A failed message gives its segments back; "unknown" (the worker died while handing it over)
# may have gone out, so it stays billed.
BILLED = ("queued", "sending", "sent", "delivered", "unknown")
# Kept, not sent: no gateway outside production (development, tests, a demo on a laptop).
OUTBOX = "outbox"


@dataclass(frozen=True)
class Segments:
    encoding: str  # gsm7 or ucs2
    units: int  # septets (GSM) or UTF-16 code units (UCS-2)
    count: int


def count_segments(text: str) -> Segments:
    try:
        units, encoding, single, part = len(text.encode("gsm03.38")), "gsm7", GSM_SINGLE, GSM_PART
    except UnicodeEncodeError:
        units = len(text.encode("utf-16-le")) // 2
        encoding, single, part = "ucs2", UCS2_SINGLE, UCS2_PART
    count = 1 if units <= single else math.ceil(units / part)
    return Segments(encoding, units, count)


class SmsProvider(Protocol):
    async def send(self, to: str, text: str, sender: str) -> str:
        """Hand the message over; the provider's id for it. Raises SmsRefused or Unreachable."""


class SmsRefused(Refused):
    """The gateway answered, and said no (bad number, no balance)."""


@dataclass(frozen=True)
class HttpGateway:
    """A generic HTTP gateway: POST {url} with a bearer token and {"to", "text", "from"};
    a 2xx answer with {"id": ...} accepts the message, a 4xx refuses it; 429 and 5xx are
    retried (after Retry-After, within the backoff limits). The URL is the workspace's: called
    through the outbound guard (loopback only with ``allow_loopback``)."""

    url: str
    token: str = field(repr=False)
    allow_loopback: bool = False
    timeout_s: float = 10.0

    async def send(self, to: str, text: str, sender: str) -> str:
        answer = await post_json(
            self.url,
            {"to": to, "text": text, "from": sender},
            what="SMS gateway",
            refused=SmsRefused,
            headers={"Authorization": f"Bearer {self.token}"},
            timeout_s=self.timeout_s,
            allow_loopback=self.allow_loopback,
        )
        return str(answer.get("id", ""))


async def segments_this_month(session: AsyncSession) -> int:
    used = await session.scalar(
        select(func.coalesce(func.sum(SmsLog.segments), 0)).where(
            SmsLog.status.in_(BILLED),
            SmsLog.created_at >= func.date_trunc("month", func.now()),
        )
    )
    return int(used or 0)


def sms_log_query() -> Select:
    """The workspace's SMS, for the log's pages."""
    return select(SmsLog)


async def record_delivery_report(
    session: AsyncSession, provider_id: str, status: str, replaces: tuple, error: str | None
) -> bool:
    """A gateway's report on a message it was handed: whether it matched one still waiting."""
    updated = await session.execute(
        update(SmsLog)
        .where(SmsLog.provider_id == provider_id, SmsLog.status.in_(replaces))
        .values(status=status, error=error)
    )
    return updated.rowcount > 0


async def queue_sms(
    session: AsyncSession, *, to: str, text: str, kind: str, effect_key: str | None = None
) -> SmsLog:
    """Log a message for sending after commit, counted against this month's quota."""
    text = text.strip()
    if not text:
        raise Invalid("An SMS needs some text.", field="text")
    segments = count_segments(text)
    if segments.count > MAX_SEGMENTS:
        raise Invalid(
            "The text needs %(count)s SMS segments; at most %(max)s are sent.",
            field="text",
            count=segments.count,
            max=MAX_SEGMENTS,
        )
    settings = await session.get(SmsSettings, 1, with_for_update=True)  # one quota check at a time
    if settings is None or not settings.gateway_url:
        if get_settings().is_production:
            raise Invalid("Set up an SMS gateway in the settings first.", field="to")
        return await _keep_in_outbox(session, to, text, kind, segments, effect_key)
    used = await segments_this_month(session)
    require_room(await workspace_entitlements(session), SMS, used=used, adding=segments.count)
    if used + segments.count > settings.monthly_quota:
        raise LimitReached(
            "This month's SMS quota (%(quota)s segments) would be exceeded: %(used)s used.",
            quota=settings.monthly_quota,
            used=used,
        )
    log = SmsLog(
        id=uuid.uuid4(),
        kind=kind,
        to_number=to,
        text=text,
        encoding=segments.encoding,
        segments=segments.count,
        effect_key=effect_key or f"sms:{uuid.uuid4()}",
    )
    session.add(log)
    await session.flush()
    # Handed to the gateway by a job once this commits (the outbox publishes the event).
    await record_event(session, "sms.queued", {"sms_id": str(log.id)})
    return log


async def sms_route(session: AsyncSession) -> str | None:
    """Where an SMS queued now goes: "gateway"; "outbox" (no gateway outside production: kept
    for the owners to read in the app, nothing sent or billed); None (nowhere)."""
    settings = await session.get(SmsSettings, 1)
    if settings is not None and settings.gateway_url:
        return "gateway"
    return None if get_settings().is_production else "outbox"


async def _keep_in_outbox(
    session: AsyncSession,
    to: str,
    text: str,
    kind: str,
    segments: Segments,
    effect_key: str | None,
) -> SmsLog:
    log = SmsLog(
        id=uuid.uuid4(),
        kind=kind,
        to_number=to,
        text=text,
        encoding=segments.encoding,
        segments=segments.count,
        status=OUTBOX,
        effect_key=effect_key or f"sms:{uuid.uuid4()}",
    )
    session.add(log)
    await session.flush()
    return log


@tenant_actor(name="notify.send_sms", max_retries=5, guarded=False)  # the queued state guards it
async def send_sms(job: TenantJob, sms_id: str) -> None:
    """Hand a queued SMS to the workspace's gateway; a provider's refusal is final, a network
    failure is retried with backoff."""
    async with job.transaction() as session:
        sms = await session.get(SmsLog, uuid.UUID(sms_id), with_for_update=True)
        if sms is None or sms.status != "queued":
            return  # sent, or being sent, by an earlier run
        if sms.kind == "campaign" and not await _campaign_consent_stands(session, sms):
            sms.status, sms.error = "failed", "The contact withdrew consent for SMS marketing."
            return
        if sms.kind != "manual":  # automated messages wait for the quiet hours to end
            ends = quiet_until(await workspace_settings(session))
            if ends is not None:
                send_when_quiet_ends(send_sms, job, ends, sms_id)
                return
        settings = await session.get(SmsSettings, 1)
        sms.status, sms.attempted_at = "sending", utcnow()
        to, text = sms.to_number, sms.text
    token = unseal(settings.token_sealed, job_context().secret_key) if settings else None
    if settings is None or token is None:
        outcome = Outcome("failed", "No usable SMS gateway (token sealed with another key?).")
    else:
        gateway = HttpGateway(
            settings.gateway_url, token, allow_loopback=job.settings.outbound_loopback
        )
        outcome = await attempt(lambda: gateway.send(to, text, settings.sender))
    await record(job, SmsLog, uuid.UUID(sms_id), outcome, provider_id=outcome.provider_id)


async def _campaign_consent_stands(session: AsyncSession, sms: SmsLog) -> bool:
    """A campaign SMS goes only while its contact still agrees to SMS marketing; else its
    campaign message is marked withdrawn."""
    message = await session.scalar(
        select(CampaignMessage).where(
            CampaignMessage.id == uuid.UUID(sms.effect_key.removeprefix("campaign:"))
        )
    )
    if message is None:
        return True
    allowed = select(Contact.id).where(Contact.id == message.contact_id, marketing_allowed("sms"))
    if await session.scalar(allowed) is not None:
        return True
    message.status, message.error = (
        "withdrawn",
        "The contact withdrew consent before the message went out.",
    )
    return False


@on_event("sms.queued")
async def _hand_over(session: AsyncSession, event: OutboxEvent) -> None:
    sms_id = event.payload["sms_id"]
    send_sms.send_with_options(
        args=(dispatching_workspace.get(), sms_id), idempotency_key=f"sms:{sms_id}"
    )
