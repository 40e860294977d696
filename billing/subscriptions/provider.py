"""The payment provider behind billing: a small interface, and Stripe as its one implementation.

This is the only module that imports ``stripe``. Objects come back as plain dicts in Stripe's
shape; errors become DomainErrors (a declined card is a 402, Stripe out of reach a 503).
Subscriptions use Stripe plans (``items=[{"plan": ...}]``), which both Stripe and localstripe take.
"""

from typing import Any, Protocol

import stripe

from atrium.platform.config import Settings
from atrium.platform.errors import DomainError, Invalid, LimitReached


class PaymentsUnavailable(DomainError):
    status = 503
    title = "Payments unavailable"


class BadSignature(Exception):
    """A webhook whose signature is wrong or too old."""


class PaymentProvider(Protocol):
    async def ensure_plan(
        self, plan_id: str, *, name: str, amount: int, currency: str, interval: str
    ) -> None: ...
    async def create_customer(self, *, email: str, name: str, tenant_id: str) -> str: ...
    async def has_payment_method(self, customer_id: str) -> bool: ...
    async def checkout_url(self, customer_id: str, *, return_url: str) -> str: ...
    async def create_subscription(
        self, customer_id: str, *, plan_id: str, quantity: int, tenant_id: str
    ) -> dict[str, Any]: ...
    async def update_subscription(self, subscription_id: str, **changes: Any) -> dict[str, Any]: ...
    async def subscription(self, subscription_id: str) -> dict[str, Any] | None: ...
    async def invoice_now(self, customer_id: str, subscription_id: str) -> None: ...
    async def invoices(self, customer_id: str, limit: int = 24) -> list[dict[str, Any]]: ...
    async def retry_open_invoices(self, subscription_id: str) -> bool: ...
    def verify_webhook(self, payload: bytes, signature: str) -> dict[str, Any]: ...


def _translate(error: stripe.StripeError) -> DomainError:
    if isinstance(error, stripe.CardError):
        return LimitReached("The card was refused: %(reason)s", reason=error.user_message or "")
    if isinstance(error, stripe.APIConnectionError | stripe.RateLimitError):
        return PaymentsUnavailable("The payment service cannot be reached; try again shortly.")
    status = getattr(error, "http_status", None) or 0
    if isinstance(error, stripe.InvalidRequestError) or 400 <= status < 500:
        return Invalid("The payment service refused the request: %(reason)s", reason=str(error))
    return PaymentsUnavailable("The payment service failed; try again shortly.")


