"""Confirming an online booker's phone in the salon's Telegram bot.

The booking page gives a link to the bot (t.me/<bot>?start=bk<request id><signature>). Pressing
Start there, the bot asks the visitor to share their phone number (Telegram's own "share
contact" button, which sends the number Telegram verified for that account); a shared contact
that is the sender's own and is the phone given for the booking confirms it. Back on the page,
"Finish the booking" books the visit, ties the chat to the client's card, and the bot sends the
visit and its link. The bot's answers go as the webhook's answer (a Bot API call Telegram
makes); the last message by the retried job, like any other Telegram message.
"""

import hashlib
import hmac
import uuid
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.crm.contacts.models import Contact
from atrium.platform.crm.records.normalize import e164
from atrium.platform.errors import Conflict, DomainError, NotFound
from atrium.platform.notify import telegram
from atrium.platform.notify.models import TelegramSettings
from atrium.platform.tenancy.service import workspace_settings
from atrium.verticals.salon.models import BookingCode

PREFIX = "bk"  # /start payloads this module answers
SIGNATURE_HEX = 24

# What the bot says, in the visitor's language.
ASK_PHONE = {
    "en": "To confirm your booking at {salon}, share your phone number with the button below.",
    "ru": "Чтобы подтвердить запись в {salon}, поделитесь номером телефона кнопкой ниже.",
}
SHARE_BUTTON = {"en": "Share my phone number", "ru": "Поделиться номером"}
CONFIRMED = {
    "en": "Thank you, your phone is confirmed. Go back to the booking page and press "
    "“Finish the booking”.",
    "ru": "Спасибо, телефон подтверждён. Вернитесь на страницу записи и нажмите "
    "«Завершить запись».",
}
NOT_THIS_PHONE = {
    "en": "This is not the phone number given for the booking. Share the number you booked "
    "with, or start again on the booking page.",
    "ru": "Это не тот номер, что указан в записи. Поделитесь номером, с которым вы "
    "записывались, или начните запись заново.",
}
NOT_YOURS = {
    "en": "Share your own number with the button below, not someone else's contact.",
    "ru": "Поделитесь своим номером кнопкой ниже, а не чужим контактом.",
}
GONE = {
    "en": "This booking link is no longer valid; please start again on the booking page.",
    "ru": "Эта ссылка на запись больше не действует; начните запись заново.",
}


def _signature(secret_key: str, request_id: uuid.UUID) -> str:
    message = f"salon-booking-telegram:{request_id}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()[:SIGNATURE_HEX]


def start_payload(secret_key: str, request_id: uuid.UUID) -> str:
    """What /start carries: 2 + 32 + 24 characters (Telegram allows 64)."""
    return f"{PREFIX}{request_id.hex}{_signature(secret_key, request_id)}"


def request_of_payload(secret_key: str, payload: str) -> uuid.UUID | None:
    raw, signature = payload[len(PREFIX) : len(PREFIX) + 32], payload[len(PREFIX) + 32 :]
    try:
        request_id = uuid.UUID(hex=raw)
    except ValueError:
        return None
    return (
        request_id if hmac.compare_digest(signature, _signature(secret_key, request_id)) else None
    )


async def start_link(session: AsyncSession, secret_key: str, request_id: uuid.UUID) -> str:
    bot = await session.get_one(TelegramSettings, 1)
    return f"https://t.me/{bot.bot_username}?start={start_payload(secret_key, request_id)}"


def _say(chat_id: int, texts: dict, locale: str, keyboard: dict | None = None, **values) -> dict:
    """A Bot API sendMessage call, as the webhook's answer."""
    reply = {
        "method": "sendMessage",
        "chat_id": chat_id,
        "text": texts.get(locale, texts["en"]).format(**values),
    }
    if keyboard is not None:
        reply["reply_markup"] = keyboard
    return reply


