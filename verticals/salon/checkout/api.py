"""/api/v1/salon/visits/{id}/checkout: the bill, and checking out."""

import uuid
from decimal import Decimal

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.errors import Invalid
from atrium.platform.http.kit import DEPENDENCIES
from atrium.verticals.salon.access import salon_requires
from atrium.verticals.salon.checkout import service as checkout
from atrium.verticals.salon.journal import visits
from atrium.verticals.salon.journal.schemas import VisitOut, visit_out
from atrium.verticals.salon.models import LoyaltyCard

BOOK, MANAGE = salon_requires("salon.book"), salon_requires("salon.manage")


class ProductIn(msgspec.Struct, forbid_unknown_fields=True):
    item_id: uuid.UUID
    quantity: Decimal


class CheckoutIn(msgspec.Struct, forbid_unknown_fields=True):
    payment_method: str  # cash, card or transfer
    products: list[ProductIn] = []
    redeem_points: Decimal = Decimal(0)


class LineOut(msgspec.Struct):
    kind: str  # service or product
    name: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    service_id: uuid.UUID | None = None
    item_id: uuid.UUID | None = None


class CardBrief(msgspec.Struct):
    id: uuid.UUID
    number: str
    discount_percent: Decimal
    points: Decimal


class BillOut(msgspec.Struct):
    lines: list[LineOut]
    subtotal: Decimal
    discount_percent: Decimal  # of the services
    discount: Decimal
    points_available: Decimal
    points_used: Decimal
    total: Decimal  # to pay in money
    card: CardBrief | None


class CheckoutOut(VisitOut):
    """The visit, checked out, with its lines and what the loyalty card got."""

    lines: list[LineOut]
    card: CardBrief | None
    card_issued: bool
    points_earned: Decimal
    stock_short: list[str]  # items whose salon level went below zero: count them


def _lines(bill: checkout.Bill) -> list[LineOut]:
    return [
        LineOut(
            "service",
            line.name,
            line.quantity,
            line.unit_price,
            line.amount,
            service_id=line.service_id,
        )
        for line in bill.services
    ] + [
        LineOut(
            "product", line.name, line.quantity, line.unit_price, line.amount, item_id=line.item_id
        )
        for line in bill.products
    ]


def _brief(card: LoyaltyCard | None) -> CardBrief | None:
    if card is None:
        return None
    return CardBrief(card.id, card.number, card.discount_percent, card.points)


def bill_out(bill: checkout.Bill) -> BillOut:
    return BillOut(
        lines=_lines(bill),
        subtotal=bill.subtotal,
        discount_percent=bill.discount_percent,
        discount=bill.discount,
        points_available=bill.points_available,
        points_used=bill.points_used,
        total=bill.paid,
        card=_brief(bill.card),
    )


def _products(raw: list[str]) -> list[tuple[str, str]]:
    """``product=<item id>:<quantity>`` query values as pairs."""
    pairs = []
    for index, value in enumerate(raw):
        item_id, colon, quantity = value.partition(":")
        if not colon:
            raise Invalid("Give a product as its id and quantity: id:2.", field=f"product[{index}]")
        pairs.append((item_id, quantity))
    return pairs


class CheckoutController(Controller):
    path = "/salon/visits"
    tags = ["Salon"]
    dependencies = DEPENDENCIES

    @get("/{visit_id:uuid}/checkout", guards=[BOOK], summary="The bill of a visit, unpaid")
    async def preview(
        self,
        session: NamedDependency[AsyncSession],
        visit_id: FromPath[uuid.UUID],
        product: FromQuery[list[str] | None] = None,
        redeem_points: FromQuery[str] = "0",
    ) -> BillOut:
        """Lines, the card's discount, the points the card could pay and the total, writing
        nothing; add products as ``product=<item id>:<quantity>`` (repeat it)."""
        bill = await checkout.preview(
            session, visit_id, products=_products(product or []), redeem_points=redeem_points
        )
        return bill_out(bill)

    @post("/{visit_id:uuid}/checkout", guards=[BOOK], status_code=200, summary="Check a visit out")
    async def check_out(
        self,
        session: NamedDependency[AsyncSession],
        principal: NamedDependency[Principal],
        visit_id: FromPath[uuid.UUID],
        data: JSONBody[CheckoutIn],
    ) -> CheckoutOut:
        """The visit becomes done and paid; its consumables and products leave the salon's
        stock; the client's card earns (or is issued). 409 for a visit done, cancelled or a
        no-show; 422 for a payment method other than cash, card or transfer, a product not
        for sale, or more points than the card holds or the visit costs."""
        done = await checkout.check_out(
            session,
            visit_id,
            products=[(line.item_id, line.quantity) for line in data.products],
            payment_method=data.payment_method,
            redeem_points=data.redeem_points,
            actor_id=principal.user_id,
        )
        visit = visit_out(await visits.visit_view(session, visit_id))
        return CheckoutOut(
            **msgspec.structs.asdict(visit),
            lines=_lines(done.bill),
            card=_brief(done.loyalty.card or done.bill.card),
            card_issued=done.loyalty.issued,
            points_earned=done.loyalty.earned,
            stock_short=done.short,
        )


routes = [CheckoutController]
