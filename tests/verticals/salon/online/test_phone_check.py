"""A new salon takes online bookings from its first minute: with nothing set up (no gateway, no
phone check chosen) the visitor books in Chromium and the desk sees the visit "to confirm by
phone" and confirms it after calling; a salon that chose SMS codes, with no gateway outside
production, finds the code in its own outbox (and nobody else's outbox shows it)."""

import re

import pytest
from playwright.async_api import expect
from sqlalchemy import select

from atrium.verticals.salon.models import Visit
from tests.helpers import STRONG_PASSWORD
from tests.platform.conftest import join, mails_to, new_browser, sign_in  # noqa: F401
from tests.verticals.salon.conftest import build_salon
from tests.verticals.salon.online.test_booking import NEW_PHONE, api, booking_body
from tests.web.conftest import browser, screenshot_path  # noqa: F401
from tests.web.test_browser_daily_work import SCREENS, fits_width


def watch(page) -> list[str]:
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: refused.append(str(error)))
    return refused


@pytest.mark.parametrize("screen", SCREENS)
async def test_a_fresh_salon_takes_a_booking_and_the_desk_confirms_it_by_phone(
    browser,  # noqa: F811
    live_server,
    db,
    make_workspace,
    screen,
):
    workspace = await make_workspace(f"Fresh Salon {screen}", "salon", locale="ru")
    salon = await build_salon(db, workspace)
    width = SCREENS[screen]["width"]

    visitor = await browser.new_context(viewport=SCREENS[screen])
    page = await visitor.new_page()
    refused = watch(page)
    try:
        await page.goto(f"{live_server}/book/{salon.slug}?lang=ru")
        await page.get_by_role("checkbox", name=re.compile("Haircut")).check()
        await page.get_by_role("button", name="Далее").click()
        await page.get_by_role("radio", name="Anna").check()
        await page.get_by_role("button", name="Далее").click()
        await page.locator(".book-days button:not([disabled])").nth(1).click()
        await page.locator(".book-times button").first.click()
        await page.get_by_label("Имя").fill("Ольга")
        await page.get_by_label("Телефон").fill(NEW_PHONE)
        await expect(
            page.get_by_text("Салон позвонит вам, чтобы подтвердить запись.")
        ).to_be_visible()
        await page.get_by_role("button", name="Записаться").click()
        await expect(page).to_have_url(re.compile(r"/visit/.+booked=1"))
        await expect(page.get_by_text("Вы записаны. Салон позвонит вам")).to_be_visible()
        await fits_width(page, width)
        await page.screenshot(
            path=screenshot_path(f"{screen}-salon-booked-to-call"), full_page=True
        )
    finally:
        await visitor.close()
    assert not refused, refused
    async with db.tenant_transaction(salon.schema) as session:
        [visit] = list(await session.scalars(select(Visit)))
    assert visit.to_call and visit.status == "booked" and visit.source == "online"

    desk = await browser.new_context(viewport=SCREENS[screen])
    page = await desk.new_page()
    refused = watch(page)
    try:
        await page.goto(f"{live_server}/login")
        await page.get_by_label(re.compile("E-mail|Эл. почта")).fill(workspace["user"]["email"])
        await page.get_by_label(re.compile("Password|Пароль")).fill(STRONG_PASSWORD)
        await page.get_by_role("button", name=re.compile("Sign in|Войти")).click()
        await expect(page).to_have_url(re.compile(r"/w/"))
        day = visit.starts_at.astimezone(salon.at(0).tzinfo).date().isoformat()
        await page.goto(
            f"{live_server}/w/{salon.slug}/salon/journal?location={salon.location_id}&day={day}"
        )
        await expect(page.locator("#journal-table .visit-to-call")).to_contain_text(
            "Подтвердить по телефону"
        )
        await page.goto(f"{live_server}/w/{salon.slug}/salon/journal/visits/{visit.id}")
        await expect(page.locator(".visit-call")).to_contain_text("Позвоните клиенту")
        await expect(page.locator(".visit-call a[href^='tel:']")).to_be_visible()
        await fits_width(page, width)
        await page.screenshot(path=screenshot_path(f"{screen}-salon-visit-to-call"), full_page=True)
        await page.get_by_role("button", name="Подтверждено по телефону").click()
        await expect(page.locator(".page-head .visit-status")).to_have_text("Подтверждён")
        await expect(page.locator(".visit-call")).to_have_count(0)
    finally:
        await desk.close()
    assert not refused, refused
    async with db.tenant_transaction(salon.schema) as session:
        visit = await session.get(Visit, visit.id)
    assert visit.status == "confirmed" and not visit.to_call and visit.confirmed_at


