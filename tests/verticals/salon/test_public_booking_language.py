"""The booking page speaks one language: with book.js, the API's refusals (no name, a phone
that is not one) show in the page's language, whatever language the browser prefers."""

import re

import pytest

from tests.verticals.salon.conftest import build_salon
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
