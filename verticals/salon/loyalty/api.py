"""/api/v1/salon/loyalty-cards: cards, their history, QR codes, manual cards and points."""

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

from atrium.platform.http.kit import DEPENDENCIES
from atrium.verticals.salon.access import salon_requires
from atrium.verticals.salon.loyalty import service as loyalty
from atrium.verticals.salon.models import LoyaltyCard, LoyaltyEntry

BOOK, MANAGE = salon_requires("salon.book"), salon_requires("salon.manage")


class CardIn(msgspec.Struct, forbid_unknown_fields=True):
    client_id: uuid.UUID
    location_id: uuid.UUID


class PointsAdjustmentIn(msgspec.Struct, forbid_unknown_fields=True):
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
        data: JSONBody[PointsAdjustmentIn],
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


routes = [LoyaltyCardController]
