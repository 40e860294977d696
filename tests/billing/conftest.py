"""Billing against localstripe (a stateful fake Stripe server from PyPI) on loopback, the app
served over real HTTP so localstripe's signed webhooks reach it, and the real job worker."""

import asyncio
import os
import time

import httpx
import pytest
import stripe
from sqlalchemy import select, update

from atrium.billing.subscriptions.models import Subscription
from atrium.platform.tenancy.models import Tenant
from tests.platform.conftest import join, mails_to, new_browser, sign_in  # noqa: F401

GOOD_CARD = "4242424242424242"
FAILING_CARD = "4000000000000341"  # attaches, then every charge fails


@pytest.fixture(scope="session")
def stripe_side(localstripe):
    """Stripe as the customer's browser and Stripe's own clock see it: cards entered on the
    hosted page, renewals that charge the card."""
    return StripeSide(
        stripe.StripeClient(os.environ["STRIPE_API_KEY"], base_addresses={"api": localstripe})
    )


class StripeSide:
    def __init__(self, client: stripe.StripeClient) -> None:
        self.client = client

    def use_card(self, customer: str, number: str) -> None:
        """What Stripe's hosted card form does: attach the card, make it the default."""
        method = self.client.v1.payment_methods.create(
            params={
                "type": "card",
                "card": {"number": number, "exp_month": 12, "exp_year": 2035, "cvc": "123"},
            }
        )
        self.client.v1.payment_methods.attach(method.id, params={"customer": customer})
        self.client.v1.customers.update(
            customer, params={"invoice_settings": {"default_payment_method": method.id}}
        )

    def bill_again(self, subscription: str) -> None:
        """A new invoice charged to the default card at once, as a renewal is. localstripe bills
        immediately only when the interval changes, so its plan switches month <-> year."""
        item = self.client.v1.subscriptions.retrieve(subscription)["items"].data[0]
        plan = item.plan
        swap = ("-month-", "-year-") if "-month-" in plan.id else ("-year-", "-month-")
        other = plan.id.replace(*swap)
        try:
            self.client.v1.plans.retrieve(other)
        except stripe.InvalidRequestError:
            self.client.v1.plans.create(
                params={
                    "id": other,
                    # Far above the unused time localstripe credits (it counts more invoices
                    # than this subscription's), so the new invoice has something to charge.
                    "amount": plan.amount * 1000,
                    "currency": plan.currency,
                    "interval": "year" if swap[1] == "-year-" else "month",
                    "product": {"name": other},
                }
            )
        self.client.v1.subscriptions.update(
            subscription,
            params={"items": [{"id": item.id, "plan": other, "quantity": item.quantity}]},
        )

    def subscription(self, subscription: str) -> dict:
        return self.client.v1.subscriptions.retrieve(subscription).to_dict()

    def events(self) -> list[dict]:
        found = self.client.v1.events.list(params={"limit": 100})
        return [event.to_dict() for event in found.auto_paging_iter()]


@pytest.fixture(scope="session")
async def webhooks_to_app(localstripe, live_server, worker):
    """localstripe signs and sends its events to the served app; the worker applies them."""
    async with httpx.AsyncClient() as http:
        answer = await http.post(
            f"{localstripe}/_config/webhooks/atrium",
            data={
                "url": f"{live_server}/webhooks/stripe",
                "secret": os.environ["STRIPE_WEBHOOK_SECRET"],
            },
        )
        assert answer.status_code == 200, answer.text
    return live_server


async def subscription_row(db, slug: str) -> Subscription:
    async with db.shared_transaction() as session:
        return await session.scalar(
            select(Subscription)
            .join(Tenant, Tenant.id == Subscription.tenant_id)
            .where(Tenant.slug == slug)
        )


async def set_row(db, slug: str, **values) -> None:
    """Move a subscription's clock or state by hand (a trial's end, a grace period's end)."""
    async with db.shared_transaction() as session:
        tenant_id = await session.scalar(select(Tenant.id).where(Tenant.slug == slug))
        await session.execute(
            update(Subscription).where(Subscription.tenant_id == tenant_id).values(**values)
        )


async def wait_for(check, timeout_s: float = 15.0):
    deadline = time.monotonic() + timeout_s
    while True:
        result = await check()
        if result:
            return result
        assert time.monotonic() < deadline, "timed out waiting"
        await asyncio.sleep(0.1)
