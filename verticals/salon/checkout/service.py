"""Checking a visit out: its services and the retail products sold, the client's card discount
(on services only, as salons do: retail margins leave no room for it), points paid, the money
paid and how; then the stock the services used and the products sold, the loyalty card, and the
sale as a won deal for the core reports. One transaction: any refusal writes nothing.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_date
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.crm.deals.models import Deal, DealMove, Pipeline, Stage
from atrium.platform.db.names import by_name
from atrium.platform.errors import Conflict, Invalid, NotFound
from atrium.platform.events.service import record_event
from atrium.platform.numbers import decimal_of
from atrium.platform.tenancy.service import workspace_settings
from atrium.verticals.salon.journal.schedule import zone_of
from atrium.verticals.salon.journal.service import visit_for_change
from atrium.verticals.salon.loyalty import service as loyalty
from atrium.verticals.salon.models import (
    PAYMENT_METHODS,
    Location,
    LoyaltyCard,
    ServiceConsumable,
    StockItem,
    Visit,
    VisitProduct,
    VisitService,
)
from atrium.verticals.salon.stock.alerts import notice_low_stock
from atrium.verticals.salon.stock.service import record_move

CHECKABLE = ("booked", "confirmed", "arrived")
CENT = Decimal("0.01")
MAX_PRODUCTS = 30
MAX_QUANTITY = Decimal(10000)
SALE_PIPELINES = ("Bookings", "Записи")  # the salon's default pipeline, in either language
VISIT_WORD = {"en": "Visit", "ru": "Визит"}


@dataclass
class BillLine:
    name: str
    quantity: Decimal
    unit_price: Decimal
    item_id: uuid.UUID | None = None  # a product's stock item
    service_id: uuid.UUID | None = None

    @property
    def amount(self) -> Decimal:
        return (self.quantity * self.unit_price).quantize(CENT, ROUND_HALF_UP)


@dataclass
class Bill:
    """What a visit costs: services and products, the card's discount, the points paid."""

    visit: Visit
    services: list[BillLine]
    products: list[BillLine]
    card: LoyaltyCard | None
    points_used: Decimal = Decimal(0)

    @property
    def services_total(self) -> Decimal:
        return sum((line.amount for line in self.services), Decimal(0))

    @property
    def subtotal(self) -> Decimal:
        return self.services_total + sum((line.amount for line in self.products), Decimal(0))

    @property
    def discount_percent(self) -> Decimal:
        return self.card.discount_percent if self.card is not None else Decimal(0)

    @property
    def discount(self) -> Decimal:
        return (self.services_total * self.discount_percent / 100).quantize(CENT, ROUND_HALF_UP)

    @property
    def due(self) -> Decimal:
        """What is left to pay after the discount, before points."""
        return self.subtotal - self.discount

    @property
    def points_available(self) -> Decimal:
        """The most points this visit can take: the card's balance, up to what is due."""
        return min(self.card.points, self.due) if self.card is not None else Decimal(0)

    @property
    def paid(self) -> Decimal:
        return self.due - self.points_used


@dataclass
class Checkout:
    bill: Bill
    loyalty: loyalty.LoyaltyOutcome
    # Items whose level went below zero: the stock records need a count.
    short: list[str] = field(default_factory=list)


def _quantity(raw, field: str) -> Decimal:
    quantity = decimal_of(raw, field, "Give the quantity as a number.")
    if not 0 < quantity <= MAX_QUANTITY:
        raise Invalid("The quantity must be above 0 and at most 10000.", field=field)
    if quantity != quantity.quantize(Decimal("0.001")):
        raise Invalid("Give the quantity as a number.", field=field)
    return quantity


def _item_id(raw, field: str) -> uuid.UUID:
    if isinstance(raw, uuid.UUID):
        return raw
    try:
        return uuid.UUID(str(raw).strip())
    except ValueError:
        raise Invalid("Choose a product.", field=field) from None


