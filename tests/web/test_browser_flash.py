"""Flash messages in Chromium (Russian and English, a 375 px phone and a desk): a crafted
``?notice=`` link shows no banner; a save shows its notice once, and a reload shows none."""

import pytest
from playwright.async_api import expect

from tests.web.conftest import browser, screenshot_path  # noqa: F401
from tests.web.test_browser_form_errors import SCREENS

ADDED = {"en": "The task is added.", "ru": "Задача добавлена."}


@pytest.mark.parametrize("lang", ["ru", "en"])
@pytest.mark.parametrize("screen", SCREENS)
async def test_a_notice_comes_from_the_server_once_never_from_the_link(
    browser,  # noqa: F811
    live_server,
    make_workspace,
    lang,
    screen,
):
    workspace = await make_workspace(company=f"Flash {lang} {screen}", vertical="general")
    context = await browser.new_context(viewport=SCREENS[screen])
    try:
        page = await context.new_page()
        await page.goto(f"{live_server}/login")
        await page.locator("input[name=email]").fill(workspace["user"]["email"])
        await page.locator("input[name=password]").fill(workspace["password"])
        await page.locator("form button[type=submit]").click()
        await page.wait_for_url(f"{live_server}/w/**")
        tasks = f"{live_server}/w/{workspace['tenant']['slug']}/tasks"

        await page.goto(f"{tasks}?lang={lang}&notice=Your+account+is+blocked&error=Pay+now")
        await expect(page.locator("#flash")).to_have_count(0)
        await expect(page.get_by_text("Your account is blocked")).to_have_count(0)

        await page.locator("#task-title").fill("Call Maria back")
        await page.locator("form.quick-add button[type=submit]").click()
        flash = page.locator("#flash")
        await expect(flash).to_have_text(ADDED[lang])
        await expect(flash).to_have_attribute("role", "status")
        assert "notice" not in page.url
        await page.screenshot(path=screenshot_path(f"flash-{lang}-{screen}"))
        await page.reload()
        await expect(page.get_by_text("Call Maria back")).to_be_visible()
        await expect(page.locator("#flash")).to_have_count(0)
    finally:
        await context.close()
