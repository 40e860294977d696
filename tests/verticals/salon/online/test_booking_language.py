"""The booking page speaks one language: with book.js, the API's refusals (no name, a phone
that is not one) show in the page's language, whatever language the browser prefers."""

import re

import pytest

from tests.platform.conftest import new_browser  # noqa: F401
from tests.verticals.salon.conftest import build_salon
from tests.verticals.salon.online.test_booking import sms_gateway_in
from tests.web.conftest import browser, screenshot_path  # noqa: F401
from tests.web.test_browser_daily_work import fits_width

SCREENS = {"phone": {"width": 375, "height": 812}, "desk": {"width": 1366, "height": 900}}
# The page's language, the browser's (the other one), and what the visitor must read.
LANGUAGES = {
    "ru": ("en-US", "Укажите имя.", "abc — не номер телефона."),
    "en": ("ru-RU", "Give your name.", "abc is not a phone number."),
}


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("lang", LANGUAGES)
async def test_the_booking_pages_refusals_come_in_the_pages_language(
    browser,  # noqa: F811
    live_server,
    db,
    make_workspace,
    lang,
    screen,
):
    import playwright.async_api as pw

    salon = await build_salon(db, await make_workspace("Salon Liza", "salon"))
    browser_language, no_name, not_a_phone = LANGUAGES[lang]
    context = await browser.new_context(viewport=SCREENS[screen], locale=browser_language)
    page = await context.new_page()
    try:
        await page.goto(f"{live_server}/book/{salon.slug}?lang={lang}")
        await pw.expect(page.locator("#booking h2")).to_be_focused()
        await page.get_by_role("checkbox", name=re.compile("Haircut")).check()
        await page.locator("#booking .actions button").click()
        await page.locator("#booking input[name=master]").first.check()
        await page.locator("#booking .actions button").click()
        await page.locator(".book-days button:not([disabled])").first.click()
        await page.locator(".book-times button").first.click()
        alert = page.locator("#booking form [role=alert]")
        await page.locator("#booking form button[type=submit]").click()
        await pw.expect(alert).to_have_text(no_name)
        await pw.expect(page.locator("#book-first_name")).to_be_focused()
        await page.locator("#book-first_name").fill("Olga")
        await page.locator("#book-phone").fill("abc")
        await page.locator("#booking form button[type=submit]").click()
        await pw.expect(alert).to_have_text(not_a_phone)
        await pw.expect(page.locator("#book-phone")).to_be_focused()
        await fits_width(page, SCREENS[screen]["width"])
        await page.screenshot(path=screenshot_path(f"salon-book-refusal-{lang}-{screen}"))
    finally:
        await context.close()


async def test_without_javascript_a_russian_salons_refusals_are_russian_too(
    db,
    make_workspace,
    new_browser,  # noqa: F811
):
    """The page speaks the salon's language to a browser that prefers English; the refusal
    beside the field must not switch to the browser's."""
    salon = await build_salon(db, await make_workspace("Салон Лиза", "salon", locale="ru"))
    await sms_gateway_in(db, salon)  # phones confirmed by SMS: the details form shows
    visitor = new_browser()
    visitor.headers["Accept-Language"] = "en-US,en;q=0.9"
    base = f"/book/{salon.slug}/arbat"
    chosen = {
        "service": str(salon.cut),
        "master": str(salon.anna),
        "date": salon.day.isoformat(),
        "start": salon.at(10).isoformat(),
    }
    details = await visitor.get(base, params=chosen)
    assert 'name="csrf_token"' in details.text and 'lang="ru"' in details.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', details.text)[1]
    form = {"csrf_token": token, "first_name": "", "phone": "abc"}
    refused = await visitor.post(base, params=chosen, data=form)
    assert refused.status_code == 422
    assert "Укажите имя." in refused.text and "Give your name" not in refused.text
    refused = await visitor.post(base, params=chosen, data={**form, "first_name": "Ольга"})
    assert "abc — не номер телефона." in refused.text


async def test_the_code_sms_follows_the_language_the_caller_asks_for(client, db, make_workspace):
    from tests.verticals.salon.online.test_booking import booking_body, last_sms

    salon = await build_salon(db, await make_workspace("Salon Liza", "salon", locale="en"))
    await sms_gateway_in(db, salon)
    answer = await client.post(
        f"/api/public/{salon.slug}/bookings",
        json=booking_body(salon, salon.at(11)),
        headers={"Accept-Language": "ru"},
    )
    assert answer.status_code == 202, answer.text
    sms = await last_sms(db, salon, "booking_code")
    assert "— код для записи в Liza on Arbat" in sms.text