class StripeProvider:
    def __init__(self, api_key: str, webhook_secret: str | None, api_base: str | None) -> None:
        addresses = {"api": api_base.rstrip("/")} if api_base else {}
        self.client = stripe.StripeClient(
            api_key,
            base_addresses=addresses,
            http_client=stripe.HTTPXClient(),
            max_network_retries=2,
        )
        self.webhook_secret = webhook_secret

    async def _call(self, method, *args, **kwargs) -> dict[str, Any]:
        try:
            return (await method(*args, **kwargs)).to_dict()
        except stripe.StripeError as error:
            raise _translate(error) from None

    async def ensure_plan(
        self, plan_id: str, *, name: str, amount: int, currency: str, interval: str
    ) -> None:
        try:
            await self.client.v1.plans.retrieve_async(plan_id)
            return
        except stripe.InvalidRequestError as error:
            if error.http_status != 404:
                raise _translate(error) from None
        except stripe.StripeError as error:
            raise _translate(error) from None
        await self._call(
            self.client.v1.plans.create_async,
            params={
                "id": plan_id,
                "amount": amount,
                "currency": currency.lower(),
                "interval": interval,
                "product": {"name": f"Atrium {name}"},
            },
        )

    async def create_customer(self, *, email: str, name: str, tenant_id: str) -> str:
        customer = await self._call(
            self.client.v1.customers.create_async,
            params={"email": email, "name": name, "metadata": {"tenant_id": tenant_id}},
        )
        return customer["id"]

    async def has_payment_method(self, customer_id: str) -> bool:
        """A card to charge: the default one, else the newest card the customer saved (Stripe's
        hosted form saves it without making it the default), which becomes the default."""
        customer = await self._call(self.client.v1.customers.retrieve_async, customer_id)
        settings = customer.get("invoice_settings") or {}
        if settings.get("default_payment_method") or customer.get("default_source"):
            return True
        cards = await self._call(
            self.client.v1.payment_methods.list_async,
            params={"customer": customer_id, "type": "card", "limit": 100},
        )
        if not cards["data"]:
            return False
        await self._call(
            self.client.v1.customers.update_async,
            customer_id,
            params={"invoice_settings": {"default_payment_method": cards["data"][0]["id"]}},
        )
        return True

    async def checkout_url(self, customer_id: str, *, return_url: str) -> str:
        """Stripe's hosted page where the customer enters a card (we never see card numbers)."""
        session = await self._call(
            self.client.v1.checkout.sessions.create_async,
            params={
                "mode": "setup",
                "customer": customer_id,
                "payment_method_types": ["card"],
                "success_url": return_url,
                "cancel_url": return_url,
            },
        )
        return session["url"]

    async def create_subscription(
        self, customer_id: str, *, plan_id: str, quantity: int, tenant_id: str
    ) -> dict[str, Any]:
        return await self._call(
            self.client.v1.subscriptions.create_async,
            params={
                "customer": customer_id,
                "items": [{"plan": plan_id, "quantity": quantity}],
                "metadata": {"tenant_id": tenant_id},
            },
        )

    async def update_subscription(self, subscription_id: str, **changes: Any) -> dict[str, Any]:
        """``plan_id``/``quantity`` change the one item (Stripe prorates by default);
        ``cancel_at_period_end`` cancels or resumes."""
        params: dict[str, Any] = {}
        if "plan_id" in changes or "quantity" in changes:
            current = await self.subscription(subscription_id)
            if current is None:
                raise Invalid("Stripe has no subscription %(id)s.", id=subscription_id)
            item = current["items"]["data"][0]
            params["items"] = [
                {
                    "id": item["id"],
                    "plan": changes.get("plan_id") or item["plan"]["id"],
                    "quantity": changes.get("quantity") or item["quantity"],
                }
            ]
        if "cancel_at_period_end" in changes:
            params["cancel_at_period_end"] = changes["cancel_at_period_end"]
        return await self._call(
            self.client.v1.subscriptions.update_async, subscription_id, params=params
        )

    async def subscription(self, subscription_id: str) -> dict[str, Any] | None:
        try:
            found = await self.client.v1.subscriptions.retrieve_async(subscription_id)
        except stripe.InvalidRequestError as error:
            if error.http_status == 404:
                return None
            raise _translate(error) from None
        except stripe.StripeError as error:
            raise _translate(error) from None
        return found.to_dict()

    async def invoice_now(self, customer_id: str, subscription_id: str) -> None:
        """Bill what is pending (an upgrade's proration) at once instead of at renewal."""
        invoice = await self._call(
            self.client.v1.invoices.create_async,
            params={"customer": customer_id, "subscription": subscription_id},
        )
        if invoice.get("status") in ("draft", "open") and invoice.get("amount_due", 0) > 0:
            await self._call(self.client.v1.invoices.pay_async, invoice["id"])

    async def invoices(self, customer_id: str, limit: int = 24) -> list[dict[str, Any]]:
        found = await self._call(
            self.client.v1.invoices.list_async, params={"customer": customer_id, "limit": limit}
        )
        return found["data"]

    async def retry_open_invoices(self, subscription_id: str) -> bool:
        """Try once more to collect the subscription's unpaid invoices; True if all are paid."""
        subscription = await self.subscription(subscription_id)
        if subscription is None:
            return False
        found = await self._call(
            self.client.v1.invoices.list_async,
            params={"customer": subscription["customer"], "subscription": subscription_id},
        )
        paid = True
        for invoice in found["data"]:
            if invoice["status"] != "open":
                continue
            try:
                result = await self._call(self.client.v1.invoices.pay_async, invoice["id"])
            except DomainError:
                paid = False
                continue
            paid = paid and result.get("status") == "paid"
        return paid

    def verify_webhook(self, payload: bytes, signature: str) -> dict[str, Any]:
        if not self.webhook_secret:
            raise BadSignature("no webhook secret is configured")
        try:
            event = stripe.Webhook.construct_event(payload, signature, self.webhook_secret)
        except (stripe.SignatureVerificationError, ValueError) as error:
            raise BadSignature(str(error)) from None
        return event.to_dict()


def payment_provider(settings: Settings) -> PaymentProvider:
    if not settings.stripe_api_key:
        raise PaymentsUnavailable(
            "Paid plans are not set up on this server (STRIPE_API_KEY is not set)."
        )
    return StripeProvider(
        settings.stripe_api_key, settings.stripe_webhook_secret, settings.stripe_api_base
    )
