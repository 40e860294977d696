"""The billing page: the plan and where it stands, usage against the limits, changing plan,
the card (Stripe's hosted form), cancelling or resuming, and invoices."""

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from atrium.billing.subscriptions import actions
from atrium.billing.subscriptions.catalog import INTERVALS, PLANS, billing_currency
from atrium.billing.subscriptions.usage import workspace_usage
from atrium.billing.subscriptions.views import invoices_of, subscription_view
from atrium.platform.errors import DomainError
from atrium.platform.http.auth import OPEN_WHILE_READ_ONLY, database
from atrium.platform.pages.kit import WorkspacePage

# Paying must stay possible in a workspace made read-only for not paying.
OPEN = {OPEN_WHILE_READ_ONLY: True}


def _status_labels(page: WorkspacePage) -> dict[str, str]:
    return {
        "trialing": page._("Trial"),
        "active": page._("Active"),
        "past_due": page._("Payment overdue"),
        "canceled": page._("Ended"),
    }


def _limit_labels(page: WorkspacePage) -> dict[str, str]:
    return {
        "seats": page._("Users"),
        "contacts": page._("Clients"),
        "sms_this_month": page._("SMS segments this month"),
    }


async def _billing_page(
    page: WorkspacePage, status_code: int = 200, *, error: str = ""
) -> Template:
    db, settings = database(page.request), page.request.app.state.settings
    interval = page.request.query_params.get("interval", "month")
    interval = interval if interval in INTERVALS else "month"
    provider = actions.provider_if_set_up(settings)
    invoices, invoices_error = [], ""
    async with db.shared_reads() as session:
        current = await subscription_view(session, page.principal.workspace.id)
        if page.principal.can("billing.manage"):
            try:
                invoices = await invoices_of(session, provider, page.principal.workspace.id)
            except DomainError as refused:  # Stripe out of reach: the rest of the page works
                invoices_error = page.error_text(refused)
    usage = await workspace_usage(db, page.principal)
    currency = billing_currency(current.currency)
    return page.render(
        "settings/billing.html",
        status_code,
        section="settings",
        on_billing_page=True,
        current=current,
        usage=usage,
        plans=[plan for plan in PLANS.values()],
        interval=interval,
        currency=currency,
        invoices=invoices,
        invoices_error=invoices_error,
        status_labels=_status_labels(page),
        limit_labels=_limit_labels(page),
        can_manage=page.principal.can("billing.manage"),
        payments_set_up=provider is not None,
        error=error,
    )


@get("/w/{slug:str}/settings/billing")
async def billing(request: Request, page: NamedDependency[WorkspacePage]) -> Template:
    return await _billing_page(page)


async def _act(page: WorkspacePage, action, done: str) -> Template | Redirect:
    if not page.principal.can("billing.manage"):
        return await _billing_page(
            page, 403, error=page._("Only the owner changes the plan and payment.")
        )
    try:
        result = await action()
    except DomainError as refused:
        return await _billing_page(page, refused.status, error=page.error_text(refused))
    if isinstance(result, str):  # a Stripe page to go to
        return Redirect(result)
    return page.redirect(f"{page.base}/settings/billing", notice=done)


@post("/w/{slug:str}/settings/billing/plan", opt=OPEN)
async def change_plan(
    request: Request, page: NamedDependency[WorkspacePage]
) -> Template | Redirect:
    form = await request.form()
    settings = request.app.state.settings

    async def change():
        await actions.change_plan(
            database(request),
            settings,
            page.principal,
            form.get("plan", ""),
            form.get("interval", "month"),
        )

    return await _act(page, change, page._("Your plan is changed."))


@post("/w/{slug:str}/settings/billing/card", opt=OPEN)
async def card(request: Request, page: NamedDependency[WorkspacePage]) -> Template | Redirect:
    settings = request.app.state.settings
    return await _act(
        page,
        lambda: actions.card_form_url(database(request), settings, page.principal),
        "",
    )


@post("/w/{slug:str}/settings/billing/cancel", opt=OPEN)
async def cancel(request: Request, page: NamedDependency[WorkspacePage]) -> Template | Redirect:
    settings = request.app.state.settings
    return await _act(
        page,
        lambda: actions.cancel_at_period_end(database(request), settings, page.principal, True),
        page._("The subscription ends with the paid period. You can resume it until then."),
    )


@post("/w/{slug:str}/settings/billing/resume", opt=OPEN)
async def resume(request: Request, page: NamedDependency[WorkspacePage]) -> Template | Redirect:
    settings = request.app.state.settings
    return await _act(
        page,
        lambda: actions.cancel_at_period_end(database(request), settings, page.principal, False),
        page._("The subscription goes on."),
    )


routes = [billing, change_plan, card, cancel, resume]
