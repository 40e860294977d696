"""The billing page: the plan and its standing, usage against the limits, changing plan with a
card from Stripe, cancelling, invoices; owners only change it; Russian; other workspaces 404."""

from datetime import timedelta

from atrium.platform.db.types import utcnow
from tests.billing.conftest import GOOD_CARD, set_row, subscription_row


async def signed_in(make_workspace, sign_in, company: str, locale: str = "en"):
    workspace = await make_workspace(company=company, locale=locale)
    browser = await sign_in(workspace["user"]["email"], slug=None)
    csrf = browser.headers.pop("X-CSRF-Token")  # forms carry it as a field, as a browser does
    return workspace, browser, csrf


def choice(csrf: str, plan: str) -> dict:
    return {"csrf_token": csrf, "plan": plan, "interval": "month"}


def page_of(workspace) -> str:
    return f"/w/{workspace['tenant']['slug']}/settings/billing"


async def test_the_owner_sees_the_trial_usage_and_plans_with_prices(make_workspace, sign_in):
    workspace, browser, _ = await signed_in(make_workspace, sign_in, "Billing Page Salon")
    answer = await browser.get(page_of(workspace))
    assert answer.status_code == 200, answer.text
    text = answer.text
    assert "Your plan: Business" in text and "Free trial until" in text
    assert "Users</span>" in text and "1 / 50" in text  # usage against the limit
    for name in ("Free", "Start", "Business", "Network"):
        assert f"Switch to {name}" in text
    assert "$12.00" in text  # Start, a user a month, in the workspace's currency (USD here)
    yearly = await browser.get(page_of(workspace) + "?interval=year")
    assert "$120.00" in yearly.text
    index = await browser.get(f"/w/{workspace['tenant']['slug']}/settings")
    assert "Plan and billing" in index.text


async def test_the_page_speaks_russian_with_roubles(make_workspace, sign_in):
    workspace, browser, _ = await signed_in(make_workspace, sign_in, "Салон Оплата", "ru")
    answer = await browser.get(page_of(workspace) + "?lang=ru")
    assert answer.status_code == 200
    assert "Тариф и оплата" in answer.text and "Пробный период до" in answer.text
    assert "990,00\xa0₽" in answer.text  # Start, a user a month


async def test_choosing_free_from_the_page_and_the_card_refusal_is_a_message(
    make_workspace, sign_in, localstripe
):
    workspace, browser, csrf = await signed_in(make_workspace, sign_in, "Page Choices Salon")
    no_card = await browser.post(page_of(workspace) + "/plan",
                                 data=choice(csrf, "start"))  # fmt: skip
    assert no_card.status_code == 402
    assert (
        "Add a payment card first" in no_card.text and "<h1>Plan and billing</h1>" in no_card.text
    )
    free = await browser.post(page_of(workspace) + "/plan",
                              data=choice(csrf, "free"))  # fmt: skip
    assert free.status_code == 302
    shown = await browser.get(free.headers["location"])
    assert "Your plan is changed." in shown.text and "Your plan: Free" in shown.text


async def test_subscribing_from_the_page_lists_the_invoice_and_offers_cancel(
    make_workspace, sign_in, db, stripe_side
):
    workspace, browser, csrf = await signed_in(make_workspace, sign_in, "Page Paying Salon")
    await browser.post(page_of(workspace) + "/plan",
                       data=choice(csrf, "start"))  # fmt: skip
    row = await subscription_row(db, workspace["tenant"]["slug"])
    stripe_side.use_card(row.stripe_customer_id, GOOD_CARD)  # as Stripe's card form does
    paid = await browser.post(page_of(workspace) + "/plan",
                              data=choice(csrf, "start"))  # fmt: skip
    assert paid.status_code == 302, paid.text
    shown = (await browser.get(page_of(workspace))).text
    assert "Your plan: Start" in shown and "Renews on" in shown
    assert "Paid" in shown and "$12.00" in shown  # the first invoice
    assert "Cancel the subscription" in shown
    cancelled = await browser.post(page_of(workspace) + "/cancel", data={"csrf_token": csrf})
    shown = (await browser.get(cancelled.headers["location"])).text
    assert "Ends on" in shown and "Resume the subscription" in shown


async def test_an_employee_sees_the_plan_but_cannot_change_it(
    make_workspace, sign_in, join, localstripe
):
    workspace, _, _ = await signed_in(make_workspace, sign_in, "Page Staff Salon")
    employee = await join(workspace, "employee")
    browser = await sign_in(employee["email"], slug=None)
    csrf = browser.headers.pop("X-CSRF-Token")
    shown = await browser.get(page_of(workspace))
    assert shown.status_code == 200 and "Switch to" not in shown.text
    assert "Invoices" not in shown.text
    refused = await browser.post(page_of(workspace) + "/plan",
                                 data=choice(csrf, "free"))  # fmt: skip
    assert refused.status_code == 403
    assert "Only the owner changes the plan" in refused.text


async def test_a_read_only_workspace_says_so_everywhere_and_keeps_billing_open(
    make_workspace, sign_in, db, settings, localstripe
):
    from atrium.billing.subscriptions.tasks import scan_billing

    workspace, browser, csrf = await signed_in(make_workspace, sign_in, "Page Overdue Salon")
    slug = workspace["tenant"]["slug"]
    await set_row(db, slug, status="past_due", grace_ends_at=utcnow() + timedelta(days=2))
    home = await browser.get(f"/w/{slug}/")
    assert "The last payment failed" in home.text  # the owner is told on every page
    await set_row(db, slug, grace_ends_at=utcnow() - timedelta(minutes=1))
    await scan_billing(db, settings)
    home = await browser.get(f"/w/{slug}/")
    assert "read-only until its overdue invoice is paid" in home.text
    refused = await browser.post(f"/w/{slug}/contacts",
                                 data={"csrf_token": csrf, "first_name": "Nope"})  # fmt: skip
    assert refused.status_code == 402
    assert "read-only" in refused.text and "<html" in refused.text  # a page, not JSON
    still_open = await browser.post(page_of(workspace) + "/plan", data=choice(csrf, "start"))
    assert "Add a payment card first" in still_open.text  # billing answers, not the lock


async def test_another_workspaces_billing_page_is_not_found(make_workspace, sign_in, client):
    mine, browser, csrf = await signed_in(make_workspace, sign_in, "Page Mine Salon")
    theirs = await make_workspace(company="Page Theirs Salon")
    assert (await browser.get(page_of(theirs))).status_code == 404
    posted = await browser.post(page_of(theirs) + "/plan",
                                data={"csrf_token": csrf, "plan": "free"})  # fmt: skip
    assert posted.status_code == 404
    plan = await client.get("/api/v1/billing/subscription", headers=theirs["headers"])
    assert plan.json()["plan"] == "business"  # untouched
