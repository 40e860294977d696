"""A 10,000-character task title in Chromium (Russian and English, a 375 px phone and a desk):
the input stops at the title's real limit; when the limit is bypassed, the error is beside the
field, in red, in the page's language, and the typed text is still there."""

import pytest
from playwright.async_api import expect

from tests.web.conftest import browser, screenshot_path  # noqa: F401
from tests.web.test_browser_daily_work import fits_width

SCREENS = {"phone": {"width": 375, "height": 812}, "desk": {"width": 1280, "height": 900}}
EXPECTED = {
    "en": "“New task” holds at most 300 characters; this has 10000.",
    "ru": "В поле «Новая задача» — не больше 300 символов, а введено 10000.",
}
LONG = "Позвонить " * 999 + "Позвонить!"  # 10,000 characters


@pytest.mark.parametrize("lang", ["ru", "en"])
@pytest.mark.parametrize("screen", SCREENS)
async def test_a_ten_thousand_character_task_title(
    browser,  # noqa: F811
    live_server,
    make_workspace,
    lang,
    screen,
):
    workspace = await make_workspace(company=f"Tasks {lang} {screen}", vertical="general")
    context = await browser.new_context(viewport=SCREENS[screen])
    try:
        page = await context.new_page()
        await page.goto(f"{live_server}/login")
        await page.locator("input[name=email]").fill(workspace["user"]["email"])
        await page.locator("input[name=password]").fill(workspace["password"])
        await page.locator("form button[type=submit]").click()
        await page.wait_for_url(f"{live_server}/w/**")
        await page.goto(f"{live_server}/w/{workspace['tenant']['slug']}/tasks?lang={lang}")
        title = page.locator("#task-title")

        await title.fill(LONG)  # the browser keeps to the limit the input carries
        assert len(await title.input_value()) == 300

        # An old tab or a script gets past maxlength: the server explains, beside the field.
        await title.evaluate("input => input.removeAttribute('maxlength')")
        await title.fill(LONG)
        await page.locator("form.quick-add button[type=submit]").click()
        error = page.locator("#task-title-error")
        await expect(error).to_have_text(EXPECTED[lang])
        await expect(title).to_have_attribute("aria-invalid", "true")
        await expect(title).to_have_attribute("aria-describedby", "task-title-error")
        assert await title.input_value() == LONG  # nothing typed is lost
        await expect(page.locator(".notice:visible")).to_have_count(0)  # never a success
        colour = await error.evaluate("node => getComputedStyle(node).color")
        assert colour == "rgb(179, 38, 30)", colour  # --danger, not the green of a notice
        await fits_width(page, SCREENS[screen]["width"])
        await page.screenshot(path=screenshot_path(f"task-title-too-long-{lang}-{screen}"))
    finally:
        await context.close()
