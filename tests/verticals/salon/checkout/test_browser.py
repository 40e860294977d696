"""The checkout page in Chromium: Enter in "Pay with points" recalculates the bill and never
takes the payment (Russian and English, a 375 px phone and a desk)."""

import re

from atrium.verticals.salon.models import Visit
from tests.verticals.salon.checkout.test_checkout import book, give_card
from tests.web.conftest import browser, screenshot_path  # noqa: F401

SIZES = {"phone": {"width": 375, "height": 812}, "desk": {"width": 1280, "height": 900}}


async def test_enter_in_pay_with_points_recalculates_and_does_not_check_out(
    browser,  # noqa: F811
    live_server,
    db,
    salon,
):
    import playwright.async_api as pw

    await give_card(db, salon, points=300)
    hour = 10
    for lang in ("ru", "en"):
        for size, viewport in SIZES.items():
            visit_id = await book(db, salon, hour)
            hour += 1
            context = await browser.new_context(viewport=viewport)
            try:
                page = await context.new_page()
                await page.goto(f"{live_server}/login")
                await page.locator("input[name=email]").fill(salon.workspace["user"]["email"])
                await page.locator("input[name=password]").fill(salon.workspace["password"])
                await page.locator("form button[type=submit]").click()
                await page.wait_for_url(f"{live_server}/w/**")
                checkout = f"{live_server}/w/{salon.slug}/salon/visits/{visit_id}/checkout"
                await page.goto(f"{checkout}?lang={lang}")
                to_pay = page.locator("dd.total")
                before = await to_pay.inner_text()
                # A payment method chosen: "Check out" would succeed if Enter pressed it.
                await page.locator("input[name=payment_method][value=card]").check()
                points = page.locator("#redeem_points")
                await points.fill("50")
                async with page.expect_navigation():
                    await points.press("Enter")
                await pw.expect(page).to_have_url(re.compile(r"/checkout$"))
                await pw.expect(page.locator("#redeem_points")).to_have_value("50")
                after = await page.locator("dd.total").inner_text()
                assert after != before and "450" in after, (lang, size, before, after)
                await page.screenshot(path=screenshot_path(f"checkout-enter-{lang}-{size}"))
            finally:
                await context.close()
            async with db.tenant_transaction(salon.schema) as session:
                visit = await session.get(Visit, visit_id)
                assert (visit.status, visit.paid) == ("booked", 0), (lang, size)
