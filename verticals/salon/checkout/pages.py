"""Checkout pages: the bill of a visit with products to add, the client's card and points,
how the client pays ("Recalculate" shows the new total, "Check out" closes the visit); the
receipt to print. Plain forms throughout."""

import uuid
from dataclasses import dataclass
from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.errors import DomainError, NotFound
from atrium.platform.pages.kit import WorkspacePage, record_id, transaction
from atrium.verticals.salon.access import require_salon
from atrium.verticals.salon.checkout import service as checkout
from atrium.verticals.salon.journal import visits
from atrium.verticals.salon.journal.schedule import location_zone
from atrium.verticals.salon.loyalty import service as loyalty
from atrium.verticals.salon.models import PAYMENT_METHODS, Location, Master

JOURNAL = "salon_journal"

PAYMENT_LABELS = {"cash": "Cash", "card": "Bank card", "transfer": "Bank transfer"}

MAX_ROWS = 30


@dataclass
class ProductRow:
    item_id: str
    quantity: str


def _rows(form: Any) -> list[ProductRow]:
    """The product rows filled in: a row without a product, or with quantity 0, is dropped."""
    rows = []
    items, quantities = form.getall("item_id", []), form.getall("quantity", [])
    for item_id, quantity in zip(items, quantities, strict=False):
        if not isinstance(item_id, str) or not isinstance(quantity, str):
            continue
        item_id, quantity = item_id.strip(), quantity.strip() or "1"
        if item_id and quantity not in ("0", "0.0"):
            rows.append(ProductRow(item_id, quantity))
    return rows[:MAX_ROWS]


def _when(page: WorkspacePage, visit, location: Location) -> dict:
    """The visit's start in its salon's time: its day (for ``day()``) and the clock."""
    local = visit.starts_at.astimezone(location_zone(location, page.timezone))
    return {"when_day": local.date(), "when_time": local.strftime("%H:%M")}


def _labels(page: WorkspacePage, labels: dict[str, str]) -> dict[str, str]:
    return {key: page._(label) for key, label in labels.items()}


async def _bill(session: AsyncSession, visit_id: uuid.UUID, rows, points: str, errors: dict):
    """The bill with the rows and points asked for; what is refused goes to ``errors`` and
    the bill is shown without it."""
    pairs = [(row.item_id, row.quantity) for row in rows]
    for products, redeem in ((pairs, points or "0"), (pairs, "0"), ((), "0")):
        try:
            return await checkout.preview(
                session, visit_id, products=products, redeem_points=redeem
            )
        except DomainError as error:
            if error.status != 422:
                raise
            errors.setdefault(error.field or "_form", error)
    raise NotFound("There is no such visit.")


async def _checkout_form(
    page: WorkspacePage,
    visit_id: uuid.UUID,
    *,
    rows: list[ProductRow],
    values: dict[str, str],
    errors: dict[str, Any],
    status_code: int = 200,
) -> Template | Redirect:
    async with transaction(page) as session:
        try:
            view = await visits.visit_view(session, visit_id)
        except NotFound:
            raise NotFoundException() from None
        if view.visit.status == "done" and not errors:
            return page.redirect(f"{page.base}/salon/visits/{visit_id}/receipt")
        closed, bill = None, None
        try:
            bill = await _bill(session, visit_id, rows, values.get("redeem_points", ""), errors)
        except DomainError as error:
            closed = page.error_text(error)  # done, cancelled or a no-show
        products = await checkout.products_for_sale(session)
        location = await session.get(Location, view.visit.location_id)
        master = await session.get(Master, view.visit.master_id)
    texts = {
        name: page.error_text(error) if isinstance(error, DomainError) else error
        for name, error in errors.items()
    }
    return page.render(
        "salon/checkout.html",
        status_code,
        section=JOURNAL,
        view=view,
        visit=view.visit,
        bill=bill,
        closed=closed,
        location=location,
        master=master,
        products=products,
        rows=[*rows, ProductRow("", "1")],
        values=values,
        errors=texts,
        payment_methods=[(key, page._(PAYMENT_LABELS[key])) for key in PAYMENT_METHODS],
        **_when(page, view.visit, location),
    )


