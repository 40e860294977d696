"""Loyalty card pages: a list to find a card, a card with its QR code and history, and points
changed by hand for managers. Plain forms."""

import uuid

import segno
from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from atrium.platform.errors import DomainError, NotFound
from atrium.platform.forms import Field, FormFields, gettext
from atrium.platform.pages.kit import WorkspacePage, record_id, transaction
from atrium.verticals.salon.access import require_salon
from atrium.verticals.salon.loyalty import service as loyalty
from atrium.verticals.salon.models import Location

CLIENTS = "salon_clients"  # the section the cards are under
ENTRY_LABELS = {
    "issued": "Card issued",
    "earned": "Points earned",
    "redeemed": "Points paid",
    "adjusted": "Changed by hand",
}

ADJUST_FORM = FormFields(  # points changed by hand on a loyalty card
    points=Field(gettext("Points"), required=True),
    note=Field(gettext("Why"), loyalty.NOTE_LIMIT, required=True),
)


def _labels(page: WorkspacePage, labels: dict[str, str]) -> dict[str, str]:
    return {key: page._(label) for key, label in labels.items()}


@get("/w/{slug:str}/salon/loyalty-cards")
async def cards_page(request: Request, page: NamedDependency[WorkspacePage]) -> Template:
    require_salon(page.principal, "salon.book")
    q = request.query_params.get("q", "").strip()[:100]
    cursor = request.query_params.get("cursor") or None
    async with transaction(page) as session:
        try:
            found = await loyalty.list_cards(session, q=q, cursor=cursor, limit=50)
        except DomainError:  # a cursor from somewhere else: the first page
            found = await loyalty.list_cards(session, q=q, limit=50)
        names = await loyalty.names_of(session, found.items)
    return page.render(
        "salon/loyalty_cards.html",
        section=CLIENTS,
        cards=found.items,
        names=names,
        next_cursor=found.next_cursor,
        q=q,
    )


def qr_markup(number: str) -> str:
    """The card number as an inline SVG QR code (digits only: nothing to escape)."""
    return segno.make(number, error="m").svg_inline(scale=5, omitsize=True, title=number)


async def _card_page(
    page: WorkspacePage, card_id: uuid.UUID, *, values=None, errors=None, status_code: int = 200
) -> Template:
    async with transaction(page) as session:
        try:
            card = await loyalty.get_card(session, card_id)
        except NotFound:
            raise NotFoundException() from None
        history = await loyalty.card_history(session, card.id)
        name = await loyalty.holder_name(session, card)
        spend = await loyalty.lifetime_spend(session, card.contact_id)
        location = await session.get(Location, card.location_id) if card.location_id else None
    return page.render(
        "salon/loyalty_card.html",
        status_code,
        section=CLIENTS,
        card=card,
        holder=name,
        history=history,
        spend=spend,
        location=location,
        qr=qr_markup(card.number),
        entry_labels=_labels(page, ENTRY_LABELS),
        may_adjust=page.principal.can("salon.manage"),
        values=values or {},
        errors=errors or {},
        form_fields=ADJUST_FORM,
    )


@get("/w/{slug:str}/salon/loyalty-cards/{card_id:str}")
async def card_page(
    request: Request, page: NamedDependency[WorkspacePage], card_id: FromPath[str]
) -> Template:
    require_salon(page.principal, "salon.book")
    return await _card_page(page, record_id(card_id))


@post("/w/{slug:str}/salon/loyalty-cards/{card_id:str}/adjustments")
async def card_adjust(
    request: Request, page: NamedDependency[WorkspacePage], card_id: FromPath[str]
) -> Template | Redirect:
    require_salon(page.principal, "salon.manage")
    found = record_id(card_id)
    form = await request.form()
    values = {"points": form.get("points", "").strip(), "note": form.get("note", "")}
    try:
        ADJUST_FORM.check(values)
        async with transaction(page) as session:
            await loyalty.adjust_points(session, found, values["points"] or "0", values["note"])
    except DomainError as error:
        if error.status == 404:
            raise NotFoundException() from None
        errors = page.form_errors(ADJUST_FORM, error)
        return await _card_page(page, found, values=values, errors=errors, status_code=error.status)
    return page.redirect(
        f"{page.base}/salon/loyalty-cards/{found}", notice=page._("The points are changed.")
    )


routes = [cards_page, card_page, card_adjust]
