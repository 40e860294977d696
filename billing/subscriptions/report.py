"""The platform's view of billing: recurring revenue and how many workspaces stand where."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select

from atrium.billing.subscriptions.catalog import PLANS
from atrium.billing.subscriptions.models import Subscription, SubscriptionStatus
from atrium.platform.db import Database
from atrium.platform.tenancy.models import Tenant, TenantStatus

Status = SubscriptionStatus


@dataclass
class BillingReport:
    mrr: dict[str, Decimal] = field(default_factory=dict)  # per currency, yearly plans / 12
    standing: Counter = field(default_factory=Counter)  # paying, trialing, past_due, ...
    plans: Counter = field(default_factory=Counter)  # workspaces per plan in effect


def monthly_revenue(subscription: Subscription) -> Decimal:
    """What a paying subscription brings a month (a year's price spread over twelve)."""
    plan = PLANS.get(subscription.plan)
    if plan is None or plan.is_free:
        return Decimal(0)
    price = plan.seat_price(subscription.currency, subscription.interval) * subscription.seats
    return (price / 12 if subscription.interval == "year" else price).quantize(Decimal("0.01"))


async def billing_report(db: Database) -> BillingReport:
    report = BillingReport()
    mrr: dict[str, Decimal] = defaultdict(Decimal)
    async with db.shared_reads() as session:
        rows = await session.execute(
            select(Subscription, Tenant.read_only_since)
            .join(Tenant, Tenant.id == Subscription.tenant_id)
            .where(Tenant.status == TenantStatus.READY)
        )
        for subscription, read_only_since in rows:
            paying = subscription.stripe_subscription_id is not None and subscription.status in (
                Status.ACTIVE,
                Status.PAST_DUE,
            )
            if subscription.paid_by_id is not None:
                report.standing["paid by a network"] += 1
            elif read_only_since is not None:
                report.standing["read-only"] += 1
            elif subscription.status == Status.PAST_DUE:
                report.standing["past due"] += 1
            elif subscription.status == Status.TRIALING:
                report.standing["trialing"] += 1
            elif paying:
                report.standing["active (paying)"] += 1
            else:
                report.standing["free"] += 1
            if paying:
                mrr[subscription.currency] += monthly_revenue(subscription)
            plan = "free" if subscription.status == Status.CANCELED else subscription.plan
            report.plans[plan] += 1
    report.mrr = dict(sorted(mrr.items()))
    return report
