"""Settings → SMS and Telegram in Chromium, in Russian and English, on a desk and a 375 px
phone: the owner connects an SMS gateway and a Telegram bot (a fake Bot API on loopback); the
tokens are saved sealed and never shown back; bad input is explained beside its field."""

import re

import pytest
from playwright.async_api import expect

from atrium.platform.notify.models import SmsSettings, TelegramSettings
from tests.helpers import STRONG_PASSWORD
from tests.platform.conftest import join, mails_to, new_browser, sign_in  # noqa: F401
from tests.platform.notify.test_telegram import TOKEN, BotApi, bot_api  # noqa: F401
from tests.verticals.salon.conftest import schema_of
from tests.web.conftest import browser, screenshot_path  # noqa: F401
from tests.web.test_browser_daily_work import SCREENS, fits_width

GATEWAY_TOKEN = "gw-secret-token-7f3a9c"
WORDS = {
    "ru": {
        "heading": "SMS и Telegram", "url": "Адрес шлюза", "token": "Токен шлюза",
        "save": "Сохранить шлюз", "saved": "SMS-шлюз сохранён.", "bot": "Имя бота",
        "bot_token": "Токен бота", "connect": "Подключить бота",
        "connected": "Telegram-бот подключён.", "bad_bot": "Вставьте токен точно так",
        "kept": "Токен сохранён",
        "choice": "Клиент делится телефоном с Telegram-ботом салона",
        "save_salon": "Сохранить", "salon_saved": "Изменения сохранены.",
    },
    "en": {
        "heading": "SMS and Telegram", "url": "Gateway address", "token": "Gateway token",
        "save": "Save the gateway", "saved": "The SMS gateway is saved.", "bot": "Bot's username",
        "bot_token": "Bot token", "connect": "Connect the bot",
        "connected": "The Telegram bot is connected.", "bad_bot": "Paste the token exactly",
        "kept": "A token is saved",
        "choice": "The client shares the phone with the salon's Telegram bot",
        "save_salon": "Save", "salon_saved": "The changes are saved.",
    },
}  # fmt: skip


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("locale", ["ru", "en"])
async def test_the_owner_connects_sms_and_telegram_on_the_settings_page(
    browser,  # noqa: F811
    live_server,
    client,
    db,
    make_workspace,
    worker,
    bot_api,  # noqa: F811
    locale,
    screen,
):
    words = WORDS[locale]
    workspace = await make_workspace(f"Messaging {locale} {screen}", "salon", locale=locale)
    slug = workspace["tenant"]["slug"]
    context = await browser.new_context(viewport=SCREENS[screen])
    page = await context.new_page()
    refused: list[str] = []
    # The refused token answers 422 on purpose; anything else the browser refuses is a fault.
    page.on(
        "console",
        lambda m: refused.append(m.text) if m.type == "error" and "422" not in m.text else None,
    )
    try:
        await page.goto(f"{live_server}/login")
        await page.get_by_label(re.compile("E-mail|Эл. почта")).fill(workspace["user"]["email"])
        await page.get_by_label(re.compile("Password|Пароль")).fill(STRONG_PASSWORD)
        await page.get_by_role("button", name=re.compile("Sign in|Войти")).click()
        await expect(page).to_have_url(re.compile(r"/w/"))
        await page.goto(f"{live_server}/w/{slug}/settings")
        await page.get_by_role("link", name=re.compile(words["heading"])).click()
        await expect(page).to_have_url(re.compile(r"/settings/messaging$"))
        await expect(page.locator("main h1")).to_have_text(words["heading"])
        await fits_width(page, SCREENS[screen]["width"])

        await page.get_by_label(words["url"]).fill("https://sms.example.com/send")
        await page.get_by_label(words["token"]).fill(GATEWAY_TOKEN)
        await page.get_by_role("button", name=words["save"]).click()
        await expect(page.get_by_role("status")).to_have_text(words["saved"])
        await expect(page.get_by_text(words["kept"])).to_be_visible()

        await page.get_by_label(words["bot"]).fill("liza_salon_bot")
        await page.get_by_label(words["bot_token"]).fill("not a token")
        await page.get_by_role("button", name=words["connect"]).click()
        await expect(page.locator("#bot_token-error")).to_contain_text(words["bad_bot"])
        await expect(page.get_by_label(words["bot"])).to_have_value("liza_salon_bot")
        await page.get_by_label(words["bot_token"]).fill(TOKEN)
        await page.get_by_role("button", name=words["connect"]).click()
        await expect(page.get_by_role("status")).to_have_text(words["connected"])
        await expect(page.get_by_text("@liza_salon_bot")).to_be_visible()
        html = await page.content()
        await fits_width(page, SCREENS[screen]["width"])
        await page.screenshot(
            path=screenshot_path(f"{screen}-{locale}-settings-messaging"), full_page=True
        )

        # The salon then asks online bookers to confirm their phone in that bot.
        await page.goto(f"{live_server}/w/{slug}/salon/catalog/settings")
        await page.get_by_role("radio", name=words["choice"]).check()
        await page.get_by_role("button", name=words["save_salon"], exact=True).click()
        await expect(page.get_by_role("status")).to_have_text(words["salon_saved"])
        await expect(page.get_by_role("radio", name=words["choice"])).to_be_checked()
        await fits_width(page, SCREENS[screen]["width"])
        await page.screenshot(
            path=screenshot_path(f"{screen}-{locale}-salon-phone-check"), full_page=True
        )
    finally:
        await context.close()
    assert not refused, refused
    assert GATEWAY_TOKEN not in html and TOKEN not in html
    registered = [
        body
        for token, method, body in BotApi.calls
        if token == TOKEN and method == "setWebhook" and body["url"].endswith(f"/{slug}")
    ]
    assert len(registered) == 1, BotApi.calls  # the refused token never reached Telegram
    async with db.tenant_transaction(await schema_of(db, slug)) as session:
        gateway = await session.get(SmsSettings, 1)
        bot = await session.get(TelegramSettings, 1)
    assert gateway.gateway_url == "https://sms.example.com/send"
    assert GATEWAY_TOKEN not in gateway.token_sealed and TOKEN not in bot.token_sealed
    assert bot.bot_username == "liza_salon_bot"
    chosen = await client.get("/api/v1/salon/settings", headers=workspace["headers"])
    assert chosen.json()["phone_check"] == "telegram"


async def test_the_outbox_shows_a_members_own_mail_and_no_one_elses(
    client,
    db,
    make_workspace,
    sign_in,  # noqa: F811
    join,  # noqa: F811
    mails_to,  # noqa: F811
):
    from atrium.platform.mail.service import queue_system_mail

    workspace = await make_workspace("Mail Outbox Salon", "salon")
    slug, owner_email = workspace["tenant"]["slug"], workspace["user"]["email"]
    admin = await join(workspace, "admin")
    [invitation] = await mails_to(admin["email"])
    async with db.shared_transaction() as session:
        await queue_system_mail(
            session,
            to=owner_email.upper(),
            subject="Your sign-in link",
            text="Sign in: https://atrium.example/login/owner-only-7f3a",
        )

    owner = await sign_in(owner_email)
    theirs = (await owner.get(f"/w/{slug}/settings/outbox")).text
    assert "owner-only-7f3a" in theirs and "Your sign-in link" in theirs
    assert invitation.split()[-1] not in theirs  # the admin's invitation link is theirs alone

    second = await sign_in(admin["email"])
    seen = await second.get(f"/w/{slug}/settings/outbox")
    assert seen.status_code == 200
    assert "owner-only-7f3a" not in seen.text
