"""Salon pages measured in Chromium by their element boxes (screenshots in tests/artifacts/):
the journal shows its first hour and every visit's status whole on a 375 px phone and a desk,
staff results fit a 1366 px desk, charts without data count in whole steps, and the salon's
navigation names its clients once."""

import re
import secrets
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.async_api import expect

from atrium.tenants.service import sign_up
from atrium.tenants.signup import checked_signup
from atrium.verticals.salon.models import Visit
from tests.helpers import STRONG_PASSWORD
from tests.web.conftest import browser, screenshot_path  # noqa: F401

SCREENS = {"phone": {"width": 375, "height": 812}, "desk": {"width": 1366, "height": 800}}
BOX = "(e) => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }"


async def _salon(db, locale: str, demo: bool):
    email = f"layout-{secrets.token_hex(3)}@example.com"
    request = checked_signup(
        company=f"Салон {secrets.token_hex(2)}", email=email, password=STRONG_PASSWORD,
        vertical="salon", locale=locale, name="Лиза",
    )  # fmt: skip
    workspace = await sign_up(db, request, demo=demo)
    return email, workspace


@pytest.fixture(scope="module")
async def demo_salon_ru(db, migrated):
    email, workspace = await _salon(db, "ru", demo=True)
    async with db.tenant_transaction(workspace.schema) as session:
        first = await session.scalar(
            sa.select(sa.func.min(Visit.starts_at)).where(
                Visit.starts_at >= sa.func.now() - timedelta(days=1)
            )
        )
    return email, f"/w/{workspace.slug}", first


async def signed_in(browser, live_server, email: str, screen: str, lang: str):  # noqa: F811
    context = await browser.new_context(viewport=SCREENS[screen])
    page = await context.new_page()
    await page.goto(f"{live_server}/login?lang={lang}")
    await page.get_by_label(re.compile("E-mail|Эл. почта")).fill(email)
    await page.get_by_label(re.compile("Password|Пароль")).fill(STRONG_PASSWORD)
    await page.get_by_role("button", name=re.compile("Sign in|Войти")).click()
    await expect(page).to_have_url(re.compile(r"/w/"))
    return context, page


async def _nothing_wider_than(page, width: int) -> None:
    wide = await page.evaluate(
        f"""() => Array.from(document.querySelectorAll("main *"))
          .filter((e) => e.getBoundingClientRect().right > {width} + 1)
          .map((e) => e.tagName + "." + e.className)"""
    )
    assert not wide, f"{page.url}: wider than {width}px: {wide[:5]}"
    assert await page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("lang", ["ru", "en"])
async def test_the_journal_shows_its_first_hour_and_whole_statuses(
    browser,  # noqa: F811
    live_server,
    demo_salon_ru,
    screen,
    lang,
):
    email, base, first = demo_salon_ru
    context, page = await signed_in(browser, live_server, email, screen, lang)
    await page.goto(f"{live_server}{base}/salon/journal?day={first.date().isoformat()}&lang={lang}")
    await page.locator(".journal-calendar.ready").wait_for()
    await page.screenshot(path=screenshot_path(f"{screen}-salon-journal-{lang}"), full_page=True)
    labels = await page.evaluate(
        f"""() => {{
          const box = {BOX};
          const side = document.querySelector(".ec-body .ec-sidebar");
          return Array.from(side.querySelectorAll(".ec-slot")).slice(0, 2).map((slot) => {{
            const text = slot.querySelector("time") || slot;
            return {{text: slot.textContent, shown: getComputedStyle(text).visibility,
                     box: box(text), side: box(side)}};
          }});
        }}"""
    )
    opens = await page.evaluate(
        'JSON.parse(document.getElementById("journal-calendar").dataset.calendar).slotMinTime'
    )
    hour = labels[0]
    assert hour["text"] == opens and hour["shown"] == "visible", labels
    assert hour["box"][1] >= hour["side"][1] - 0.5, f"the first hour is cut off: {labels}"
    assert hour["box"][3] <= labels[1]["box"][1] + 0.5  # above the next label, not on it
    events = await page.evaluate(
        f"""() => Array.from(document.querySelectorAll(".ec-event")).map((event) => {{
          const box = {BOX};
          const status = event.querySelector(".visit-status");
          return {{text: event.innerText, event: box(event), status: box(status),
                   status_text: status.textContent,
                   cut: status.scrollWidth > status.clientWidth + 1}};
        }})"""
    )
    assert events
    for found in events:
        left, top, right, bottom = found["event"]
        s_left, s_top, s_right, s_bottom = found["status"]
        assert found["status_text"] and not found["cut"], f"status cut short: {found}"
        assert top - 0.5 <= s_top and s_bottom <= bottom + 0.5, f"status clipped: {found}"
        assert left - 0.5 <= s_left and s_right <= right + 0.5, f"status clipped: {found}"
    await context.close()


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("lang", ["ru", "en"])
async def test_staff_results_fit_the_screen(browser, live_server, demo_salon_ru, screen, lang):  # noqa: F811
    email, base, _ = demo_salon_ru
    context, page = await signed_in(browser, live_server, email, screen, lang)
    await page.goto(f"{live_server}{base}/salon/results?lang={lang}")
    await expect(page.locator("main h1")).to_have_text(re.compile("Staff results|Результаты"))
    await page.screenshot(path=screenshot_path(f"{screen}-salon-results-{lang}"), full_page=True)
    await _nothing_wider_than(page, SCREENS[screen]["width"])
    await context.close()