async def _choose_sms_codes(sign_in, salon) -> object:  # noqa: F811
    desk = await sign_in(salon.workspace["user"]["email"])
    csrf = desk.headers.pop("X-CSRF-Token")
    form = {
        "csrf_token": csrf, "reminder_hours": "24, 2", "rebook_days_early": "3",
        "vip_quarters": "6", "vip_spend": "15000", "channel_sms": "on", "widget_sites": "",
        "phone_check": "sms",
    }  # fmt: skip
    saved = await desk.post(f"/w/{salon.slug}/salon/catalog/settings", data=form)
    assert saved.status_code == 302, saved.text
    settings = await desk.get(f"/w/{salon.slug}/salon/catalog/settings")
    assert re.search(r'value="sms"\s+checked', settings.text)
    return desk


async def test_with_sms_codes_and_no_gateway_the_code_is_read_in_the_outbox(
    client,
    db,
    make_workspace,
    sign_in,  # noqa: F811
):
    salon = await build_salon(db, await make_workspace("Outbox Salon", "salon"))
    other = await make_workspace("Other Outbox Salon", "salon")
    desk = await _choose_sms_codes(sign_in, salon)

    asked = await client.post(
        api(salon, "bookings"), json=booking_body(salon, salon.at(11), master=salon.anna)
    )
    assert asked.status_code == 202, asked.text
    assert asked.json()["confirm_by"] == "sms"

    code_page = await client.get(
        f"/book/{salon.slug}/arbat/code/{asked.json()['request_id']}", params={"lang": "en"}
    )
    assert "the salon reads the code in Settings → Outbox" in code_page.text
    outbox = await desk.get(f"/w/{salon.slug}/settings/outbox")
    assert outbox.status_code == 200
    assert "Kept, not sent" in outbox.text
    code = re.search(r"(\d{6}) is your code to book at Liza on Arbat", outbox.text)[1]
    booked = await client.post(
        api(salon, f"bookings/{asked.json()['request_id']}/confirm"), json={"code": code}
    )
    assert booked.status_code == 201, booked.text
    assert booked.json()["to_confirm_by_phone"] is False

    # Only this workspace's outbox: another owner never sees the code, nor reaches this one.
    theirs = await sign_in(other["user"]["email"])
    their_outbox = await theirs.get(f"/w/{other['tenant']['slug']}/settings/outbox")
    assert their_outbox.status_code == 200 and code not in their_outbox.text
    reached = await theirs.get(f"/w/{salon.slug}/settings/outbox")
    assert reached.status_code == 404 and code not in reached.text
    assert (await theirs.get(f"/w/{salon.slug}/settings/messaging")).status_code == 404
    csrf = theirs.headers.pop("X-CSRF-Token")
    changed = await theirs.post(
        f"/w/{salon.slug}/settings/messaging/sms",
        data={"csrf_token": csrf, "gateway_url": "https://evil.example/send", "token": "x"},
    )
    assert changed.status_code == 404


async def test_an_employee_cannot_read_the_outbox(client, db, make_workspace, sign_in, join):  # noqa: F811
    workspace = await make_workspace("Private Outbox Salon", "salon")
    employee = await join(workspace, "employee")
    staff = await sign_in(employee["email"])
    answer = await staff.get(f"/w/{workspace['tenant']['slug']}/settings/outbox")
    assert answer.status_code == 403


async def test_a_plan_with_no_sms_still_books_sms_salons_to_confirm_by_phone(client, db, salon):
    """The salon chose SMS codes and has a gateway, but its plan includes no SMS (as Free):
    no code can go, so the booking completes and waits for the desk's call."""
    from sqlalchemy import update

    from atrium.platform.tenancy.models import Tenant
    from tests.verticals.salon.online.test_booking import last_sms, sms_gateway

    await sms_gateway(client, salon)
    async with db.shared_transaction() as session:
        tenant = await session.scalar(select(Tenant).where(Tenant.slug == salon.slug))
        await session.execute(
            update(Tenant)
            .where(Tenant.id == tenant.id)
            .values(entitlements={**tenant.entitlements, "sms_per_month": 0})
        )
    answer = await client.post(
        api(salon, "bookings"), json=booking_body(salon, salon.at(10), master=salon.anna)
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["confirm_by"] == "none"
    assert answer.json()["visit"]["to_confirm_by_phone"] is True
    assert await last_sms(db, salon, "booking_code") is None
