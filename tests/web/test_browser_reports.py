"""The dashboard and the reports in headless Chromium, on a desk and a 375 px phone: the charts
are drawn (Chart.js from /vendor, data from the page's attributes), the browser refuses nothing
(Content-Security-Policy, scripts), nothing is wider than the screen; screenshots in
tests/artifacts/. An owner on a demo salon, and an employee on the window company's March."""

import re
import uuid

import pytest
from playwright.async_api import expect

from tests.helpers import STRONG_PASSWORD
from tests.platform.conftest import join, mails_to, new_browser  # noqa: F401
from tests.platform.crm.reports.data import build_march
from tests.platform.crm.reports.test_reports import workspace_for
from tests.web.conftest import screenshot_path
from tests.web.test_browser_daily_work import SCREENS, fits_width
from tests.web.test_browser_every_page import demo_salon  # noqa: F401

MARCH = "from=2025-03-01&to=2025-03-31"
REPORTS = (
    "funnel", "outcomes", "managers", "abc-customers", "abc-products", "customer-value",
    "sources", "appeals",
)  # fmt: skip
DRAWN = """() => Array.from(document.querySelectorAll("canvas[data-chart]")).map(
    (canvas) => Boolean(window.Chart && window.Chart.getChart(canvas)) && canvas.width > 0)"""


async def signed_in(browser, live_server, email: str, screen: str):
    context = await browser.new_context(viewport=SCREENS[screen])
    page = await context.new_page()
    refused: list[str] = []
    page.on(
        "console",
        lambda m: (
            refused.append(m.text)
            if m.type == "error" or "Content Security Policy" in m.text
            else None
        ),
    )
    page.on("pageerror", lambda error: refused.append(str(error)))
    await page.goto(f"{live_server}/login")
    await page.get_by_label(re.compile("E-mail|Эл. почта")).fill(email)
    await page.get_by_label(re.compile("Password|Пароль")).fill(STRONG_PASSWORD)
    await page.get_by_role("button", name=re.compile("Sign in|Войти")).click()
    await expect(page).to_have_url(re.compile(r"/w/"))
    return context, page, refused


@pytest.mark.parametrize("screen", SCREENS)
async def test_the_owners_dashboard_draws_its_charts(browser, live_server, demo_salon, screen):  # noqa: F811
    email, base, _ = demo_salon
    context, page, refused = await signed_in(browser, live_server, email, screen)
    await page.get_by_role("link", name=re.compile("Отчёты")).first.click()
    await expect(page.locator("main h1")).to_have_text("Отчёты")
    await page.get_by_role("link", name="Панель показателей").click()
    await expect(page.locator("main h1")).to_have_text("Панель показателей")
    assert await page.locator("canvas[data-chart]").count() == 4  # revenue, funnel, sources, ABC
    await page.wait_for_function(f"({DRAWN})().every(Boolean)")
    await page.screenshot(path=screenshot_path(f"{screen}-dashboard-owner"), full_page=True)
    await fits_width(page, SCREENS[screen]["width"])
    for preset in ("Прошлый месяц", "Этот год"):
        await page.get_by_role("link", name=preset).click()
        await page.wait_for_function(f"({DRAWN})().every(Boolean)")
        await fits_width(page, SCREENS[screen]["width"])
    for name in REPORTS:
        answer = await page.goto(f"{live_server}{base}/reports/{name}?preset=this_year")
        assert answer.status == 200, name
        await page.screenshot(path=screenshot_path(f"{screen}-report-{name}"), full_page=True)
        await fits_width(page, SCREENS[screen]["width"])
    assert not refused, refused
    await context.close()


@pytest.mark.parametrize("screen", SCREENS)
async def test_an_employees_dashboard_shows_their_own_figures(
    browser,
    live_server,
    db,
    make_workspace,
    join,  # noqa: F811
    screen,
):
    answer = await make_workspace(company=f"Окна {screen}", vertical="fieldservice", locale="ru")
    employee = await join(answer, "employee")
    workspace = await workspace_for(db, answer)
    await build_march(
        db, workspace, uuid.UUID(answer["user"]["id"]), anna=uuid.UUID(employee["user_id"])
    )
    context, page, refused = await signed_in(browser, live_server, employee["email"], screen)
    await page.goto(f"{live_server}/w/{answer['tenant']['slug']}/dashboard?{MARCH}")
    await expect(page.get_by_text("Ваши показатели")).to_be_visible()
    figures = await page.locator(".figures").inner_text()
    assert "80" in figures and "Моя выручка" in figures  # D1 + D2, her two won deals
    await page.wait_for_function(f"({DRAWN})().every(Boolean)")
    await page.get_by_text("Цифры").first.click()  # the revenue chart's figures as a table
    await expect(page.locator("details[open] table").first).to_be_visible()
    await page.screenshot(path=screenshot_path(f"{screen}-dashboard-employee"), full_page=True)
    await fits_width(page, SCREENS[screen]["width"])
    assert not refused, refused
    await context.close()
