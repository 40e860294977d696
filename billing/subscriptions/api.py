"""/api/v1/billing (plans, subscription, invoices, usage, checkout) and /webhooks/stripe."""

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import msgspec
import structlog
from litestar import Request, get, post, put
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.billing.subscriptions import service
from atrium.billing.subscriptions.catalog import CURRENCIES, INTERVALS, PLANS
from atrium.billing.subscriptions.models import StripeEvent, Subscription
from atrium.billing.subscriptions.provider import BadSignature, payment_provider
from atrium.billing.subscriptions.tasks import process_stripe_event
from atrium.billing.subscriptions.usage import Usage, workspace_usage
from atrium.platform.auth.principal import Principal
from atrium.platform.config import Settings
from atrium.platform.errors import DomainError
from atrium.platform.http.auth import (
    OPEN_WHILE_READ_ONLY,
    database,
    provide_principal,
    provide_shared_session,
    requires,
)
from atrium.platform.tenancy.models import Tenant

log = structlog.get_logger("atrium.billing")

DEPENDENCIES = {
    "principal": Provide(provide_principal),
    "session": Provide(provide_shared_session),
}
# Paying must stay possible in a workspace made read-only for not paying.
OPEN = {OPEN_WHILE_READ_ONLY: True}


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


class PlanChangeIn(msgspec.Struct, forbid_unknown_fields=True):
    plan: str
    interval: str = "month"


class InvoiceOut(msgspec.Struct):
    id: str
    number: str | None
    status: str
    total: Decimal
    currency: str
    created: datetime
    pdf_url: str | None
    hosted_url: str | None


class CheckoutOut(msgspec.Struct):
    url: str


class BranchPayerIn(msgspec.Struct, forbid_unknown_fields=True):
    paid_by_network: bool


def _settings(request: Request) -> Settings:
    return request.app.state.settings


def _grace(request: Request) -> timedelta:
    return timedelta(days=_settings(request).billing_grace_days)


@get("/billing/plans", guards=[requires("workspace.read")], dependencies=DEPENDENCIES,
     tags=["Billing"], summary="The plans: seat prices and what each allows")  # fmt: skip
async def list_plans() -> list[PlanOut]:
    return [
        PlanOut(
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
        )
        for plan in PLANS.values()
    ]


async def subscription_out(session: AsyncSession, tenant_id: uuid.UUID) -> SubscriptionOut:
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


@get("/billing/subscription", guards=[requires("workspace.read")], dependencies=DEPENDENCIES,
     tags=["Billing"], summary="The workspace's plan and where it stands")  # fmt: skip
async def get_subscription(
    principal: NamedDependency[Principal], session: NamedDependency[AsyncSession]
) -> SubscriptionOut:
    return await subscription_out(session, principal.workspace.id)


@put("/billing/subscription", guards=[requires("billing.manage")], dependencies=DEPENDENCIES,
     tags=["Billing"], opt=OPEN,
     summary="Subscribe, upgrade, downgrade, switch interval")  # fmt: skip
async def put_subscription(
    request: Request,
    principal: NamedDependency[Principal],
    session: NamedDependency[AsyncSession],
    data: JSONBody[PlanChangeIn],
) -> SubscriptionOut:
    change = service.checked_change(data.plan, data.interval)
    # Without Stripe set up, only moves that need no payment (to Free, off a trial) work.
    provider = payment_provider(_settings(request)) if _settings(request).stripe_api_key else None
    if not PLANS[change.plan].is_free:
        provider = payment_provider(_settings(request))
        async with database(request).shared_transaction() as own:
            subscription = await service.subscription_of(own, principal.workspace.id, lock=True)
            await service.ensure_customer(own, provider, subscription, principal)
    await service.change_plan(session, provider, principal, change, grace=_grace(request))
    return await subscription_out(session, principal.workspace.id)


@post("/billing/subscription/cancel", guards=[requires("billing.manage")],
      dependencies=DEPENDENCIES, tags=["Billing"], status_code=200, opt=OPEN,
      summary="Cancel at the end of the paid period")  # fmt: skip
async def cancel(
    request: Request, principal: NamedDependency[Principal], session: NamedDependency[AsyncSession]
) -> SubscriptionOut:
    provider = payment_provider(_settings(request))
    await service.set_cancel_at_period_end(
        session, provider, principal, True, grace=_grace(request)
    )
    return await subscription_out(session, principal.workspace.id)


@post("/billing/subscription/resume", guards=[requires("billing.manage")],
      dependencies=DEPENDENCIES, tags=["Billing"], status_code=200, opt=OPEN,
      summary="Keep a subscription that was set to cancel")  # fmt: skip
async def resume(
    request: Request, principal: NamedDependency[Principal], session: NamedDependency[AsyncSession]
) -> SubscriptionOut:
    provider = payment_provider(_settings(request))
    await service.set_cancel_at_period_end(
        session, provider, principal, False, grace=_grace(request)
    )
    return await subscription_out(session, principal.workspace.id)


