"""/api/v1/salon/visits/{id}/checkout (the bill, and checking out) and
/api/v1/salon/loyalty-cards (cards, their history, QR codes, manual cards and points)."""

import io
import uuid
from datetime import datetime
from decimal import Decimal

import msgspec
import segno
from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.crm.api import DEPENDENCIES
from atrium.platform.errors import Invalid
from atrium.verticals.salon.access import salon_requires
from atrium.verticals.salon.checkout import service as checkout
from atrium.verticals.salon.journal import visits
from atrium.verticals.salon.journal.api import VisitOut, visit_out
from atrium.verticals.salon.loyalty import service as loyalty
from atrium.verticals.salon.models import LoyaltyCard, LoyaltyEntry

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


class CardIn(msgspec.Struct, forbid_unknown_fields=True):
    client_id: uuid.UUID
    location_id: uuid.UUID


class AdjustmentIn(msgspec.Struct, forbid_unknown_fields=True):
    points: Decimal  # negative takes points away
    note: str


class CardOut(msgspec.Struct):
    id: uuid.UUID
    number: str
    client_id: uuid.UUID
    client_name: str
    discount_percent: Decimal
    points: Decimal
    location_id: uuid.UUID | None
    issued_at: datetime


class EntryOut(msgspec.Struct):
    id: uuid.UUID
    kind: str  # issued, earned, redeemed, adjusted
    points: Decimal
    visit_id: uuid.UUID | None
    note: str
    at: datetime


class CardDetail(CardOut):
    lifetime_spend: Decimal
    history: list[EntryOut]


class CardList(msgspec.Struct):
    items: list[CardOut]
    next_cursor: str | None


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


def card_out(card: LoyaltyCard, name: str) -> CardOut:
    return CardOut(
        id=card.id,
        number=card.number,
        client_id=card.contact_id,
        client_name=name,
        discount_percent=card.discount_percent,
        points=card.points,
        location_id=card.location_id,
        issued_at=card.issued_at,
    )


def entry_out(entry: LoyaltyEntry) -> EntryOut:
    return EntryOut(
        entry.id, entry.kind, entry.points, entry.visit_id, entry.note, entry.created_at
    )


async def card_detail(session: AsyncSession, card: LoyaltyCard) -> CardDetail:
    return CardDetail(
        **msgspec.structs.asdict(card_out(card, await loyalty.holder_name(session, card))),
        lifetime_spend=await loyalty.lifetime_spend(session, card.contact_id),
        history=[entry_out(entry) for entry in await loyalty.card_history(session, card.id)],
    )


def qr_svg(number: str, *, scale: int = 4) -> str:
    """The card number as a QR code, a standalone SVG document."""
    buffer = io.BytesIO()
    segno.make(number, error="m").save(buffer, kind="svg", scale=scale, title=number)
    return buffer.getvalue().decode()


class LoyaltyCardController(Controller):
    path = "/salon/loyalty-cards"
    tags = ["Salon"]
    dependencies = DEPENDENCIES

    @get("/", guards=[BOOK], summary="Loyalty cards")
    async def list_cards(
        self,
        session: NamedDependency[AsyncSession],
        q: FromQuery[str] = "",
        cursor: FromQuery[str | None] = None,
        limit: FromQuery[int] = 50,
    ) -> CardList:
        """Newest first; ``q``: the start of a card number or a part of the client's name."""
        page = await loyalty.list_cards(session, q=q, cursor=cursor, limit=limit)
        names = await loyalty.names_of(session, page.items)
        return CardList(
            [card_out(card, names.get(card.contact_id, "")) for card in page.items],
            page.next_cursor,
        )

    @post("/", guards=[MANAGE], summary="Issue a card by hand")
    async def issue(
        self, session: NamedDependency[AsyncSession], data: JSONBody[CardIn]
    ) -> CardDetail:
        """With the salon's discount, whatever the client spent; 409 when they have a card."""
        card = await loyalty.issue_card(session, data.client_id, data.location_id)
        return await card_detail(session, card)

    @get("/{card_id:uuid}", guards=[BOOK], summary="A card with its history")
    async def show(
        self, session: NamedDependency[AsyncSession], card_id: FromPath[uuid.UUID]
    ) -> CardDetail:
        return await card_detail(session, await loyalty.get_card(session, card_id))

    @get("/by-number/{number:str}", guards=[BOOK], summary="A card by its number")
    async def by_number(
        self, session: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> CardDetail:
        return await card_detail(session, await loyalty.card_by_number(session, number))

    @post(
        "/{card_id:uuid}/adjustments",
        guards=[MANAGE],
        summary="Add or take away points by hand",
    )
    async def adjust(
        self,
        session: NamedDependency[AsyncSession],
        card_id: FromPath[uuid.UUID],
        data: JSONBody[AdjustmentIn],
    ) -> CardDetail:
        """``points`` negative takes them away (never below zero); ``note`` says why."""
        card = await loyalty.adjust_points(session, card_id, data.points, data.note)
        return await card_detail(session, card)

    @get("/{card_id:uuid}/qr.svg", guards=[BOOK], summary="The card number as a QR code")
    async def qr(
        self, session: NamedDependency[AsyncSession], card_id: FromPath[uuid.UUID]
    ) -> Response[str]:
        card = await loyalty.get_card(session, card_id)
        return Response(qr_svg(card.number), media_type="image/svg+xml")


routes = [CheckoutController, LoyaltyCardController]
