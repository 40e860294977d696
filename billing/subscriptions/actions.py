"""What an owner does with the subscription, for the API and the billing page alike. Each opens
its own transactions: the Stripe customer is committed on its own first, so a refusal later
(no card yet) does not forget a customer Stripe already has."""

from datetime import timedelta

from atrium.billing.subscriptions import service
from atrium.billing.subscriptions.catalog import PLANS
from atrium.billing.subscriptions.provider import PaymentProvider, payment_provider
from atrium.platform.auth.principal import Principal
from atrium.platform.config import Settings
from atrium.platform.db import Database


def provider_if_set_up(settings: Settings) -> PaymentProvider | None:
    return payment_provider(settings) if settings.stripe_api_key else None


async def change_plan(
    db: Database, settings: Settings, principal: Principal, plan: str, interval: str
) -> None:
    change = service.checked_change(plan, interval)
    grace = timedelta(days=settings.billing_grace_days)
    # Without Stripe set up only moves that need no payment work (to Free, off the trial).
    provider = provider_if_set_up(settings)
    if not PLANS[change.plan].is_free:
        provider = payment_provider(settings)
        await _customer(db, provider, principal)
    async with db.shared_transaction() as session:
        await service.change_plan(session, provider, principal, change, grace=grace)


async def cancel_at_period_end(
    db: Database, settings: Settings, principal: Principal, cancel: bool
) -> None:
    grace = timedelta(days=settings.billing_grace_days)
    async with db.shared_transaction() as session:
        await service.set_cancel_at_period_end(
            session, payment_provider(settings), principal, cancel, grace=grace
        )


async def card_form_url(db: Database, settings: Settings, principal: Principal) -> str:
    """Stripe's hosted page for entering a card; back to the billing page after."""
    provider = payment_provider(settings)
    customer = await _customer(db, provider, principal)
    back = f"{settings.base_url.rstrip('/')}/w/{principal.workspace.slug}/settings/billing"
    return await provider.checkout_url(customer, return_url=back)


async def _customer(db: Database, provider: PaymentProvider, principal: Principal) -> str:
    async with db.shared_transaction() as session:
        subscription = await service.subscription_of(session, principal.workspace.id, lock=True)
        return await service.ensure_customer(session, provider, subscription, principal)
