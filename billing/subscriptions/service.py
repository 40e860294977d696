"""Subscriptions: the trial, plan changes through the payment provider, and what each state
lets the workspace do (written on its registry row for the platform to enforce).

Every change of a paid subscription ends in ``apply_stripe_subscription``, which takes Stripe's
current object as the truth: an answer to our own call, a webhook's job and the periodic scan
all converge on the same state, whatever order they come in.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.billing.subscriptions import notices
from atrium.billing.subscriptions.catalog import (
    FREE,
    INTERVALS,
    PLANS,
    TRIAL,
    Plan,
    billing_currency,
    entitlements_of,
    minor_units,
    trial_plan_for,
)
from atrium.billing.subscriptions.models import StripeEvent, Subscription, SubscriptionStatus
from atrium.billing.subscriptions.provider import PaymentProvider
from atrium.platform.auth.models import Membership
from atrium.platform.auth.principal import Principal
from atrium.platform.auth.service import forget_principals
from atrium.platform.db.types import utcnow
from atrium.platform.errors import Conflict, Invalid, LimitReached, NotFound
from atrium.platform.language import plan_name
from atrium.platform.tenancy.models import Tenant
from atrium.platform.tenancy.service import forget_workspace_entitlements

Status = SubscriptionStatus
# Stripe's subscription statuses, as ours; the others (incomplete) change nothing.
_FROM_STRIPE = {
    "active": Status.ACTIVE,
    "trialing": Status.ACTIVE,
    "past_due": Status.PAST_DUE,
    "unpaid": Status.PAST_DUE,
    "canceled": Status.CANCELED,
    "incomplete_expired": Status.CANCELED,
}
RETRY_AFTER = (timedelta(days=1), timedelta(days=3), timedelta(days=5))


def stripe_plan_id(plan: Plan, interval: str, currency: str) -> str:
    return f"atrium-{plan.code}-{interval}-{currency.lower()}"


def _plan_of_stripe_id(plan_id: str) -> tuple[Plan, str] | None:
    parts = plan_id.split("-")
    if len(parts) == 4 and parts[0] == "atrium" and parts[1] in PLANS and parts[2] in INTERVALS:
        return PLANS[parts[1]], parts[2]
    return None


def plan_in_effect(subscription: Subscription, payer: Subscription | None = None) -> Plan:
    """What the workspace may use now: the payer's plan for a branch its HQ pays for; Free once
    a paid subscription has ended."""
    if payer is not None:
        return plan_in_effect(payer)
    if subscription.status == Status.CANCELED:
        return FREE
    return PLANS.get(subscription.plan, FREE)


async def start_trial(session: AsyncSession, tenant: Tenant, currency: str) -> Subscription:
    """A new workspace's 14-day trial (Business; Network for a franchise network)."""
    plan = trial_plan_for(tenant.vertical)
    subscription = Subscription(
        tenant_id=tenant.id,
        plan=plan.code,
        interval="month",
        currency=billing_currency(currency),
        status=Status.TRIALING,
        trial_ends_at=utcnow() + TRIAL,
        seats=1,
        cancel_at_period_end=False,
        retries=0,
    )
    session.add(subscription)
    await session.flush()
    await refresh_workspace(session, tenant.id)
    return subscription


async def subscription_of(
    session: AsyncSession, tenant_id: uuid.UUID, *, lock: bool = False
) -> Subscription:
    found = await session.get(
        Subscription, tenant_id, with_for_update=lock or None, populate_existing=lock
    )
    if found is None:
        raise Conflict("This workspace has no subscription yet; try again in a minute.")
    return found


async def refresh_workspace(session: AsyncSession, tenant_id: uuid.UUID) -> None:
    """Write what the subscription allows on the workspace's row, and on its paid branches'."""
    subscription = await session.get(Subscription, tenant_id)
    tenant = await session.get(Tenant, tenant_id)
    if subscription is None or tenant is None:
        return
    payer = (
        await session.get(Subscription, subscription.paid_by_id)
        if subscription.paid_by_id
        else None
    )
    tenant.entitlements = entitlements_of(plan_in_effect(subscription, payer)).to_json()
    standing = payer or subscription
    overdue = (
        standing.status == Status.PAST_DUE
        and standing.grace_ends_at is not None
        and standing.grace_ends_at <= utcnow()
    )
    tenant.read_only_since = (tenant.read_only_since or utcnow()) if overdue else None
    branches = await session.scalars(
        select(Subscription.tenant_id).where(Subscription.paid_by_id == tenant_id)
    )
    for branch_id in list(branches):
        branch = await session.get(Tenant, branch_id)
        branch.entitlements = tenant.entitlements
        branch.read_only_since = tenant.read_only_since
    await session.flush()
    # This process's cached keys and allowances see the change at once; others within seconds.
    forget_principals()
    forget_workspace_entitlements()


