"""The workspace's messaging: its SMS gateway saved (the token sealed, never shown back), and
its outbox, every SMS, Telegram message and e-mail it sent or kept, newest first.

Without a gateway outside production SMS stay in the outbox (sms.OUTBOX) and without SMTP_URL
e-mail is only logged; the outbox page is where owners read them."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.db.types import utcnow
from atrium.platform.errors import Invalid
from atrium.platform.forms import column_limit
from atrium.platform.http.outbound import OutboundRefused, check_destination
from atrium.platform.notify import sms
from atrium.platform.notify.models import (
    MailLog,
    SmsLog,
    SmsSettings,
    TelegramLog,
    TelegramSettings,
)
from atrium.platform.sealing import seal

MAX_SENDER = 20
MAX_URL = 500
# What the settings page's inputs hold at most (the same rules as the saves below).
FIELD_LIMITS = {
    "gateway_url": MAX_URL,
    "sender": MAX_SENDER,
    "bot_username": column_limit(TelegramSettings.bot_username),
}


async def save_sms_gateway(
    session: AsyncSession,
    *,
    gateway_url: str,
    sender: str,
    monthly_quota: int,
    token: str | None,
    secret_key: str,
    allow_loopback: bool,
) -> SmsSettings:
    """Save the gateway; ``token`` None keeps the saved one (an empty one is refused). Its URL
    must lead outside our network (checked again at every send: DNS may change)."""
    gateway_url, sender = gateway_url.strip(), sender.strip()
    await _check_gateway_url(gateway_url, allow_loopback)
    if len(sender) > MAX_SENDER:
        raise Invalid(
            "The sender name holds at most %(max)s characters.", field="sender", max=MAX_SENDER
        )
    if not 0 <= monthly_quota <= 10_000_000:
        raise Invalid("The monthly limit is a number from 0 to 10,000,000.", field="monthly_quota")
    row = await session.get(SmsSettings, 1, with_for_update=True)
    if token is not None and not token.strip():
        # The token also authenticates the gateway's delivery reports: never empty.
        raise Invalid(
            "The gateway token cannot be empty; leave it out to keep the saved one.",
            field="token",
        )
    if row is None:
        row = SmsSettings(id=1)
        session.add(row)
    row.gateway_url, row.sender, row.monthly_quota = gateway_url, sender, monthly_quota
    if token is not None:
        row.token_sealed = seal(token.strip(), secret_key)
    row.updated_at = utcnow()
    await session.flush()
    return row


async def _check_gateway_url(url: str, allow_loopback: bool) -> None:
    if len(url) > MAX_URL:
        raise Invalid("The gateway URL starts with https://.", field="gateway_url")
    try:  # a host that cannot be found now is let through: it is checked at every send
        await check_destination(url, allow_loopback=allow_loopback, resolved=False)
    except OutboundRefused as refused:
        if refused.reason == "scheme":
            raise Invalid("The gateway URL starts with https://.", field="gateway_url") from None
        if refused.reason == "internal":
            raise Invalid(
                "The gateway address leads inside our network (%(address)s): give the gateway's "
                "public address.",
                field="gateway_url",
                address=refused.address,
            ) from None
        raise Invalid(
            "The gateway address is not a web address such as https://sms.example.com/send.",
            field="gateway_url",
        ) from None


@dataclass(frozen=True)
class Outgoing:
    """One message in the outbox, whatever its channel."""

    channel: str  # sms, telegram, email
    id: str
    to: str
    text: str  # the SMS or Telegram text; an e-mail's subject (its body is not kept)
    status: str
    error: str
    created_at: datetime


async def outbox(session: AsyncSession, limit: int = 100) -> list[Outgoing]:
    """The workspace's latest messages on every channel, newest first."""
    found: list[Outgoing] = []
    sms = select(SmsLog).order_by(SmsLog.created_at.desc()).limit(limit)
    for row in await session.scalars(sms):
        found.append(
            Outgoing("sms", str(row.id), row.to_number, row.text, row.status, row.error,
                     row.created_at)
        )  # fmt: skip
    telegram = select(TelegramLog).order_by(TelegramLog.created_at.desc()).limit(limit)
    for row in await session.scalars(telegram):
        found.append(
            Outgoing("telegram", str(row.id), str(row.chat_id), row.text, row.status, row.error,
                     row.created_at)
        )  # fmt: skip
    for row in await session.scalars(select(MailLog).order_by(MailLog.id.desc()).limit(limit)):
        found.append(
            Outgoing("email", str(row.id), row.to_address, row.subject, row.status,
                     row.last_error, row.created_at)
        )  # fmt: skip
    found.sort(key=lambda one: (one.created_at, one.id), reverse=True)
    return found[:limit]


@dataclass(frozen=True)
class Channels:
    """What the messaging settings page shows: never a token, only whether one is saved."""

    gateway_url: str
    sender: str
    monthly_quota: int
    has_token: bool
    used_this_month: int  # segments
    bot_username: str  # "" without a bot
    sms_route: str | None  # gateway, outbox (kept, not sent) or None


async def channels(session: AsyncSession) -> Channels:
    gateway = await session.get(SmsSettings, 1)
    bot = await session.get(TelegramSettings, 1)
    return Channels(
        gateway_url=gateway.gateway_url if gateway else "",
        sender=gateway.sender if gateway else "",
        monthly_quota=gateway.monthly_quota if gateway else 1000,
        has_token=bool(gateway and gateway.token_sealed),
        used_this_month=await sms.segments_this_month(session),
        bot_username=bot.bot_username if bot else "",
        sms_route=await sms.sms_route(session),
    )
