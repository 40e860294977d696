"""A salon's day end to end in Chromium: a client books on the public page on a 375 px phone;
the administrator sees the visit in the journal at the desk, opens it and checks it out."""

import re

from sqlalchemy import select

from atrium.verticals.salon.models import Visit
from tests.verticals.salon.online.test_booking import NEW_PHONE, code_sent, sms_gateway_in
from tests.web.conftest import browser, screenshot_path  # noqa: F401


async def test_a_phone_booking_is_seen_in_the_journal_and_checked_out(
    browser,  # noqa: F811
    live_server,
    db,
    salon,
):
    import playwright.async_api as pw

    from tests.web.test_browser_daily_work import fits_width

    await sms_gateway_in(db, salon)
    problems: list[str] = []
    phone = await browser.new_context(viewport={"width": 375, "height": 812})
    desk = await browser.new_context(viewport={"width": 1280, "height": 1000})
    for context in (phone, desk):
        context.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    try:
        client = await phone.new_page()
        await client.goto(f"{live_server}/book/{salon.slug}?lang=en")
        await client.get_by_role("checkbox", name=re.compile("Haircut")).check()
        await client.get_by_role("button", name="Next").click()
        await client.get_by_role("radio", name="Anna").check()
        await client.get_by_role("button", name="Next").click()
        await client.locator(".book-days button:not([disabled])").first.click()
        await client.locator(".book-times button").first.click()
        await client.get_by_label("First name").fill("Olga")
        await client.get_by_label("Last name").fill("Petrova")
        await client.get_by_label("Phone").fill(NEW_PHONE)
        await client.get_by_role("button", name="Get the code").click()
        await pw.expect(client.get_by_role("heading", name="Enter the code")).to_be_visible()
        await client.get_by_label("Code from the SMS").fill(await code_sent(db, salon))
        await client.get_by_role("button", name="Confirm the booking").click()
        await pw.expect(client.get_by_text("You are booked")).to_be_visible()
        await fits_width(client, 375)
        async with db.tenant_transaction(salon.schema) as session:
            [visit] = list(await session.scalars(select(Visit)))
        day = visit.starts_at.astimezone(salon.at(0).tzinfo).date()

        admin = await desk.new_page()
        await admin.goto(f"{live_server}/login")
        await admin.get_by_label("E-mail").fill(salon.workspace["user"]["email"])
        await admin.get_by_label("Password").fill(salon.workspace["password"])
        await admin.get_by_role("button", name="Sign in").click()
        await admin.wait_for_url(f"{live_server}/w/**")
        await admin.goto(f"{live_server}/w/{salon.slug}/salon/journal?day={day.isoformat()}")
        block = admin.locator(".ec-event", has_text="Olga")
        await block.wait_for()
        await admin.screenshot(path=screenshot_path("salon-day-journal-desk"))
        await block.click()
        await admin.wait_for_url(re.compile(r"/salon/journal/visits/"))
        await admin.get_by_role("link", name="Check out").click()
        await admin.wait_for_url(re.compile(r"/salon/visits/.+/checkout"))
        await admin.locator("input[name=payment_method][value=card]").check()
        await admin.get_by_role("button", name="Check out").click()
        await pw.expect(admin.get_by_role("heading", name="Sales receipt")).to_be_visible()
        await admin.screenshot(path=screenshot_path("salon-day-receipt-desk"))
    finally:
        await phone.close()
        await desk.close()
    assert not problems, problems
    async with db.tenant_transaction(salon.schema) as session:
        visit = await session.get(Visit, visit.id)
        assert (visit.status, visit.source, visit.payment_method) == ("done", "online", "card")
        assert visit.paid == 2500
