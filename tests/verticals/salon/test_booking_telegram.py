"""A salon that confirms online bookers' phones in its Telegram bot, against a fake Bot API on
loopback: the visitor opens the bot's link, presses Start, shares their own phone number, then
finishes the booking; the bot sends the visit and its link. Someone else's contact, another
number or a forged link confirm nothing."""

from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from atrium.platform.crm.models import Contact
from atrium.verticals.salon.models import Visit
from tests.jobs.conftest import eventually
from tests.jobs.test_telegram import TOKEN, BotApi, bot_api  # noqa: F401
from tests.verticals.salon.test_public_booking import NEW_PHONE, api, booking_body, visits_of

CHAT, USER = 7_000_111, 7_000_111  # a private chat's id is its user's id


async def telegram_salon(client, salon) -> str:
    """The salon's bot connected (the fake Bot API) and chosen for phones; the webhook secret."""
    saved = await client.put(
        "/api/v1/settings/telegram",
        json={"token": TOKEN, "bot_username": "liza_salon_bot"},
        headers=salon.headers,
    )
    assert saved.status_code == 200, saved.text
    chosen = await client.put(
        "/api/v1/salon/settings", json={"phone_check": "telegram"}, headers=salon.headers
    )
    assert chosen.status_code == 200, chosen.text
    return [call for call in BotApi.calls if call[1] == "setWebhook"][-1][2]["secret_token"]


def message(text: str = "", *, contact: dict | None = None, sender: int = USER) -> dict:
    body = {"chat": {"id": CHAT, "type": "private"}, "from": {"id": sender}, "text": text}
    if contact is not None:
        body = {**body, "contact": contact}
        del body["text"]
    return {"update_id": 1, "message": body}


async def test_a_visitor_confirms_the_phone_in_the_salons_bot_and_is_booked(
    client,
    db,
    salon,
    worker,
    drained,
    bot_api,  # noqa: F811
):
    secret = await telegram_salon(client, salon)
    webhook = f"/webhooks/telegram/{salon.slug}"

    async def tell_bot(update: dict) -> dict:
        answer = await client.post(
            webhook, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": secret}
        )
        assert answer.status_code == 200, answer.text
        return answer.json()

    asked = await client.post(
        api(salon, "bookings"),
        json=booking_body(salon, salon.at(12), master=salon.anna, locale="ru"),
    )
    assert asked.status_code == 202, asked.text
    body = asked.json()
    assert body["confirm_by"] == "telegram" and body["visit"] is None
    link = urlsplit(body["telegram_url"])
    assert (link.netloc, link.path) == ("t.me", "/liza_salon_bot")
    start = parse_qs(link.query)["start"][0]
    assert len(start) <= 64
    finish = api(salon, f"bookings/{body['request_id']}/finish")

    early = await client.post(finish)
    assert early.status_code == 409 and "not confirmed in Telegram" in early.json()["detail"]

    forged = await tell_bot(message(f"/start {start[:-1]}{'0' if start[-1] != '0' else '1'}"))
    assert forged["method"] == "sendMessage" and "no longer valid" in forged["text"]

    asked_for_phone = await tell_bot(message(f"/start {start}"))
    assert asked_for_phone["method"] == "sendMessage" and asked_for_phone["chat_id"] == CHAT
    assert "Liza on Arbat" in asked_for_phone["text"]  # in Russian: the visitor's language
    [[button]] = asked_for_phone["reply_markup"]["keyboard"]
    assert button == {"text": "Поделиться номером", "request_contact": True}

    someone_elses = await tell_bot(
        message(contact={"phone_number": NEW_PHONE, "user_id": 999, "first_name": "Olga"})
    )
    assert "своим номером" in someone_elses["text"]
    other_number = await tell_bot(
        message(contact={"phone_number": "+79035550199", "user_id": USER, "first_name": "Olga"})
    )
    assert "не тот номер" in other_number["text"]
    assert (await client.post(finish)).status_code == 409

    confirmed = await tell_bot(
        message(contact={"phone_number": NEW_PHONE.lstrip("+"), "user_id": USER})
    )
    assert "телефон подтверждён" in confirmed["text"]
    assert confirmed["reply_markup"] == {"remove_keyboard": True}

    booked = await client.post(finish)
    assert booked.status_code == 201, booked.text
    assert booked.json()["to_confirm_by_phone"] is False
    again = await client.post(finish)
    assert again.status_code == 409
    [visit] = await visits_of(db, salon)
    assert visit.status == "booked" and not visit.to_call
    async with db.tenant_transaction(salon.schema) as session:
        client_card = await session.get(Contact, visit.contact_id)
    assert client_card.telegram_chat_id == CHAT

    async def told():
        sent = [call for call in BotApi.calls if call[1] == "sendMessage"]
        return sent or None

    [(token, _, sent)] = await eventually(told)
    await drained()
    assert token == TOKEN and sent["chat_id"] == CHAT
    assert "Вы записаны в Liza on Arbat" in sent["text"]
    assert booked.json()["manage_url"] in sent["text"]


async def test_without_a_bot_the_telegram_choice_falls_back_to_a_call(client, db, salon):
    chosen = await client.put(
        "/api/v1/salon/settings", json={"phone_check": "telegram"}, headers=salon.headers
    )
    assert chosen.status_code == 200, chosen.text
    answer = await client.post(
        api(salon, "bookings"), json=booking_body(salon, salon.at(12), master=salon.anna)
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["confirm_by"] == "none"
    async with db.tenant_transaction(salon.schema) as session:
        [visit] = list(await session.scalars(select(Visit)))
    assert visit.to_call
