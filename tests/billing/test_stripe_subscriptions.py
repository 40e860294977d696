"""Paid plans against localstripe: subscribe, upgrade, switch to yearly, cancel and resume,
a failed payment through dunning to read-only and back, seats synced, invoices listed."""

from datetime import timedelta

from atrium.billing.subscriptions.tasks import scan_billing
from atrium.platform.db.types import utcnow
from tests.billing.conftest import (
    FAILING_CARD,
    GOOD_CARD,
    set_row,
    subscription_row,
    wait_for,
)


async def subscribed(client, make_workspace, db, stripe_side, plan="start", company="Paid Salon"):
    owner = await make_workspace(company=company)
    # No card yet: the API says so (the page then opens Stripe's hosted form).
    refused = await client.put("/api/v1/billing/subscription", json={"plan": plan},
                               headers=owner["headers"])  # fmt: skip
    assert refused.status_code == 402 and "card" in refused.json()["detail"]
    row = await subscription_row(db, owner["tenant"]["slug"])
    assert row.stripe_customer_id  # the Stripe customer was made on the way
    stripe_side.use_card(row.stripe_customer_id, GOOD_CARD)
    answer = await client.put("/api/v1/billing/subscription", json={"plan": plan},
                              headers=owner["headers"])  # fmt: skip
    assert answer.status_code == 200, answer.text
    return owner, answer.json()


async def test_subscribing_starts_a_paid_plan_billed_per_seat(
    client, make_workspace, db, stripe_side
):
    owner, body = await subscribed(client, make_workspace, db, stripe_side)
    assert (body["plan"], body["status"], body["seats"]) == ("start", "active", 1)
    assert body["current_period_end"] is not None
    row = await subscription_row(db, owner["tenant"]["slug"])
    stripe_subscription = stripe_side.subscription(row.stripe_subscription_id)
    assert stripe_subscription["items"]["data"][0]["plan"]["id"] == "atrium-start-month-usd"
    assert stripe_subscription["items"]["data"][0]["plan"]["amount"] == 1200  # $12 a seat
    invoices = (await client.get("/api/v1/billing/invoices", headers=owner["headers"])).json()
    assert [(i["status"], i["total"], i["currency"]) for i in invoices] == [
        ("paid", "12.00", "USD")
    ]
    usage = (await client.get("/api/v1/billing/usage", headers=owner["headers"])).json()
    assert usage["seats"]["limit"] == 5


async def test_upgrade_yearly_cancel_and_resume(client, make_workspace, db, stripe_side):
    owner, _ = await subscribed(client, make_workspace, db, stripe_side, company="Growing Salon")
    headers = owner["headers"]
    upgraded = await client.put("/api/v1/billing/subscription", json={"plan": "business"},
                                headers=headers)  # fmt: skip
    assert upgraded.status_code == 200, upgraded.text
    assert upgraded.json()["plan"] == "business"
    invoices = (await client.get("/api/v1/billing/invoices", headers=headers)).json()
    assert len(invoices) == 2  # the prorated difference was invoiced at once
    yearly_business = {"plan": "business", "interval": "year"}
    yearly = await client.put("/api/v1/billing/subscription", json=yearly_business,
                              headers=headers)  # fmt: skip
    assert yearly.json()["interval"] == "year"
    row = await subscription_row(db, owner["tenant"]["slug"])
    item = stripe_side.subscription(row.stripe_subscription_id)["items"]["data"][0]
    assert (item["plan"]["id"], item["plan"]["amount"]) == ("atrium-business-year-usd", 25000)

    cancelled = await client.post("/api/v1/billing/subscription/cancel", headers=headers)
    assert cancelled.json()["cancel_at_period_end"] is True
    assert cancelled.json()["plan"] == "business"  # paid until the period ends
    assert stripe_side.subscription(row.stripe_subscription_id)["cancel_at_period_end"] is True
    resumed = await client.post("/api/v1/billing/subscription/resume", headers=headers)
    assert resumed.json()["cancel_at_period_end"] is False

    downgraded = await client.put("/api/v1/billing/subscription", json={"plan": "start"},
                                  headers=headers)  # fmt: skip
    assert downgraded.json()["plan"] == "start"
    usage = (await client.get("/api/v1/billing/usage", headers=headers)).json()
    assert usage["seats"]["limit"] == 5 and usage["contacts"]["limit"] == 5000


