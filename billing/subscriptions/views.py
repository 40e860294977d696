"""What billing shows (the API and the billing page): the plans, the workspace's subscription
and invoices, and the notice owners see on every page while something needs them."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

import msgspec
from babel.numbers import get_currency_precision
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.billing.subscriptions import service
from atrium.billing.subscriptions.catalog import CURRENCIES, INTERVALS, PLANS, Plan
from atrium.billing.subscriptions.models import Subscription, SubscriptionStatus
from atrium.billing.subscriptions.provider import PaymentProvider
from atrium.platform.db.types import utcnow
from atrium.platform.tenancy.models import Tenant


class PriceOut(msgspec.Struct):
    currency: str
    interval: str
    seat_price: Decimal


class PlanOut(msgspec.Struct):
    code: str
    name: str
    seats: int | None
    contacts: int | None
    packs: list[str]
    sms_per_month: int
    api_per_minute: int
    integrations: int | None
    prices: list[PriceOut]
    pays_for_branches: bool  # a franchise network's HQ may pay for its branches' plans


class SubscriptionOut(msgspec.Struct):
    plan: str
    plan_name: str
    interval: str
    currency: str
    status: str
    read_only: bool
    trial_ends_at: datetime | None
    current_period_end: datetime | None
    cancel_at_period_end: bool
    seats: int
    grace_ends_at: datetime | None
    paid_by_network: bool


class InvoiceOut(msgspec.Struct):
    id: str
    number: str | None
    status: str
    total: Decimal
    currency: str
    created: datetime
    pdf_url: str | None
    hosted_url: str | None


def plan_view(plan: Plan) -> PlanOut:
    return PlanOut(
        code=plan.code,
        name=plan.name,
        seats=plan.seats,
        contacts=plan.contacts,
        packs=sorted(plan.packs),
        sms_per_month=plan.sms_per_month,
        api_per_minute=plan.api_per_minute,
        integrations=plan.integrations,
        prices=[
            PriceOut(currency, interval, plan.seat_price(currency, interval))
            for currency in CURRENCIES
            for interval in INTERVALS
            if not plan.is_free
        ],
        pays_for_branches=plan.pays_for_branches,
    )


def plan_views() -> list[PlanOut]:
    return [plan_view(plan) for plan in PLANS.values()]


async def subscription_view(session: AsyncSession, tenant_id: uuid.UUID) -> SubscriptionOut:
    subscription = await service.subscription_of(session, tenant_id)
    payer = (
        await session.get(Subscription, subscription.paid_by_id)
        if subscription.paid_by_id
        else None
    )
    plan = service.plan_in_effect(subscription, payer)
    tenant = await session.get(Tenant, tenant_id)
    standing = payer or subscription
    return SubscriptionOut(
        plan=plan.code,
        plan_name=plan.name,
        interval=subscription.interval,
        currency=subscription.currency,
        status=standing.status.value,
        read_only=tenant.read_only_since is not None,
        trial_ends_at=subscription.trial_ends_at,
        current_period_end=standing.current_period_end,
        cancel_at_period_end=standing.cancel_at_period_end,
        seats=subscription.seats,
        grace_ends_at=standing.grace_ends_at,
        paid_by_network=payer is not None,
    )


def _money(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-get_currency_precision(currency))


async def invoices_of(
    session: AsyncSession, provider: PaymentProvider | None, tenant_id: uuid.UUID
) -> list[InvoiceOut]:
    subscription = await service.subscription_of(session, tenant_id)
    if subscription.stripe_customer_id is None or provider is None:
        return []
    return [
        InvoiceOut(
            id=invoice["id"],
            number=invoice.get("number"),
            status=invoice.get("status") or "draft",
            total=_money(invoice.get("total") or 0, (invoice.get("currency") or "usd").upper()),
            currency=(invoice.get("currency") or "usd").upper(),
            created=datetime.fromtimestamp(invoice.get("created") or 0, tz=UTC),
            pdf_url=invoice.get("invoice_pdf"),
            hosted_url=invoice.get("hosted_invoice_url"),
        )
        for invoice in await provider.invoices(subscription.stripe_customer_id)
    ]


@dataclass(frozen=True)
class BillingNotice:
    kind: str  # read_only, past_due, trial_ending
    until: datetime | None


TRIAL_WARNING_DAYS = 3


async def billing_notice(session: AsyncSession, tenant_id: uuid.UUID) -> BillingNotice | None:
    """What the owners should be told on every page, if anything."""
    subscription = await session.get(Subscription, tenant_id)
    if subscription is None:
        return None
    if subscription.paid_by_id is not None:
        subscription = await session.get(Subscription, subscription.paid_by_id) or subscription
    tenant = await session.get(Tenant, tenant_id)
    if tenant is not None and tenant.read_only_since is not None:
        return BillingNotice("read_only", None)
    if subscription.status == SubscriptionStatus.PAST_DUE:
        return BillingNotice("past_due", subscription.grace_ends_at)
    ends = subscription.trial_ends_at
    if subscription.status == SubscriptionStatus.TRIALING and ends is not None:
        if (ends - utcnow()).days < TRIAL_WARNING_DAYS:
            return BillingNotice("trial_ending", ends)
    return None
