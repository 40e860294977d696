"""/api/v1/settings/telegram, a contact's Telegram link and messages, and the bot's webhook."""

import uuid
from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Request, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.crm.contacts.cards import contact_card
from atrium.platform.errors import Forbidden, NotFound
from atrium.platform.http.auth import database, requires
from atrium.platform.notify import telegram
from atrium.platform.notify.api import DEPENDENCIES
from atrium.platform.notify.models import TelegramSettings
from atrium.platform.tenancy.service import ready_workspace


class TelegramSettingsIn(msgspec.Struct, forbid_unknown_fields=True):
    # As BotFather gives it: 123456789:AA... (it becomes part of the Bot API's URL).
    token: Annotated[str, msgspec.Meta(pattern=r"^[0-9]{1,20}:[A-Za-z0-9_-]{1,100}$")]
    bot_username: Annotated[str, msgspec.Meta(pattern=r"^@?[A-Za-z0-9_]{5,32}$")]


class TelegramSettingsOut(msgspec.Struct):
    bot_username: str
    configured: bool


class TelegramLinkOut(msgspec.Struct):
    url: str  # for the customer: opening it in Telegram links their chat to this card
    linked: bool


class TelegramMessageIn(msgspec.Struct, forbid_unknown_fields=True):
    text: Annotated[str, msgspec.Meta(max_length=4096)]


class TelegramMessageOut(msgspec.Struct):
    id: uuid.UUID
    status: str
    created_at: datetime


@get("/settings/telegram", guards=[requires("workspace.read")], dependencies=DEPENDENCIES,
     tags=["Telegram"])  # fmt: skip
async def show_settings(session: NamedDependency[AsyncSession]) -> TelegramSettingsOut:
    found = await session.get(TelegramSettings, 1)
    return TelegramSettingsOut(found.bot_username if found else "", found is not None)


@put("/settings/telegram", guards=[requires("workspace.update")], dependencies=DEPENDENCIES,
     tags=["Telegram"], summary="Save the bot and register its webhook with Telegram")  # fmt: skip
async def change_settings(
    request: Request,
    principal: NamedDependency[Principal],
    session: NamedDependency[AsyncSession],
    data: JSONBody[TelegramSettingsIn],
) -> TelegramSettingsOut:
    settings = request.app.state.settings
    saved = await telegram.configure_bot(
        session,
        token=data.token,
        bot_username=data.bot_username,
        webhook_url=f"{settings.base_url}/webhooks/telegram/{principal.workspace.slug}",
        api_base=settings.telegram_api_base,
        secret_key=request.app.state.runtime.secret_key,
    )
    return TelegramSettingsOut(saved.bot_username, True)


@get("/contacts/{contact_id:uuid}/telegram-link", guards=[requires("crm.read")],
     dependencies=DEPENDENCIES, tags=["Telegram"])  # fmt: skip
async def telegram_link(
    request: Request,
    principal: NamedDependency[Principal],
    session: NamedDependency[AsyncSession],
    contact_id: FromPath[uuid.UUID],
) -> TelegramLinkOut:
    card = await contact_card(session, principal, contact_id)
    bot = await session.get(TelegramSettings, 1)
    if bot is None:
        raise NotFound("This workspace has no Telegram bot yet.")
    code = telegram.link_code(
        request.app.state.runtime.secret_key, principal.workspace.schema, contact_id
    )
    return TelegramLinkOut(
        f"https://t.me/{bot.bot_username}?start={code}", card.contact.telegram_chat_id is not None
    )


@post("/contacts/{contact_id:uuid}/telegram", guards=[requires("crm.write")],
      dependencies=DEPENDENCIES, tags=["Telegram"], status_code=202)  # fmt: skip
async def message_contact(
    principal: NamedDependency[Principal],
    session: NamedDependency[AsyncSession],
    contact_id: FromPath[uuid.UUID],
    data: JSONBody[TelegramMessageIn],
) -> TelegramMessageOut:
    card = await contact_card(session, principal, contact_id)
    entry = await telegram.queue_telegram(session, card.contact, data.text, "manual")
    return TelegramMessageOut(entry.id, entry.status, entry.created_at)


@post("/webhooks/telegram/{slug:str}", status_code=200, include_in_schema=False)
async def telegram_webhook(request: Request, slug: FromPath[str]) -> dict:
    """Called by Telegram with the bot's updates; the secret header proves it is Telegram. The
    answer may be a Bot API call (a pack's reply in the chat), which Telegram then makes."""
    db = database(request)
    if (schema := await ready_workspace(db, slug)) is None:
        raise NotFound("No such bot.")
    sent = request.headers.get(telegram.SECRET_HEADER, "")
    async with db.tenant_transaction(schema) as session:
        bot = await session.get(TelegramSettings, 1)
        if bot is None or not telegram.is_webhook_secret(sent, bot.webhook_secret_hash):
            raise Forbidden("Not this bot's webhook secret.")
        body = await request.json()
        return await telegram.answer_update(
            session,
            schema,
            request.app.state.runtime.secret_key,
            body if isinstance(body, dict) else {},
        )


api_routes = [show_settings, change_settings, telegram_link, message_contact]
routes = [telegram_webhook]
