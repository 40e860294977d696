"""Telegram as a channel to customers: the workspace's bot, a link a customer opens to tie
their chat to their card (/start <code>, signed), and messages sent by a retried job.

The bot's token is sealed at rest; the webhook is registered with a random secret Telegram
sends back in X-Telegram-Bot-Api-Secret-Token, kept only as its hash.
"""

import hashlib
import hmac
import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.tokens import new_token, same_hash, token_hash
from atrium.platform.crm.contacts.models import Contact
from atrium.platform.db import WorkspaceSchema
from atrium.platform.db.types import utcnow
from atrium.platform.errors import Invalid
from atrium.platform.events.handlers import dispatching_workspace, on_event
from atrium.platform.events.models import OutboxEvent
from atrium.platform.events.service import record_event
from atrium.platform.jobs import TenantJob, tenant_actor
from atrium.platform.jobs.context import job_context
from atrium.platform.notify.handover import (
    Outcome,
    Refused,
    Unreachable,
    attempt,
    post_json,
    record,
)
from atrium.platform.notify.models import TelegramLog, TelegramSettings
from atrium.platform.sealing import seal, unseal

SECRET_HEADER = "x-telegram-bot-api-secret-token"
# As BotFather gives them: the token 123456789:AA... (part of every Bot API URL), the username.
BOT_TOKEN = re.compile(r"[0-9]{1,20}:[A-Za-z0-9_-]{1,100}")
BOT_USERNAME = re.compile(r"@?[A-Za-z0-9_]{5,32}")


class TelegramRefused(Refused):
    """The Bot API answered ok=false for a reason retrying will not change."""


@dataclass(frozen=True)
class Bot:
    api_base: str
    token: str = field(repr=False)  # part of every Bot API URL: never in a message or a log
    timeout_s: float = 10.0

    async def call(self, method: str, **fields) -> dict:
        answer = await post_json(
            f"{self.api_base}/bot{self.token}/{method}",
            fields,
            what=f"Telegram {method}",
            refused=TelegramRefused,
            timeout_s=self.timeout_s,
        )
        return answer.get("result") or {}


def link_code(secret_key: str, schema: WorkspaceSchema, contact_id: uuid.UUID) -> str:
    """What /start carries for one contact: its id and a signature (64 characters at most)."""
    mac = hmac.new(secret_key.encode(), f"{schema.name}:{contact_id}".encode(), hashlib.sha256)
    return f"{contact_id.hex}-{mac.hexdigest()[:24]}"


def contact_of_code(secret_key: str, schema: WorkspaceSchema, code: str) -> uuid.UUID | None:
    raw_id, _, _ = code.partition("-")
    try:
        contact_id = uuid.UUID(hex=raw_id)
    except ValueError:
        return None
    expected = link_code(secret_key, schema, contact_id)
    return contact_id if hmac.compare_digest(expected, code) else None


def is_webhook_secret(sent: str, kept_hash: str) -> bool:
    return same_hash(token_hash(sent), bytes.fromhex(kept_hash))


async def configure_bot(
    session: AsyncSession,
    *,
    token: str,
    bot_username: str,
    webhook_url: str,
    api_base: str,
    secret_key: str,
) -> TelegramSettings:
    """Save the bot and point its webhook here (Telegram checks the token)."""
    webhook_secret = new_token(32)
    try:
        await Bot(api_base, token).call(
            "setWebhook", url=webhook_url, secret_token=webhook_secret, allowed_updates=["message"]
        )
    except (TelegramRefused, Unreachable) as error:  # their messages never hold the token
        raise Invalid(
            "Telegram did not accept the bot: %(why)s", field="token", why=str(error)[:200]
        ) from None
    settings = await session.get(TelegramSettings, 1, with_for_update=True)
    if settings is None:
        settings = TelegramSettings(id=1)
        session.add(settings)
    settings.bot_username = bot_username.lstrip("@")
    settings.token_sealed = seal(token, secret_key)
    settings.webhook_secret_hash = token_hash(webhook_secret).hex()
    settings.updated_at = utcnow()
    await session.flush()
    return settings


@dataclass(frozen=True)
class BotUpdate:
    """A message someone sent the workspace's bot, as a pack's handler reads it."""

    schema: WorkspaceSchema
    secret_key: str = field(repr=False)
    chat_id: int
    sender_id: int | None
    text: str
    # A shared contact (the "share my phone number" button): its number and whose it is.
    contact_phone: str | None = None
    contact_user_id: int | None = None


# async (tenant session, update) -> the Bot API call to answer with (Telegram makes the call
# given in the webhook's answer), or None when the update is not the handler's.
UpdateHandler = Callable[[AsyncSession, BotUpdate], Awaitable[dict | None]]
_update_handlers: list[UpdateHandler] = []