@get("/w/{slug:str}/salon/visits/{visit_id:str}/checkout")
async def checkout_page(
    request: Request, page: NamedDependency[WorkspacePage], visit_id: FromPath[str]
) -> Template | Redirect:
    require_salon(page.principal, "salon.book")
    return await _checkout_form(
        page,
        record_id(visit_id),
        rows=[],
        values={"payment_method": "cash", "redeem_points": ""},
        errors={},
    )


def _done_notice(page: WorkspacePage, done: checkout.Checkout) -> str:
    notes = [page._("The visit is checked out.")]
    if done.loyalty.issued and done.loyalty.card is not None:
        notes.append(
            page._("A loyalty card was issued: %(number)s.", number=done.loyalty.card.number)
        )
    if done.short:
        notes.append(
            page._(
                "Count the stock of: %(items)s (it went below zero).", items=", ".join(done.short)
            )
        )
    return " ".join(notes)


@post("/w/{slug:str}/salon/visits/{visit_id:str}/checkout")
async def checkout_post(
    request: Request, page: NamedDependency[WorkspacePage], visit_id: FromPath[str]
) -> Template | Redirect:
    """ "Recalculate" shows the bill again; "Check out" closes the visit and shows the receipt."""
    require_salon(page.principal, "salon.book")
    found = record_id(visit_id)
    form = await request.form()
    rows = _rows(form)
    values = {
        "payment_method": form.get("payment_method", ""),
        "redeem_points": form.get("redeem_points", "").strip(),
    }
    if form.get("action") != "checkout":
        return await _checkout_form(page, found, rows=rows, values=values, errors={})
    try:
        async with transaction(page) as session:
            done = await checkout.check_out(
                session,
                found,
                products=[(row.item_id, row.quantity) for row in rows],
                payment_method=values["payment_method"],
                redeem_points=values["redeem_points"] or "0",
                actor_id=page.principal.user_id,
            )
    except DomainError as error:
        if error.status == 404:
            raise NotFoundException() from None
        if error.status == 409:  # done meanwhile (a second click), cancelled or a no-show
            return page.redirect(
                f"{page.base}/salon/visits/{found}/receipt", error=page.error_text(error)
            )
        return await _checkout_form(
            page,
            found,
            rows=rows,
            values=values,
            errors={error.field or "_form": error},
            status_code=error.status,
        )
    return page.redirect(
        f"{page.base}/salon/visits/{found}/receipt", notice=_done_notice(page, done)
    )


@get("/w/{slug:str}/salon/visits/{visit_id:str}/receipt")
async def receipt_page(
    request: Request, page: NamedDependency[WorkspacePage], visit_id: FromPath[str]
) -> Template | Redirect:
    require_salon(page.principal, "salon.book")
    found = record_id(visit_id)
    async with transaction(page) as session:
        try:
            view = await visits.visit_view(session, found)
        except NotFound:
            raise NotFoundException() from None
        if view.visit.status != "done":
            return page.redirect(f"{page.base}/salon/visits/{found}/checkout")
        products = await checkout.sold_products(session, found)
        location = await session.get(Location, view.visit.location_id)
        master = await session.get(Master, view.visit.master_id)
        card = (
            await loyalty.card_of(session, view.visit.contact_id) if view.visit.contact_id else None
        )
    return page.render(
        "salon/checkout_receipt.html",
        section=JOURNAL,
        view=view,
        visit=view.visit,
        products=products,
        location=location,
        master=master,
        card=card,
        payment=page._(PAYMENT_LABELS.get(view.visit.payment_method or "", "Cash")),
        **_when(page, view.visit, location),
    )


routes = [checkout_page, checkout_post, receipt_page]