@post("/billing/checkout", guards=[requires("billing.manage")], dependencies=DEPENDENCIES,
      tags=["Billing"], status_code=200, opt=OPEN,
      summary="A link to Stripe's hosted page where the owner enters a card")  # fmt: skip
async def checkout(
    request: Request, principal: NamedDependency[Principal], session: NamedDependency[AsyncSession]
) -> CheckoutOut:
    provider = payment_provider(_settings(request))
    subscription = await service.subscription_of(session, principal.workspace.id, lock=True)
    customer = await service.ensure_customer(session, provider, subscription, principal)
    base = _settings(request).base_url.rstrip("/")
    return CheckoutOut(
        await provider.checkout_url(
            customer, return_url=f"{base}/w/{principal.workspace.slug}/billing"
        )
    )


def _money(minor: int, currency: str) -> Decimal:
    from babel.numbers import get_currency_precision

    return Decimal(minor).scaleb(-get_currency_precision(currency.upper()))


async def list_invoices(request: Request, session: AsyncSession, tenant_id: uuid.UUID):
    subscription = await service.subscription_of(session, tenant_id)
    if subscription.stripe_customer_id is None:
        return []
    provider = payment_provider(_settings(request))
    return [
        InvoiceOut(
            id=invoice["id"],
            number=invoice.get("number"),
            status=invoice.get("status") or "draft",
            total=_money(invoice.get("total") or 0, invoice.get("currency") or "usd"),
            currency=(invoice.get("currency") or "usd").upper(),
            created=datetime.fromtimestamp(invoice.get("created") or 0, tz=UTC),
            pdf_url=invoice.get("invoice_pdf"),
            hosted_url=invoice.get("hosted_invoice_url"),
        )
        for invoice in await provider.invoices(subscription.stripe_customer_id)
    ]


@get("/billing/invoices", guards=[requires("billing.manage")], dependencies=DEPENDENCIES,
     tags=["Billing"], summary="Invoices with links to their PDFs, newest first")  # fmt: skip
async def get_invoices(
    request: Request, principal: NamedDependency[Principal], session: NamedDependency[AsyncSession]
) -> list[InvoiceOut]:
    return await list_invoices(request, session, principal.workspace.id)


@get("/billing/usage", guards=[requires("workspace.read")], dependencies={
     "principal": Provide(provide_principal)}, tags=["Billing"],
     summary="What the workspace uses against its plan's limits")  # fmt: skip
async def get_usage(request: Request, principal: NamedDependency[Principal]) -> Usage:
    return await workspace_usage(database(request), principal)


@put("/billing/branches/{slug:str}", guards=[requires("billing.manage")],
     dependencies=DEPENDENCIES, tags=["Billing"], opt=OPEN,
     summary="Franchise HQ: pay for a branch's plan, or let it pay for itself")  # fmt: skip
async def set_branch_payer(
    request: Request,
    principal: NamedDependency[Principal],
    session: NamedDependency[AsyncSession],
    slug: FromPath[str],
    data: JSONBody[BranchPayerIn],
) -> SubscriptionOut:
    branch = await service.branch_of(session, principal, slug)
    await service.set_paid_by_network(session, principal, branch, data.paid_by_network)
    return await subscription_out(session, branch.id)


@post("/webhooks/stripe", status_code=200, include_in_schema=False, opt=OPEN)
async def stripe_webhook(request: Request) -> dict[str, Any]:
    """Verified, stored by its id and acknowledged; a job applies it. A replay stores nothing."""
    payload = await request.body()
    try:
        event = payment_provider(_settings(request)).verify_webhook(
            payload, request.headers.get("stripe-signature", "")
        )
    except BadSignature:
        raise DomainError("The Stripe signature is missing, wrong or too old.") from None
    if not isinstance(event.get("id"), str) or not isinstance(event.get("data"), dict):
        raise DomainError("Not a Stripe event.")
    async with database(request).shared_transaction() as session:
        stored = await session.scalar(
            insert(StripeEvent)
            .values(
                id=event["id"],
                type=str(event.get("type", ""))[:100],
                created=datetime.fromtimestamp(int(event.get("created") or 0), tz=UTC),
                payload=event,
            )
            .on_conflict_do_nothing(index_elements=[StripeEvent.id])
            .returning(StripeEvent.id)
        )
    if stored is not None:  # after commit, so the job finds the row; a lost send is re-queued
        try:
            process_stripe_event.send_with_options(
                args=(stored,), idempotency_key=f"stripe-event:{stored}"
            )
        except Exception:
            log.warning("stripe_event_not_queued", event_id=stored)
    return {"received": True}


api_routes = [
    list_plans,
    get_subscription,
    put_subscription,
    cancel,
    resume,
    checkout,
    get_invoices,
    get_usage,
    set_branch_payer,
]
routes = [stripe_webhook]
