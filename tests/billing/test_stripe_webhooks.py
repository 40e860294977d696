"""Stripe's webhooks: verified, stored once by id, applied by a job that re-reads Stripe, so
replays, bursts and any order of delivery end in the same state; forgeries change nothing."""

import asyncio
import hashlib
import hmac
import json
import os
import random
import time

from sqlalchemy import func, select

from atrium.billing.subscriptions.models import StripeEvent
from tests.billing.conftest import FAILING_CARD, set_row, subscription_row, wait_for
from tests.billing.test_stripe_subscriptions import subscribed


def signed(event: dict, *, secret: str | None = None, at: int | None = None) -> tuple[bytes, dict]:
    body = json.dumps(event).encode()
    timestamp = at if at is not None else int(time.time())
    secret = secret or os.environ["STRIPE_WEBHOOK_SECRET"]
    signature = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return body, {
        "Stripe-Signature": f"t={timestamp},v1={signature.hexdigest()}",
        "Content-Type": "application/json",
    }


async def stored(db, event_id: str) -> StripeEvent | None:
    async with db.shared_transaction() as session:
        return await session.get(StripeEvent, event_id)


def events_of(stripe_side, subscription_id: str) -> list[dict]:
    found = []
    for event in stripe_side.events():
        target = event["data"]["object"]
        if subscription_id in (target.get("id"), target.get("subscription")):
            found.append(event)
    return found


async def failing_subscription(client, make_workspace, db, stripe_side, company):
    owner, _ = await subscribed(client, make_workspace, db, stripe_side, company=company)
    row = await subscription_row(db, owner["tenant"]["slug"])
    stripe_side.use_card(row.stripe_customer_id, FAILING_CARD)
    stripe_side.bill_again(row.stripe_subscription_id)
    return owner, row


async def test_one_event_delivered_100_times_20_at_once_has_one_effect(
    client, make_workspace, db, stripe_side, worker, drained, mails_to
):
    owner, row = await failing_subscription(client, make_workspace, db, stripe_side, "Burst")
    event = next(
        e
        for e in events_of(stripe_side, row.stripe_subscription_id)
        if e["type"] == "invoice.created"
    )
    event = {**event, "id": f"{event['id']}_burst"}  # not the one localstripe itself sends
    body, headers = signed(event)
    for _ in range(5):
        answers = await asyncio.gather(
            *(client.post("/webhooks/stripe", content=body, headers=headers) for _ in range(20))
        )
        assert {answer.status_code for answer in answers} == {200}
    await drained()

    async def applied():
        found = await stored(db, event["id"])
        return found is not None and found.processed_at is not None

    await wait_for(applied)
    async with db.shared_transaction() as session:
        copies = await session.scalar(
            select(func.count()).select_from(StripeEvent).where(StripeEvent.id == event["id"])
        )
    assert copies == 1
    failed_mails = [m for m in await mails_to(owner["user"]["email"]) if "could not collect" in m]
    assert len(failed_mails) == 1
    assert (await subscription_row(db, owner["tenant"]["slug"])).status == "past_due"


async def test_any_order_of_delivery_ends_in_stripes_state(
    client, make_workspace, db, stripe_side, worker, drained
):
    owner, row = await failing_subscription(client, make_workspace, db, stripe_side, "Shuffle")
    slug = owner["tenant"]["slug"]
    events = events_of(stripe_side, row.stripe_subscription_id)
    assert len(events) >= 3
    truth = stripe_side.subscription(row.stripe_subscription_id)
    outcomes = set()
    for round_ in range(3):
        # Our record drifts (as if it missed everything), then the events come in any order.
        await set_row(db, slug, status="active", plan="start", interval="month", seats=7,
                      past_due_since=None, grace_ends_at=None)  # fmt: skip
        shuffled = random.Random(round_).sample(events, len(events))
        for event in shuffled:
            body, headers = signed({**event, "id": f"{event['id']}_r{round_}"})
            answer = await client.post("/webhooks/stripe", content=body, headers=headers)
            assert answer.status_code == 200
        await drained()

        async def settled():
            now = await subscription_row(db, slug)
            return now if now.status == "past_due" else None

        now = await wait_for(settled)
        outcomes.add((now.status, now.plan, now.interval, now.seats))
    item = truth["items"]["data"][0]
    assert outcomes == {("past_due", "start", item["plan"]["interval"], item["quantity"])}


async def test_forged_stale_or_unsigned_webhooks_are_refused_and_change_nothing(
    client, make_workspace, db, stripe_side
):
    owner, _ = await subscribed(client, make_workspace, db, stripe_side, company="Forged Salon")
    row = await subscription_row(db, owner["tenant"]["slug"])
    event = {
        "id": "evt_forged",
        "type": "customer.subscription.deleted",
        "created": int(time.time()),
        "data": {"object": {"object": "subscription", "id": row.stripe_subscription_id}},
    }
    attempts = [
        signed(event, secret="whsec_not_ours"),
        signed(event, at=int(time.time()) - 3600),  # an old signature replayed
        (json.dumps(event).encode(), {"Content-Type": "application/json"}),
    ]
    for body, headers in attempts:
        answer = await client.post("/webhooks/stripe", content=body, headers=headers)
        assert answer.status_code == 400, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
    assert await stored(db, "evt_forged") is None
    assert (await subscription_row(db, owner["tenant"]["slug"])).status == "active"
