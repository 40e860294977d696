"""/api/v1/billing (plans, subscription, invoices, usage, card form, branches) and
/webhooks/stripe."""

from typing import Any

import msgspec
import structlog
from litestar import Request, get, post, put
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.billing.subscriptions import actions, service
from atrium.billing.subscriptions.provider import BadSignature, payment_provider
from atrium.billing.subscriptions.service import store_stripe_event
from atrium.billing.subscriptions.tasks import process_stripe_event
from atrium.billing.subscriptions.usage import Usage, workspace_usage
from atrium.billing.subscriptions.views import (
    InvoiceOut,
    PlanOut,
    SubscriptionOut,
    invoices_of,
    plan_views,
    subscription_view,
)
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

log = structlog.get_logger("atrium.billing")

DEPENDENCIES = {"principal": Provide(provide_principal)}
WITH_SESSION = {**DEPENDENCIES, "session": Provide(provide_shared_session)}
# Paying must stay possible in a workspace made read-only for not paying.
OPEN = {OPEN_WHILE_READ_ONLY: True}


class PlanChangeIn(msgspec.Struct, forbid_unknown_fields=True):
    plan: str
    interval: str = "month"


class CheckoutOut(msgspec.Struct):
    url: str


class BranchPayerIn(msgspec.Struct, forbid_unknown_fields=True):
    paid_by_network: bool


def _settings(request: Request) -> Settings:
    return request.app.state.settings


async def _current(request: Request, principal: Principal) -> SubscriptionOut:
    async with database(request).shared_reads() as session:
        return await subscription_view(session, principal.workspace.id)


@get("/billing/plans", guards=[requires("workspace.read")], dependencies=DEPENDENCIES,
     tags=["Billing"], summary="The plans: seat prices and what each allows")  # fmt: skip
async def list_plans() -> list[PlanOut]:
    return plan_views()


@get("/billing/subscription", guards=[requires("workspace.read")], dependencies=DEPENDENCIES,
     tags=["Billing"], summary="The workspace's plan and where it stands")  # fmt: skip
async def get_subscription(
    request: Request, principal: NamedDependency[Principal]
) -> SubscriptionOut:
    return await _current(request, principal)


@put("/billing/subscription", guards=[requires("billing.manage")], dependencies=DEPENDENCIES,
     tags=["Billing"], opt=OPEN,
     summary="Subscribe, upgrade, downgrade, switch interval")  # fmt: skip
async def put_subscription(
    request: Request, principal: NamedDependency[Principal], data: JSONBody[PlanChangeIn]
) -> SubscriptionOut:
    await actions.change_plan(
        database(request), _settings(request), principal, data.plan, data.interval
    )
    return await _current(request, principal)


@post("/billing/subscription/cancel", guards=[requires("billing.manage")],
      dependencies=DEPENDENCIES, tags=["Billing"], status_code=200, opt=OPEN,
      summary="Cancel at the end of the paid period")  # fmt: skip
async def cancel(request: Request, principal: NamedDependency[Principal]) -> SubscriptionOut:
    await actions.cancel_at_period_end(database(request), _settings(request), principal, True)
    return await _current(request, principal)


@post("/billing/subscription/resume", guards=[requires("billing.manage")],
      dependencies=DEPENDENCIES, tags=["Billing"], status_code=200, opt=OPEN,
      summary="Keep a subscription that was set to cancel")  # fmt: skip
async def resume(request: Request, principal: NamedDependency[Principal]) -> SubscriptionOut:
    await actions.cancel_at_period_end(database(request), _settings(request), principal, False)
    return await _current(request, principal)


@post("/billing/checkout", guards=[requires("billing.manage")], dependencies=DEPENDENCIES,
      tags=["Billing"], status_code=200, opt=OPEN,
      summary="A link to Stripe's hosted page where the owner enters a card")  # fmt: skip
async def checkout(request: Request, principal: NamedDependency[Principal]) -> CheckoutOut:
    return CheckoutOut(
        await actions.card_form_url(database(request), _settings(request), principal)
    )


@get("/billing/invoices", guards=[requires("billing.manage")], dependencies=WITH_SESSION,
     tags=["Billing"], summary="Invoices with links to their PDFs, newest first")  # fmt: skip
async def get_invoices(
    request: Request,
    principal: NamedDependency[Principal],
    session: NamedDependency[AsyncSession],
) -> list[InvoiceOut]:
    provider = actions.provider_if_set_up(_settings(request))
    return await invoices_of(session, provider, principal.workspace.id)


@get("/billing/usage", guards=[requires("workspace.read")], dependencies=DEPENDENCIES,
     tags=["Billing"], summary="What the workspace uses against its plan's limits")  # fmt: skip
async def get_usage(request: Request, principal: NamedDependency[Principal]) -> Usage:
    return await workspace_usage(database(request), principal)


@put("/billing/branches/{slug:str}", guards=[requires("billing.manage")],
     dependencies=WITH_SESSION, tags=["Billing"], opt=OPEN,
     summary="Franchise HQ: pay for a branch's plan, or let it pay for itself")  # fmt: skip
async def set_branch_payer(
    principal: NamedDependency[Principal],
    session: NamedDependency[AsyncSession],
    slug: FromPath[str],
    data: JSONBody[BranchPayerIn],
) -> SubscriptionOut:
    branch = await service.branch_of(session, principal, slug)
    await service.set_paid_by_network(session, principal, branch, data.paid_by_network)
    return await subscription_view(session, branch.id)


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
        stored = await store_stripe_event(session, event)
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