@telegram.on_update
async def answer_bot(session: AsyncSession, found: telegram.BotUpdate) -> dict | None:
    """/start bk... asks for the phone; the shared contact then confirms it."""
    command, _, payload = found.text.partition(" ")
    if command == "/start" and payload.strip().startswith(PREFIX):
        return await _asked_to_confirm(session, found, payload.strip())
    if found.contact_phone is not None:
        return await _shared_phone(session, found)
    return None


async def _asked_to_confirm(session: AsyncSession, found: telegram.BotUpdate, payload: str):
    locale = (await workspace_settings(session)).locale
    request_id = request_of_payload(found.secret_key, payload)
    request = await _waiting(session, request_id) if request_id else None
    if request is None or request.request.get("phone_confirmed_at"):
        return _say(found.chat_id, GONE, locale)
    locale = request.request.get("locale", locale)
    request.request = {**request.request, "chat_id": found.chat_id}
    salon = request.request.get("salon", "")
    button = {"text": SHARE_BUTTON.get(locale, SHARE_BUTTON["en"]), "request_contact": True}
    keyboard = {"keyboard": [[button]], "resize_keyboard": True, "one_time_keyboard": True}
    return _say(found.chat_id, ASK_PHONE, locale, keyboard, salon=salon)


async def _shared_phone(session: AsyncSession, found: telegram.BotUpdate) -> dict | None:
    request = await session.scalar(
        select(BookingCode)
        .where(
            BookingCode.request["chat_id"].as_integer() == found.chat_id,
            BookingCode.used_at.is_(None),
            BookingCode.expires_at > datetime.now(UTC),
        )
        .order_by(BookingCode.created_at.desc())
        .limit(1)
        .with_for_update()
    )
    if request is None:
        return None  # not a booking's chat: the platform's own handling
    locale = request.request.get("locale", "en")
    if found.contact_user_id is None or found.contact_user_id != found.sender_id:
        return _say(found.chat_id, NOT_YOURS, locale)
    settings = await workspace_settings(session)
    number = found.contact_phone.strip()
    # Telegram writes the international number, often without its "+".
    number = number if number.startswith("+") else f"+{number}"
    try:
        shared = e164(number, settings.country, field="phone")
    except DomainError:
        shared = None
    if shared != request.phone:
        return _say(found.chat_id, NOT_THIS_PHONE, locale)
    # The chat that proved the phone gets the visit: a later /start from elsewhere cannot.
    confirmed = {
        "phone_confirmed_at": datetime.now(UTC).isoformat(),
        "confirmed_chat_id": found.chat_id,
    }
    request.request = {**request.request, **confirmed}
    return _say(found.chat_id, CONFIRMED, locale, {"remove_keyboard": True})


async def _waiting(session: AsyncSession, request_id: uuid.UUID) -> BookingCode | None:
    found = await session.get(BookingCode, request_id, with_for_update=True)
    if (
        found is None
        or found.request.get("confirm_by") != "telegram"
        or found.used_at is not None
        or found.expires_at <= datetime.now(UTC)
    ):
        return None
    return found


async def confirmed_request(session: AsyncSession, request_id: uuid.UUID) -> BookingCode:
    """The Telegram request, its phone confirmed in the bot; 409 while it is not."""
    found = await session.get(BookingCode, request_id, with_for_update=True)
    if found is None or found.request.get("confirm_by") != "telegram":
        raise NotFound("This booking request is unknown; please start again.")
    if found.used_at is not None:
        raise Conflict("This booking is already finished.")
    if found.expires_at <= datetime.now(UTC):
        raise Conflict("The booking request has expired; please start again.")
    if not found.request.get("phone_confirmed_at"):
        raise Conflict(
            "Your phone is not confirmed in Telegram yet: open the salon's bot, press Start "
            "and share your phone number."
        )
    return found


async def link_client_chat(session: AsyncSession, contact_id: uuid.UUID, chat_id: int) -> None:
    """The client's card gets her Telegram chat: reminders may go there."""
    await session.execute(
        update(Contact).where(Contact.id == contact_id).values(telegram_chat_id=chat_id)
    )