async def _product_lines(session: AsyncSession, products) -> list[BillLine]:
    """Retail products with a price, a line per item (repeats add up)."""
    products = list(products or [])
    if len(products) > MAX_PRODUCTS:
        raise Invalid("A checkout holds at most %(max)s products.", field="products", max=30)
    wanted: dict[uuid.UUID, Decimal] = {}
    position: dict[uuid.UUID, int] = {}  # where an item was first asked for, for messages
    for index, (raw_id, raw_quantity) in enumerate(products):
        item_id = _item_id(raw_id, f"products[{index}].item_id")
        quantity = _quantity(raw_quantity, f"products[{index}].quantity")
        wanted[item_id] = wanted.get(item_id, Decimal(0)) + quantity
        position.setdefault(item_id, index)
    if not wanted:
        return []
    items = {
        item.id: item
        for item in await session.scalars(select(StockItem).where(StockItem.id.in_(wanted)))
    }
    lines = []
    for item_id, quantity in wanted.items():
        item = items.get(item_id)
        where = f"products[{position[item_id]}].item_id"
        if item is None or item.archived_at is not None or item.kind != "retail":
            raise Invalid("There is no such product for sale.", field=where)
        if item.price is None:
            raise Invalid("%(item)s has no sale price yet.", field=where, item=item.name)
        lines.append(BillLine(item.name, quantity, item.price, item_id=item.id))
    return lines


def _points(raw, bill: Bill) -> Decimal:
    points = loyalty.checked_points(raw or 0, "redeem_points")
    if points == 0:
        return points
    if bill.card is None:
        raise Invalid("This client has no loyalty card to pay with.", field="redeem_points")
    if points > bill.card.points:
        raise Invalid(
            "The card holds only %(points)s points.",
            field="redeem_points",
            points=loyalty.points_text(bill.card.points),
        )
    if points > bill.due:
        raise Invalid(
            "At most %(points)s points can pay for this visit.",
            field="redeem_points",
            points=loyalty.points_text(bill.due),
        )
    return points


async def _bill(
    session: AsyncSession, visit: Visit, products, redeem_points, *, lock_card: bool
) -> Bill:
    services = [
        BillLine(line.name, Decimal(1), line.price, service_id=line.service_id)
        for line in await session.scalars(
            select(VisitService)
            .where(VisitService.visit_id == visit.id)
            .order_by(VisitService.position)
        )
    ]
    card = None
    if visit.contact_id is not None:
        card = await loyalty.card_of(session, visit.contact_id, lock=lock_card)
    bill = Bill(visit, services, await _product_lines(session, products), card)
    bill.points_used = _points(redeem_points, bill)
    return bill


def _require_open(visit: Visit) -> None:
    if visit.status == "done":
        raise Conflict("This visit is checked out already.")
    if visit.status not in CHECKABLE:
        raise Conflict("A visit that is %(status)s cannot be checked out.", status=visit.status)


async def preview(
    session: AsyncSession, visit_id: uuid.UUID, *, products=(), redeem_points=0
) -> Bill:
    """The bill as it would be, writing nothing (a done visit: 409)."""
    visit = await session.get(Visit, visit_id)
    if visit is None:
        raise NotFound("There is no such visit.")
    _require_open(visit)
    return await _bill(session, visit, products, redeem_points, lock_card=False)


async def check_out(
    session: AsyncSession,
    visit_id: uuid.UUID,
    *,
    products=(),
    payment_method: str,
    redeem_points=0,
    actor_id: uuid.UUID | None = None,
    now: datetime | None = None,
) -> Checkout:
    """Close the visit as done and paid. ``products``: (item_id, quantity) pairs of retail
    items sold; ``redeem_points``: points paying part of it (1 point = 1 unit of money)."""
    now = now or datetime.now(UTC)
    visit = await visit_for_change(session, visit_id)
    _require_open(visit)
    if payment_method not in PAYMENT_METHODS:
        raise Invalid("Choose how the client pays: cash, card or transfer.", field="payment_method")
    bill = await _bill(session, visit, products, redeem_points, lock_card=True)
    visit.status, visit.done_at, visit.updated_at = "done", now, now
    visit.subtotal, visit.discount = bill.subtotal, bill.discount
    visit.points_used, visit.paid = bill.points_used, bill.paid
    visit.payment_method = payment_method
    session.add_all(
        VisitProduct(
            visit_id=visit.id,
            item_id=line.item_id,
            name=line.name,
            quantity=line.quantity,
            unit_price=line.unit_price,
        )
        for line in bill.products
    )
    await session.flush()
    if bill.points_used:
        await loyalty.redeem(session, bill.card, visit, bill.points_used)
    short = await _take_stock(session, visit, bill, actor_id, now)
    outcome = await loyalty.after_checkout(session, visit)
    await _record_sale(session, visit, bill, actor_id, now)
    await record_event(
        session,
        "salon.visit_done",
        {
            "visit_id": str(visit.id),
            "paid": str(visit.paid),
            "points_used": str(visit.points_used),
            "payment_method": payment_method,
        },
    )
    return Checkout(bill, outcome, short)