async def seats_in_use(session: AsyncSession, tenant_id: uuid.UUID) -> int:
    """Members of the workspace and of the branches it pays for: what Stripe bills per seat."""
    payers = select(Subscription.tenant_id).where(Subscription.paid_by_id == tenant_id)
    count = await session.scalar(
        select(func.count())
        .select_from(Membership)
        .where((Membership.tenant_id == tenant_id) | Membership.tenant_id.in_(payers))
    )
    return max(1, int(count or 0))


@dataclass(frozen=True)
class PlanChange:
    plan: str
    interval: str


def checked_change(plan: str, interval: str) -> PlanChange:
    if plan not in PLANS:
        raise Invalid(
            "Unknown plan '%(plan)s'; choose one of: %(plans)s.",
            field="plan",
            plan=plan,
            plans=", ".join(PLANS),
        )
    if interval not in INTERVALS:
        raise Invalid("The interval is month or year.", field="interval")
    return PlanChange(plan, interval)


async def ensure_customer(
    session: AsyncSession,
    provider: PaymentProvider,
    subscription: Subscription,
    principal: Principal,
) -> str:
    if subscription.stripe_customer_id is None:
        subscription.stripe_customer_id = await provider.create_customer(
            email=principal.email,
            name=principal.workspace.name,
            tenant_id=str(subscription.tenant_id),
        )
        await session.flush()
    return subscription.stripe_customer_id


def _paid_subscription_alive(subscription: Subscription) -> bool:
    return subscription.stripe_subscription_id is not None and subscription.status in (
        Status.ACTIVE,
        Status.PAST_DUE,
    )


async def change_plan(
    session: AsyncSession,
    provider: PaymentProvider,
    principal: Principal,
    change: PlanChange,
    *,
    grace: timedelta,
) -> Subscription:
    """Subscribe, upgrade, downgrade or switch interval; Free cancels at the period's end."""
    subscription = await subscription_of(session, principal.workspace.id, lock=True)
    if subscription.paid_by_id is not None:
        raise Conflict("Your network's head office pays for this workspace's plan.")
    plan = PLANS[change.plan]
    if plan.is_free:
        if _paid_subscription_alive(subscription):
            cancelling = await provider.update_subscription(
                subscription.stripe_subscription_id, cancel_at_period_end=True
            )
            await apply_stripe_subscription(session, subscription, cancelling, grace=grace)
        elif subscription.status == Status.TRIALING:
            subscription.status, subscription.plan = Status.ACTIVE, FREE.code
            subscription.trial_ends_at = None
            await refresh_workspace(session, subscription.tenant_id)
        return subscription
    customer = subscription.stripe_customer_id
    if customer is None or not await provider.has_payment_method(customer):
        raise LimitReached(
            "Add a payment card first (the billing page opens Stripe's secure form)."
        )
    currency = subscription.currency
    plan_id = stripe_plan_id(plan, change.interval, currency)
    await provider.ensure_plan(
        plan_id,
        name=plan.name,
        amount=minor_units(plan.seat_price(currency, change.interval), currency),
        currency=currency,
        interval=change.interval,
    )
    quantity = await seats_in_use(session, subscription.tenant_id)
    if _paid_subscription_alive(subscription):
        current = PLANS.get(subscription.plan, FREE)
        bigger = plan.rank > current.rank or (
            change.interval == "year" and subscription.interval == "month"
        )
        stripe_subscription = await provider.update_subscription(
            subscription.stripe_subscription_id,
            plan_id=plan_id,
            quantity=quantity,
            cancel_at_period_end=False,
        )
        if bigger:  # the prorated difference is charged now, not at renewal
            await provider.invoice_now(customer, subscription.stripe_subscription_id)
            stripe_subscription = await provider.subscription(subscription.stripe_subscription_id)
    else:
        stripe_subscription = await provider.create_subscription(
            customer, plan_id=plan_id, quantity=quantity, tenant_id=str(subscription.tenant_id)
        )
        subscription.stripe_subscription_id = stripe_subscription["id"]
    await apply_stripe_subscription(session, subscription, stripe_subscription, grace=grace)
    return subscription


