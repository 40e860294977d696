"""Billing's jobs: a stored Stripe event applied, and the periodic scan (trials that end,
payment retries, grace periods that run out, seat counts, events whose job was lost)."""

import asyncio
from datetime import timedelta

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.billing.subscriptions import notices
from atrium.billing.subscriptions.catalog import FREE
from atrium.billing.subscriptions.models import StripeEvent, Subscription, SubscriptionStatus
from atrium.billing.subscriptions.provider import PaymentProvider, payment_provider
from atrium.billing.subscriptions.service import (
    RETRY_AFTER,
    apply_stripe_subscription,
    refresh_workspace,
    seats_in_use,
    start_trial,
)
from atrium.platform.config import Settings
from atrium.platform.db import Database
from atrium.platform.db.types import utcnow
from atrium.platform.errors import DomainError
from atrium.platform.jobs import SystemJob, system_actor
from atrium.platform.tenancy.models import Tenant, TenantStatus
from atrium.platform.tenancy.service import workspace_settings

log = structlog.get_logger("atrium.billing")
Status = SubscriptionStatus
LOST_EVENT_AFTER = timedelta(minutes=2)  # stored but not applied this long: its job was lost


def _subscription_id_of(event: dict) -> str | None:
    found = event["data"]["object"]
    if found.get("object") == "subscription":
        return found.get("id")
    if found.get("object") == "invoice":
        parent = (found.get("parent") or {}).get("subscription_details") or {}
        return found.get("subscription") or parent.get("subscription")
    return None


async def apply_event(
    session: AsyncSession, provider: PaymentProvider, event_id: str, *, grace: timedelta
) -> bool:
    """Apply one stored event once: re-read its subscription from Stripe and take that state
    (so replays and any order of delivery end the same). False when already applied."""
    event = await session.get(StripeEvent, event_id, with_for_update=True)
    if event is None or event.processed_at is not None:
        return False
    customer = event.payload["data"]["object"].get("customer")
    stripe_subscription_id = _subscription_id_of(event.payload)
    subscription = None
    if stripe_subscription_id:
        subscription = await session.scalar(
            select(Subscription)
            .where(Subscription.stripe_subscription_id == stripe_subscription_id)
            .with_for_update()
        )
    if subscription is None and customer:
        subscription = await session.scalar(
            select(Subscription)
            .where(Subscription.stripe_customer_id == customer)
            .with_for_update()
        )
    if subscription is not None and stripe_subscription_id:
        current = await provider.subscription(stripe_subscription_id)
        await apply_stripe_subscription(session, subscription, current, grace=grace)
    event.processed_at = utcnow()
    return True


@system_actor(name="billing.stripe_event", max_retries=8, max_backoff_ms=600_000)
async def process_stripe_event(job: SystemJob, event_id: str) -> None:
    provider = payment_provider(job.settings)
    grace = timedelta(days=job.settings.billing_grace_days)
    async with job.transaction() as session:
        await apply_event(session, provider, event_id, grace=grace)


async def scan_billing(db: Database, settings: Settings) -> None:
    """Everything time brings to billing; safe to run in several processes at once (each row is
    taken with SKIP LOCKED and re-checked under its lock)."""
    await _start_missing_trials(db)
    await _end_trials(db)
    await _turn_read_only(db)
    if settings.stripe_api_key:
        provider = payment_provider(settings)
        grace = timedelta(days=settings.billing_grace_days)
        await _retry_payments(db, provider, grace)
        await _sync_seats(db, provider, grace)
        await _requeue_lost_events(db)


async def billing_loop(db: Database, settings: Settings, interval_s: float = 60) -> None:
    """Runs until cancelled (in `atrium serve`); more than one may run at once."""
    while True:
        try:
            await scan_billing(db, settings)
        except Exception:  # keep the loop alive; the next round retries
            log.exception("billing_scan_failed")
        await asyncio.sleep(interval_s)