@pytest.mark.parametrize("lang", ["ru", "en"])
async def test_charts_without_data_count_in_whole_distinct_steps(browser, live_server, db, lang):  # noqa: F811
    email, workspace = await _salon(db, lang, demo=False)
    context, page = await signed_in(browser, live_server, email, "desk", lang)
    await page.goto(f"{live_server}/w/{workspace.slug}/dashboard?lang={lang}")
    await page.wait_for_function(
        """() => Array.from(document.querySelectorAll("canvas[data-chart]"))
             .every((c) => window.Chart && window.Chart.getChart(c))"""
    )
    await page.screenshot(path=screenshot_path(f"desk-empty-dashboard-{lang}"), full_page=True)
    axes = await page.evaluate(
        """() => Array.from(document.querySelectorAll("canvas[data-chart]")).flatMap((canvas) => {
          const chart = window.Chart.getChart(canvas);
          return Object.values(chart.scales).filter((s) => s.type === "linear").map((s) => ({
            chart: canvas.getAttribute("aria-label") || canvas.id,
            values: s.ticks.map((t) => t.value),
            labels: s.ticks.map((t) => s.getLabelForValue ? String(t.label) : ""),
          }));
        })"""
    )
    assert axes
    for axis in axes:
        assert all(float(value).is_integer() for value in axis["values"]), axis
        assert len(set(axis["labels"])) == len(axis["labels"]), f"repeated ticks: {axis}"
    await context.close()


@pytest.mark.parametrize("lang", ["ru", "en"])
async def test_the_salon_navigation_names_its_clients_once(
    browser,  # noqa: F811
    live_server,
    demo_salon_ru,
    lang,
):
    email, base, _ = demo_salon_ru
    context, page = await signed_in(browser, live_server, email, "desk", lang)
    await page.goto(f"{live_server}{base}/?lang={lang}")
    nav = page.get_by_role("navigation", name=re.compile("Sections|Разделы"))
    names = [name.strip() for name in await nav.get_by_role("link").all_inner_texts()]
    clients = [name for name in names if re.search("client|клиент|contact", name, re.I)]
    assert clients == (["Клиенты"] if lang == "ru" else ["Contacts"]), names
    # the salon's view of its clients is a tab of that section, which stays lit on it
    await nav.get_by_role("link", name=clients[0]).click()
    tabs = page.locator("main nav.tabs")
    salon_view = "Клиенты салона" if lang == "ru" else "Salon clients"
    await tabs.get_by_role("link", name=salon_view).click()
    await expect(page).to_have_url(re.compile(r"/salon/clients$"))
    await expect(nav.locator("[aria-current=page]")).to_have_text(clients[0])
    await expect(tabs.locator("[aria-current=page]")).to_have_text(salon_view)
    await context.close()
