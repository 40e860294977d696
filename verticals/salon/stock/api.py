"""/api/v1/salon/stock: items with each salon's level, receipts, counted adjustments and the
reorder list. Reads need salon.book, changes salon.manage, and the plan must include the pack."""

import uuid
from decimal import Decimal

import msgspec
from litestar import Controller, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.http.kit import DEPENDENCIES, UNSET, Unset, given_fields
from atrium.verticals.salon.access import salon_requires
from atrium.verticals.salon.models import StockItem
from atrium.verticals.salon.stock import service as stock

READ, MANAGE = salon_requires("salon.book"), salon_requires("salon.manage")


class LevelIn(msgspec.Struct, forbid_unknown_fields=True):
    location_id: uuid.UUID
    reorder_level: Decimal = Decimal(0)
    reorder_quantity: Decimal = Decimal(0)


class ItemIn(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """Create needs a name; ``levels`` set the reorder rule of the salons named."""

    name: str | Unset = UNSET
    kind: str | Unset = UNSET  # consumable or retail
    unit: str | Unset = UNSET
    price: Decimal | None | Unset = UNSET  # the retail price
    levels: list[LevelIn] | Unset = UNSET
    archived: bool | Unset = UNSET


class LevelOut(msgspec.Struct):
    location_id: uuid.UUID
    quantity: Decimal
    reorder_level: Decimal
    reorder_quantity: Decimal
    low: bool


class ItemOut(msgspec.Struct):
    id: uuid.UUID
    name: str
    kind: str
    unit: str
    price: Decimal | None
    archived: bool
    levels: list[LevelOut]


class ItemList(msgspec.Struct):
    items: list[ItemOut]
    next_cursor: str | None


def _level_out(level: stock.Level) -> LevelOut:
    return LevelOut(
        level.location_id, level.quantity, level.reorder_level, level.reorder_quantity, level.low
    )


async def _item_outs(session: AsyncSession, items: list[StockItem]) -> list[ItemOut]:
    levels: dict[uuid.UUID, list[LevelOut]] = {item.id: [] for item in items}
    for level in await stock.levels_of(session, item_ids=list(levels)):
        levels[level.item.id].append(_level_out(level))
    return [
        ItemOut(
            id=item.id,
            name=item.name,
            kind=item.kind,
            unit=item.unit,
            price=item.price,
            archived=item.archived_at is not None,
            levels=levels[item.id],
        )
        for item in items
    ]


def _item_data(data: ItemIn) -> dict:
    values = given_fields(data)
    if "levels" in values:
        values["levels"] = [msgspec.structs.asdict(level) for level in values["levels"]]
    return values


class ReceiptLineIn(msgspec.Struct, forbid_unknown_fields=True):
    item_id: uuid.UUID
    quantity: Decimal


class ReceiptIn(msgspec.Struct, forbid_unknown_fields=True):
    location_id: uuid.UUID
    lines: list[ReceiptLineIn]
    note: str = ""


class MoveOut(msgspec.Struct):
    id: uuid.UUID
    item_id: uuid.UUID
    change: Decimal
    reason: str


class ReceiptOut(msgspec.Struct):
    location_id: uuid.UUID
    moves: list[MoveOut]


class StockCountIn(msgspec.Struct, forbid_unknown_fields=True):
    """A count: the salon holds ``quantity`` of the item now."""

    location_id: uuid.UUID
    item_id: uuid.UUID
    quantity: Decimal
    note: str = ""


class ReorderLineOut(msgspec.Struct):
    item_id: uuid.UUID
    name: str
    unit: str
    quantity: Decimal
    reorder_level: Decimal
    suggested_quantity: Decimal


class ReorderList(msgspec.Struct):
    items: list[ReorderLineOut]


class StockController(Controller):
    path = "/salon/stock"
    tags = ["Salon"]
    dependencies = DEPENDENCIES

    @get("/items", guards=[READ])
    async def list_items(
        self,
        session: NamedDependency[AsyncSession],
        kind: FromQuery[str | None] = None,
        archived: FromQuery[bool] = False,
        cursor: FromQuery[str | None] = None,
        limit: FromQuery[int] = 100,
    ) -> ItemList:
        page = await stock.list_items(
            session, archived=archived, kind=kind, cursor=cursor, limit=limit
        )
        return ItemList(items=await _item_outs(session, page.items), next_cursor=page.next_cursor)

    @post("/items", guards=[MANAGE])
    async def create_item(
        self, session: NamedDependency[AsyncSession], data: JSONBody[ItemIn]
    ) -> ItemOut:
        return (await _item_outs(session, [await stock.create_item(session, _item_data(data))]))[0]

    @patch("/items/{item_id:uuid}", guards=[MANAGE])
    async def change_item(
        self,
        session: NamedDependency[AsyncSession],
        item_id: FromPath[uuid.UUID],
        data: JSONBody[ItemIn],
    ) -> ItemOut:
        item = await stock.update_item(session, item_id, _item_data(data))
        return (await _item_outs(session, [item]))[0]

    @post("/receipts", guards=[MANAGE])
    async def receive(
        self,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        data: JSONBody[ReceiptIn],
    ) -> ReceiptOut:
        body = msgspec.structs.asdict(data)
        body["lines"] = [msgspec.structs.asdict(line) for line in data.lines]
        moves = await stock.receive(session, body, principal.user_id)
        return ReceiptOut(
            location_id=data.location_id,
            moves=[MoveOut(m.id, m.item_id, m.change, m.reason) for m in moves],
        )

    @post("/adjustments", guards=[MANAGE])
    async def adjust(
        self,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        data: JSONBody[StockCountIn],
    ) -> LevelOut:
        await stock.adjust(session, msgspec.structs.asdict(data), principal.user_id)
        found = await stock.levels_of(
            session, location_id=data.location_id, item_ids=[data.item_id]
        )
        if not found:  # counted 0 of an item the salon never held
            return LevelOut(data.location_id, Decimal(0), Decimal(0), Decimal(0), False)
        return _level_out(found[0])

    @get("/reorder", guards=[READ])
    async def reorder(
        self, session: NamedDependency[AsyncSession], location_id: FromQuery[uuid.UUID]
    ) -> ReorderList:
        found = await stock.reorder_list(session, location_id)
        return ReorderList(
            items=[
                ReorderLineOut(
                    item_id=level.item.id,
                    name=level.item.name,
                    unit=level.item.unit,
                    quantity=level.quantity,
                    reorder_level=level.reorder_level,
                    suggested_quantity=level.suggested,
                )
                for level in found
            ]
        )


routes = [StockController]