async def _take_stock(
    session: AsyncSession,
    visit: Visit,
    bill: Bill,
    actor_id: uuid.UUID | None,
    now: datetime,
) -> list[str]:
    """Moves "used" for the services' consumables and "sold" for the products, from the
    visit's salon; a level reaching its reorder point raises the low-stock alert once."""
    used: dict[uuid.UUID, Decimal] = defaultdict(Decimal)
    service_ids = [line.service_id for line in bill.services if line.service_id]
    if service_ids:
        recipe = defaultdict(list)
        for row in await session.scalars(
            select(ServiceConsumable).where(ServiceConsumable.service_id.in_(service_ids))
        ):
            recipe[row.service_id].append(row)
        for service_id in service_ids:  # a service done twice uses its consumables twice
            for row in recipe[service_id]:
                used[row.item_id] += row.quantity
    sold = {line.item_id: line.quantity for line in bill.products}
    ids = set(used) | set(sold)
    if not ids:
        return []
    items = {
        item.id: item
        for item in await session.scalars(select(StockItem).where(StockItem.id.in_(ids)))
    }
    location = await session.get(Location, visit.location_id)
    short = []
    for reason, amounts in (("used", used), ("sold", sold)):
        for item_id, amount in amounts.items():
            item = items[item_id]
            _, left = await record_move(
                session, location, item, -amount, reason, "", actor_id, visit_id=visit.id
            )
            if left < 0 and item.name not in short:
                short.append(item.name)
            await notice_low_stock(session, location, item, now)
    await session.flush()
    return short


async def _sale_stage(session: AsyncSession) -> Stage | None:
    """The won stage of the salon's bookings pipeline (else of the first pipeline with one)."""
    rows = (
        await session.execute(
            select(Pipeline, Stage)
            .join(Stage, Stage.pipeline_id == Pipeline.id)
            .where(Stage.kind == "won")
            .order_by(Pipeline.position, Pipeline.created_at, Stage.position)
        )
    ).all()
    named = [stage for pipeline, stage in rows if pipeline.name in SALE_PIPELINES]
    return (named or [stage for _, stage in rows] or [None])[0]


async def _record_sale(
    session: AsyncSession, visit: Visit, bill: Bill, actor_id: uuid.UUID | None, now: datetime
) -> None:
    """The visit as a won deal of its client, so the core reports (revenue, customer value,
    ABC) count salon sales; skipped when the workspace has no pipeline with a won stage."""
    stage = await _sale_stage(session)
    if stage is None:
        return
    settings = await workspace_settings(session)
    location = await session.get(Location, visit.location_id)
    local_day = visit.starts_at.astimezone(await zone_of(session, location)).date()
    language = settings.locale if settings.locale in VISIT_WORD else "en"
    names = ", ".join(line.name for line in bill.services) or location.name
    title = f"{VISIT_WORD[language]} {format_date(local_day, 'd MMMM', locale=language)} — {names}"
    deal = Deal(
        title=title[:300],
        pipeline_id=stage.pipeline_id,
        stage_id=stage.id,
        stage_changed_at=now,
        closed_at=now,
        contact_id=visit.contact_id,
        owner_id=actor_id,
        amount=bill.paid,
        currency=settings.currency,
        created_by=actor_id,
    )
    session.add(deal)
    await session.flush()
    session.add(DealMove(deal_id=deal.id, to_stage_id=stage.id, actor_id=actor_id))
    await record_event(session, "deal.created", {"id": str(deal.id), "visit_id": str(visit.id)})


async def products_for_sale(session: AsyncSession) -> list[StockItem]:
    """Retail items on sale (open, with a price), by name."""
    return list(
        await session.scalars(
            select(StockItem)
            .where(
                StockItem.kind == "retail",
                StockItem.archived_at.is_(None),
                StockItem.price.is_not(None),
            )
            .order_by(*by_name(StockItem.name), StockItem.id)
        )
    )


async def sold_products(session: AsyncSession, visit_id: uuid.UUID) -> list[VisitProduct]:
    return list(
        await session.scalars(
            select(VisitProduct)
            .where(VisitProduct.visit_id == visit_id)
            .order_by(*by_name(VisitProduct.name), VisitProduct.id)
        )
    )