def on_update(handler: UpdateHandler) -> UpdateHandler:
    """Register a pack's handler of bot updates (the salon's booking confirmation); updates
    no handler takes are contact links (link_chat)."""
    _update_handlers.append(handler)
    return handler


def read_update(schema: WorkspaceSchema, secret_key: str, update_body: dict) -> BotUpdate | None:
    message = update_body.get("message") or {}
    chat, sender = message.get("chat") or {}, message.get("from") or {}
    if not isinstance(chat.get("id"), int):
        return None
    contact = message.get("contact") or {}
    return BotUpdate(
        schema=schema,
        secret_key=secret_key,
        chat_id=chat["id"],
        sender_id=sender.get("id") if isinstance(sender.get("id"), int) else None,
        text=str(message.get("text") or ""),
        contact_phone=str(contact["phone_number"]) if contact.get("phone_number") else None,
        contact_user_id=contact.get("user_id") if isinstance(contact.get("user_id"), int) else None,
    )


async def answer_update(
    session: AsyncSession, schema: WorkspaceSchema, secret_key: str, update_body: dict
) -> dict:
    """What the webhook answers Telegram: a pack's reply (a Bot API call Telegram makes), or
    whether the update linked a contact's chat."""
    found = read_update(schema, secret_key, update_body)
    if found is not None:
        for handler in _update_handlers:
            if (reply := await handler(session, found)) is not None:
                return reply
    return {"ok": True, "linked": await link_chat(session, schema, secret_key, update_body)}


async def link_chat(
    session: AsyncSession, schema: WorkspaceSchema, secret_key: str, update_body: dict
) -> bool:
    """A bot update: "/start <code>" ties the sender's chat to the contact; True when linked."""
    message = update_body.get("message") or {}
    text, chat = str(message.get("text") or ""), message.get("chat") or {}
    command, _, code = text.partition(" ")
    if command != "/start" or not isinstance(chat.get("id"), int):
        return False
    contact_id = contact_of_code(secret_key, schema, code.strip())
    if contact_id is None:
        return False
    linked = await session.execute(
        update(Contact).where(Contact.id == contact_id).values(telegram_chat_id=chat["id"])
    )
    return linked.rowcount == 1


async def queue_telegram(
    session: AsyncSession, contact: Contact, text: str, kind: str
) -> TelegramLog:
    if contact.telegram_chat_id is None:
        raise Invalid("This customer has not linked Telegram yet.", field="contact_id")
    return await queue_to_chat(session, contact.telegram_chat_id, text, kind, contact.id)


async def queue_to_chat(
    session: AsyncSession,
    chat_id: int,
    text: str,
    kind: str,
    contact_id: uuid.UUID | None = None,
) -> TelegramLog:
    """A message to a chat that wrote to the bot, sent by a job after commit."""
    text = text.strip()
    if not text or len(text) > 4096:
        raise Invalid("A Telegram message holds 1 to 4,096 characters.", field="text")
    entry = TelegramLog(
        id=uuid.uuid4(), kind=kind, contact_id=contact_id, chat_id=chat_id, text=text
    )
    session.add(entry)
    await session.flush()
    await record_event(session, "telegram.queued", {"message_id": str(entry.id)})
    return entry


@on_event("telegram.queued")
async def _hand_over(session: AsyncSession, event: OutboxEvent) -> None:
    message_id = event.payload["message_id"]
    send_telegram.send_with_options(
        args=(dispatching_workspace.get(), message_id), idempotency_key=f"telegram:{message_id}"
    )


@tenant_actor(name="notify.send_telegram", max_retries=5, guarded=False)  # as send_sms
async def send_telegram(job: TenantJob, message_id: str) -> None:
    async with job.transaction() as session:
        entry = await session.get(TelegramLog, uuid.UUID(message_id), with_for_update=True)
        if entry is None or entry.status != "queued":
            return
        settings = await session.get(TelegramSettings, 1)
        entry.status, entry.attempted_at = "sending", utcnow()
        chat_id, text = entry.chat_id, entry.text
    token = unseal(settings.token_sealed, job_context().secret_key) if settings else None
    if token is None:
        outcome = Outcome("failed", "No usable Telegram bot (token sealed with another key?).")
    else:
        bot = Bot(job.settings.telegram_api_base, token)

        async def send() -> str:
            sent = await bot.call("sendMessage", chat_id=chat_id, text=text)
            return str(sent.get("message_id", ""))

        outcome = await attempt(send)
    await record(job, TelegramLog, uuid.UUID(message_id), outcome)
