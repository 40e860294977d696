"""A salon that confirms online bookers' phones in its Telegram bot, against a fake Bot API on
loopback: the visitor opens the bot's link, presses Start, shares their own phone number, then
finishes the booking; the bot sends the visit and its link. Someone else's contact, another
number or a forged link confirm nothing."""

from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from atrium.platform.crm.contacts.models import Contact
from atrium.verticals.salon.models import Visit
from tests.platform.jobs.conftest import eventually
from tests.platform.notify.test_telegram import TOKEN, BotApi, bot_api  # noqa: F401
from tests.verticals.salon.online.test_booking import NEW_PHONE, api, booking_body, visits_of
from tests.web.conftest import browser  # noqa: F401

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
    make_workspace,
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

    # Another workspace's bot knows nothing of this request, nor its API of this salon's.
    other = await make_workspace("Other Bot Salon", "salon")
    saved = await client.put(
        "/api/v1/settings/telegram",
        json={"token": TOKEN, "bot_username": "other_salon_bot"},
        headers=other["headers"],
    )
    their_secret = [call for call in BotApi.calls if call[1] == "setWebhook"][-1][2]["secret_token"]
    elsewhere = await client.post(
        f"/webhooks/telegram/{other['tenant']['slug']}",
        json=message(f"/start {start}"),
        headers={"X-Telegram-Bot-Api-Secret-Token": their_secret},
    )
    assert saved.status_code == 200 and "no longer valid" in elsewhere.json()["text"]
    other_finish = api(salon, f"bookings/{body['request_id']}/finish", slug=other["tenant"]["slug"])
    assert (await client.post(other_finish)).status_code == 404

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
    # Someone else with the link, once the phone is confirmed, cannot take the visit's chat.
    hijack = message(f"/start {start}")
    hijack["message"]["chat"]["id"] = hijack["message"]["from"]["id"] = 666
    assert "no longer valid" in (await tell_bot(hijack))["text"]

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


async def test_on_a_phone_the_visitor_is_sent_to_the_bot_and_finishes_the_booking(
    browser,  # noqa: F811
    live_server,
    client,
    db,
    salon,
    worker,
    drained,
    bot_api,  # noqa: F811
):
    """book.js at 375 px: "Continue in Telegram" shows the bot's link; finishing before the
    phone is shared is refused with a reason; after it, the visit's page."""
    import re

    from playwright.async_api import expect

    from tests.web.conftest import screenshot_path
    from tests.web.test_browser_daily_work import fits_width

    secret = await telegram_salon(client, salon)
    context = await browser.new_context(viewport={"width": 375, "height": 812})
    page = await context.new_page()
    refused: list[str] = []
    page.on(
        "console",
        lambda m: refused.append(m.text) if m.type == "error" and "409" not in m.text else None,
    )
    try:
        await page.goto(f"{live_server}/book/{salon.slug}?lang=en")
        await page.get_by_role("checkbox", name=re.compile("Haircut")).check()
        await page.get_by_role("button", name="Next").click()
        await page.get_by_role("radio", name="Anna").check()
        await page.get_by_role("button", name="Next").click()
        await page.locator(".book-days button:not([disabled])").nth(1).click()
        await page.locator(".book-times button").first.click()
        await page.get_by_label("First name").fill("Olga")
        await page.get_by_label("Phone").fill(NEW_PHONE)
        await expect(
            page.get_by_text("You will confirm it in the salon's Telegram bot.")
        ).to_be_visible()
        await page.get_by_role("button", name="Continue in Telegram").click()
        open_bot = page.get_by_role("link", name="Open Telegram")
        await expect(open_bot).to_have_attribute(
            "href", re.compile(r"^https://t\.me/liza_salon_bot\?start=bk")
        )
        await page.get_by_role("button", name="Finish the booking").click()
        await expect(page.get_by_role("alert")).to_contain_text("not confirmed in Telegram yet")
        await fits_width(page, 375)
        await page.screenshot(path=screenshot_path("phone-salon-book-telegram"), full_page=True)

        start = parse_qs(urlsplit(await open_bot.get_attribute("href")).query)["start"][0]
        for update in (
            message(f"/start {start}"),
            message(contact={"phone_number": NEW_PHONE, "user_id": USER}),
        ):
            answer = await client.post(
                f"/webhooks/telegram/{salon.slug}",
                json=update,
                headers={"X-Telegram-Bot-Api-Secret-Token": secret},
            )
            assert answer.status_code == 200, answer.text
        await page.get_by_role("button", name="Finish the booking").click()
        await expect(page).to_have_url(re.compile(r"/visit/.+booked=telegram"))
        await expect(page.get_by_text("We sent the details to Telegram.")).to_be_visible()
        await fits_width(page, 375)
    finally:
        await context.close()
    await drained()
    assert not refused, refused
    [visit] = await visits_of(db, salon)
    assert not visit.to_call


async def test_without_javascript_the_page_links_to_the_bot_and_finishes_after_it(
    client,
    db,
    salon,
    worker,
    drained,
    bot_api,  # noqa: F811
):
    import re

    secret = await telegram_salon(client, salon)
    base = f"/book/{salon.slug}/arbat"
    chosen = {
        "service": str(salon.cut), "lang": "ru", "master": str(salon.anna),
        "date": salon.day.isoformat(), "start": salon.at(15).isoformat(),
    }  # fmt: skip
    details = await client.get(base, params=chosen)
    assert "Продолжить в Telegram" in details.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', details.text)[1]
    form = {"csrf_token": token, "first_name": "Ольга", "phone": NEW_PHONE}
    asked = await client.post(base, params=chosen, data=form, follow_redirects=False)
    assert asked.status_code == 303, asked.text
    waiting = await client.get(asked.headers["location"])
    assert "Подтвердите в Telegram" in waiting.text and "+7 903 555-01-01" in waiting.text
    start = re.search(r"https://t\.me/liza_salon_bot\?start=(bk\w+)", waiting.text)[1]
    finish = {"csrf_token": token, "action": "finish"}
    early = await client.post(asked.headers["location"], data=finish)
    assert early.status_code == 409 and "Телефон ещё не подтверждён в Telegram" in early.text
    for update in (
        message(f"/start {start}"),
        message(contact={"phone_number": NEW_PHONE, "user_id": USER}),
    ):
        answer = await client.post(
            f"/webhooks/telegram/{salon.slug}",
            json=update,
            headers={"X-Telegram-Bot-Api-Secret-Token": secret},
        )
        assert answer.status_code == 200, answer.text
    done = await client.post(asked.headers["location"], data=finish, follow_redirects=False)
    assert done.status_code == 303 and "booked=telegram" in done.headers["location"]
    visit_page = await client.get(done.headers["location"])
    assert "Подробности мы прислали в Telegram" in visit_page.text

    async def told():  # the visit goes out through the outbox, after the page has answered
        return [call for call in BotApi.calls if call[1] == "sendMessage"] or None

    # Sent while this test's fake Bot API still answers (else it is retried for minutes
    # against a server gone, and every later wait for the queue runs out).
    [(_, _, sent)] = await eventually(told)
    assert "Вы записаны" in sent["text"]
    await drained()