async def test_a_failed_payment_goes_past_due_then_read_only_and_paying_restores_it(
    client, make_workspace, db, settings, stripe_side, webhooks_to_app, mails_to
):
    owner, _ = await subscribed(client, make_workspace, db, stripe_side, company="Late Salon")
    slug, headers = owner["tenant"]["slug"], owner["headers"]
    row = await subscription_row(db, slug)
    stripe_side.use_card(row.stripe_customer_id, FAILING_CARD)
    stripe_side.bill_again(row.stripe_subscription_id)
    assert stripe_side.subscription(row.stripe_subscription_id)["status"] == "past_due"

    # localstripe's signed webhook reaches the app; the job re-reads Stripe and applies it.
    async def past_due():
        body = (await client.get("/api/v1/billing/subscription", headers=headers)).json()
        return body if body["status"] == "past_due" else None

    body = await wait_for(past_due)
    assert body["read_only"] is False and body["grace_ends_at"] is not None
    assert any("could not collect" in mail for mail in await mails_to(owner["user"]["email"]))
    still_works = await client.post("/api/v1/contacts", json={"first_name": "During grace"},
                                    headers=headers)  # fmt: skip
    assert still_works.status_code == 201

    # A retry with the same failing card changes nothing but the next try's date. (The scan
    # skips a row a webhook's job holds at that moment, so it runs until it got to it.)
    await set_row(db, slug, next_retry_at=utcnow() - timedelta(seconds=1))

    async def retried():
        await scan_billing(db, settings)
        row = await subscription_row(db, slug)
        return row if row.retries else None

    row = await wait_for(retried)
    assert (row.status, row.retries) == ("past_due", 1) and row.next_retry_at > utcnow()

    # The grace period runs out: read-only, nothing deleted.
    await set_row(db, slug, grace_ends_at=utcnow() - timedelta(seconds=1))

    async def read_only():
        await scan_billing(db, settings)
        body = (await client.get("/api/v1/billing/subscription", headers=headers)).json()
        return body["read_only"]

    await wait_for(read_only)
    refused = await client.post("/api/v1/contacts", json={"first_name": "Refused"},
                                headers=headers)  # fmt: skip
    assert refused.status_code == 402
    assert any("read-only" in mail for mail in await mails_to(owner["user"]["email"]))

    # The owner fixes the card; the next retry collects, and the workspace opens at once.
    stripe_side.use_card(row.stripe_customer_id, GOOD_CARD)
    await set_row(db, slug, next_retry_at=utcnow() - timedelta(seconds=1))

    async def paid():
        await scan_billing(db, settings)
        body = (await client.get("/api/v1/billing/subscription", headers=headers)).json()
        return body if body["status"] == "active" else None

    body = await wait_for(paid)
    assert body["read_only"] is False
    reopened = await client.post("/api/v1/contacts", json={"first_name": "Paid again"},
                                 headers=headers)  # fmt: skip
    assert reopened.status_code == 201, reopened.text


async def test_seats_follow_the_members(client, make_workspace, db, settings, stripe_side, join):
    owner, body = await subscribed(client, make_workspace, db, stripe_side, company="Team Salon")
    assert body["seats"] == 1
    await join(owner, "employee")
    await scan_billing(db, settings)
    row = await subscription_row(db, owner["tenant"]["slug"])
    assert row.seats == 2
    assert stripe_side.subscription(row.stripe_subscription_id)["quantity"] == 2


async def test_choosing_free_cancels_the_paid_plan_at_the_period_end(
    client, make_workspace, db, stripe_side
):
    owner, _ = await subscribed(client, make_workspace, db, stripe_side, company="Leaving Salon")
    answer = await client.put("/api/v1/billing/subscription", json={"plan": "free"},
                              headers=owner["headers"])  # fmt: skip
    body = answer.json()
    assert (body["plan"], body["cancel_at_period_end"]) == ("start", True)


async def test_a_card_saved_by_stripes_form_without_being_default_is_used(
    client, make_workspace, db, stripe_side
):
    owner = await make_workspace(company="Checkout Salon")
    await client.put("/api/v1/billing/subscription", json={"plan": "start"},
                     headers=owner["headers"])  # fmt: skip
    row = await subscription_row(db, owner["tenant"]["slug"])
    # Stripe's hosted form (setup mode) attaches the card to the customer, nothing more.
    method = stripe_side.client.v1.payment_methods.create(
        params={
            "type": "card",
            "card": {"number": GOOD_CARD, "exp_month": 12, "exp_year": 2035, "cvc": "123"},
        }  # fmt: skip
    )
    stripe_side.client.v1.payment_methods.attach(
        method.id, params={"customer": row.stripe_customer_id}
    )
    answer = await client.put("/api/v1/billing/subscription", json={"plan": "start"},
                              headers=owner["headers"])  # fmt: skip
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "active"