async def _start_missing_trials(db: Database) -> None:
    """Workspaces made before billing existed start their trial now."""
    async with db.shared_reads() as session:
        tenants = list(
            await session.scalars(
                select(Tenant).where(
                    Tenant.status == TenantStatus.READY,
                    ~select(Subscription.tenant_id)
                    .where(Subscription.tenant_id == Tenant.id)
                    .exists(),
                )
            )
        )
    for tenant in tenants:
        async with db.tenant_transaction(tenant.schema) as tenant_session:
            currency = (await workspace_settings(tenant_session)).currency
        async with db.shared_transaction() as session:
            fresh = await session.get(Tenant, tenant.id, with_for_update=True)
            if fresh is not None and await session.get(Subscription, tenant.id) is None:
                await start_trial(session, fresh, currency)


async def _due(session: AsyncSession, *conditions):
    return list(
        await session.scalars(
            select(Subscription).where(*conditions).with_for_update(skip_locked=True).limit(100)
        )
    )


async def _end_trials(db: Database) -> None:
    async with db.shared_transaction() as session:
        for subscription in await _due(
            session, Subscription.status == Status.TRIALING, Subscription.trial_ends_at <= utcnow()
        ):
            subscription.status, subscription.plan = Status.ACTIVE, FREE.code
            subscription.trial_ends_at = None
            await refresh_workspace(session, subscription.tenant_id)
            await notices.trial_ended(session, subscription)


async def _turn_read_only(db: Database) -> None:
    async with db.shared_transaction() as session:
        for subscription in await _due(
            session,
            Subscription.status == Status.PAST_DUE,
            Subscription.grace_ends_at <= utcnow(),
            Subscription.paid_by_id.is_(None),
        ):
            tenant = await session.get(Tenant, subscription.tenant_id)
            if tenant.read_only_since is None:
                await refresh_workspace(session, subscription.tenant_id)
                await notices.became_read_only(session, subscription)


async def _retry_payments(db: Database, provider: PaymentProvider, grace: timedelta) -> None:
    async with db.shared_transaction() as session:
        for subscription in await _due(
            session, Subscription.status == Status.PAST_DUE, Subscription.next_retry_at <= utcnow()
        ):
            try:
                paid = await provider.retry_open_invoices(subscription.stripe_subscription_id)
                current = await provider.subscription(subscription.stripe_subscription_id)
            except DomainError:  # Stripe out of reach, or the row is not Stripe's: next round
                log.warning("billing_retry_skipped", tenant_id=str(subscription.tenant_id))
                continue
            if paid:
                await apply_stripe_subscription(session, subscription, current, grace=grace)
                continue
            subscription.retries += 1
            wait = RETRY_AFTER[min(subscription.retries, len(RETRY_AFTER) - 1)]
            subscription.next_retry_at = utcnow() + wait
            log.info("billing_payment_retry_failed", tenant_id=str(subscription.tenant_id))


async def _sync_seats(db: Database, provider: PaymentProvider, grace: timedelta) -> None:
    """Stripe bills the seats in use: members added or removed change the quantity."""
    async with db.shared_transaction() as session:
        paying = await _due(
            session,
            Subscription.status.in_([Status.ACTIVE, Status.PAST_DUE]),
            Subscription.stripe_subscription_id.is_not(None),
        )
        for subscription in paying:
            seats = await seats_in_use(session, subscription.tenant_id)
            if seats == subscription.seats:
                continue
            try:
                current = await provider.update_subscription(
                    subscription.stripe_subscription_id, quantity=seats
                )
            except DomainError:
                log.warning("billing_seats_not_synced", tenant_id=str(subscription.tenant_id))
                continue
            await apply_stripe_subscription(session, subscription, current, grace=grace)


async def _requeue_lost_events(db: Database) -> None:
    async with db.shared_reads() as session:
        lost = list(
            await session.scalars(
                select(StripeEvent.id).where(
                    StripeEvent.processed_at.is_(None),
                    StripeEvent.received_at <= utcnow() - LOST_EVENT_AFTER,
                )
            )
        )
    for event_id in lost:
        process_stripe_event.send_with_options(args=(event_id,), idempotency_key=None)