async def set_cancel_at_period_end(
    session: AsyncSession,
    provider: PaymentProvider,
    principal: Principal,
    cancel: bool,
    *,
    grace: timedelta,
) -> Subscription:
    subscription = await subscription_of(session, principal.workspace.id, lock=True)
    if not _paid_subscription_alive(subscription):
        raise Conflict("There is no paid subscription to cancel or resume.")
    stripe_subscription = await provider.update_subscription(
        subscription.stripe_subscription_id, cancel_at_period_end=cancel
    )
    await apply_stripe_subscription(session, subscription, stripe_subscription, grace=grace)
    return subscription


def _timestamp(value: int | None) -> datetime | None:
    return datetime.fromtimestamp(value, tz=utcnow().tzinfo) if value else None


async def apply_stripe_subscription(
    session: AsyncSession,
    subscription: Subscription,
    stripe_subscription: dict[str, Any] | None,
    *,
    grace: timedelta,
) -> bool:
    """Bring our row to Stripe's current state of the subscription; False when it is not ours
    (an older subscription of the same customer). Owners are told when a payment fails."""
    if stripe_subscription is None:
        return False
    if stripe_subscription["id"] != subscription.stripe_subscription_id:
        status = _FROM_STRIPE.get(stripe_subscription["status"])
        if status not in (Status.ACTIVE, Status.PAST_DUE) or _paid_subscription_alive(subscription):
            return False
        subscription.stripe_subscription_id = stripe_subscription["id"]
    status = _FROM_STRIPE.get(stripe_subscription["status"])
    if status is None:
        return False
    item = stripe_subscription["items"]["data"][0]
    if (found := _plan_of_stripe_id(item["plan"]["id"])) is not None:
        subscription.plan, subscription.interval = found[0].code, found[1]
    subscription.seats = item.get("quantity") or stripe_subscription.get("quantity") or 1
    subscription.current_period_end = _timestamp(
        stripe_subscription.get("current_period_end") or item.get("current_period_end")
    )
    subscription.cancel_at_period_end = bool(stripe_subscription.get("cancel_at_period_end"))
    subscription.trial_ends_at = None
    was = subscription.status
    subscription.status = status
    now = utcnow()
    if status == Status.PAST_DUE:
        if was != Status.PAST_DUE or subscription.past_due_since is None:
            subscription.past_due_since = now
            subscription.grace_ends_at = now + grace
            subscription.retries = 0
            subscription.next_retry_at = now + RETRY_AFTER[0]
            await notices.payment_failed(session, subscription)
    else:
        subscription.past_due_since = subscription.grace_ends_at = None
        subscription.next_retry_at, subscription.retries = None, 0
        if was == Status.PAST_DUE and status == Status.ACTIVE:
            await notices.payment_recovered(session, subscription)
    if status == Status.CANCELED:
        subscription.cancel_at_period_end = False
    subscription.updated_at = now
    await refresh_workspace(session, subscription.tenant_id)
    return True


async def branch_of(session: AsyncSession, principal: Principal, slug: str) -> Tenant:
    """A branch of the caller's network; anything else is the same 404 as a missing one."""
    branch = await session.scalar(
        select(Tenant).where(Tenant.slug == slug, Tenant.parent_id == principal.workspace.id)
    )
    if branch is None:
        raise NotFound("Your network has no branch '%(slug)s'.", slug=slug)
    return branch


async def set_paid_by_network(
    session: AsyncSession, principal: Principal, branch: Tenant, paid: bool
) -> None:
    """The network's HQ pays for the branch (its plan and standing follow the HQ's), or not."""
    head_office = await subscription_of(session, principal.workspace.id, lock=True)
    if paid and not plan_in_effect(head_office).pays_for_branches:
        raise LimitReached(
            "Paying for branches needs the %(upgrade)s plan.",
            upgrade=plan_name(PLANS["network"].name),
        )
    subscription = await subscription_of(session, branch.id, lock=True)
    if paid and _paid_subscription_alive(subscription):
        raise Conflict(
            "The branch pays for its own subscription; cancel it first, then pay for it here."
        )
    subscription.paid_by_id = head_office.tenant_id if paid else None
    subscription.updated_at = utcnow()
    await session.flush()
    await refresh_workspace(session, branch.id)


async def store_stripe_event(session: AsyncSession, event: dict[str, Any]) -> str | None:
    """A verified Stripe event, kept by its id; None when it was stored already (a replay)."""
    return await session.scalar(
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
