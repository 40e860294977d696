"""Stock of the salons: items (consumables used by services, retail products sold at
checkout), how much of each a salon holds, receipts and counted adjustments (each written as a
StockMove), and what to reorder. Services take a session, never commit."""

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.db.names import by_name
from atrium.platform.db.savepoints import unique_or
from atrium.platform.db.types import utcnow
from atrium.platform.errors import Conflict, Invalid, NotFound
from atrium.platform.http.pagination import Page, paginate
from atrium.verticals.salon.catalog import checks as check
from atrium.verticals.salon.catalog.service import NAME_LIMIT, active_location
from atrium.verticals.salon.models import (
    STOCK_KINDS,
    Location,
    StockItem,
    StockLevel,
    StockMove,
)


async def list_items(
    session: AsyncSession,
    *,
    archived: bool = False,
    kind: str | None = None,
    cursor: str | None = None,
    limit: int = 200,
) -> Page[StockItem]:
    query = select(StockItem)
    if not archived:
        query = query.where(StockItem.archived_at.is_(None))
    if kind is not None:
        query = query.where(StockItem.kind == check.choice(kind, "kind", STOCK_KINDS))
    return await paginate(
        session,
        query,
        sort=[StockItem.name, StockItem.id],
        key=lambda item: (item.name, item.id),
        cursor=cursor,
        limit=limit,
        parse=[str, uuid.UUID],
    )


async def get_item(session: AsyncSession, item_id: uuid.UUID) -> StockItem:
    item = await session.get(StockItem, item_id)
    if item is None:
        raise NotFound("No such stock item.")
    return item


UNIT_LIMIT = 20
NOTE_LIMIT = 1000  # a receipt's or a stocktake's note

ITEM_RULES = {
    "kind": lambda raw: check.choice(raw, "kind", STOCK_KINDS),
    "unit": lambda raw: check.text(raw, "unit", limit=UNIT_LIMIT, required=True),
    "price": lambda raw: check.optional_amount(raw, "price"),
}


async def _checked_levels(session: AsyncSession, raw: list) -> list[dict]:
    """[{"location_id", "reorder_level", "reorder_quantity"}] as level rows to write."""
    rows, seen = [], set()
    for index, entry in enumerate(raw):
        where = f"levels[{index}]"
        location = await active_location(session, entry.get("location_id"), f"{where}.location_id")
        if location.id in seen:
            raise Invalid("Each salon may be listed once.", field=f"{where}.location_id")
        seen.add(location.id)
        rows.append(
            {
                "location_id": location.id,
                "reorder_level": check.quantity(
                    entry.get("reorder_level") or 0, f"{where}.reorder_level", positive=False
                ),
                "reorder_quantity": check.quantity(
                    entry.get("reorder_quantity") or 0,
                    f"{where}.reorder_quantity",
                    positive=False,
                ),
            }
        )
    return rows


async def _write_levels(session: AsyncSession, item: StockItem, rows: list[dict]) -> None:
    for row in rows:
        statement = insert(StockLevel).values(item_id=item.id, **row)
        await session.execute(
            statement.on_conflict_do_update(
                index_elements=[StockLevel.item_id, StockLevel.location_id],
                set_={
                    "reorder_level": statement.excluded.reorder_level,
                    "reorder_quantity": statement.excluded.reorder_quantity,
                },
            )
        )


def _name_taken(name: str) -> Conflict:
    return Conflict("There is a stock item named %(name)s already.", field="name", name=name)


async def create_item(session: AsyncSession, data: dict[str, Any]) -> StockItem:
    """``data["levels"]``: the reorder level and quantity for some salons."""
    values = {"name": check.text(data.get("name"), "name", limit=NAME_LIMIT, required=True)}
    values |= {name: rule(data[name]) for name, rule in ITEM_RULES.items() if name in data}
    levels = await _checked_levels(session, data.get("levels") or [])
    item = StockItem(**values)
    async with unique_or(session, _name_taken(item.name)):
        session.add(item)
    await _write_levels(session, item, levels)
    return item


async def update_item(session: AsyncSession, item_id: uuid.UUID, data: dict[str, Any]) -> StockItem:
    """Changes the fields given; ``archived`` takes it out of lists (or back)."""
    item = await get_item(session, item_id)
    values = {name: rule(data[name]) for name, rule in ITEM_RULES.items() if name in data}
    if "name" in data:
        values["name"] = check.text(data["name"], "name", limit=NAME_LIMIT, required=True)
    if "archived" in data:
        archived = check.flag(data["archived"], "archived")
        values["archived_at"] = (item.archived_at or utcnow()) if archived else None
    levels = await _checked_levels(session, data.get("levels") or [])
    async with unique_or(session, _name_taken(values.get("name", item.name))):
        for name, value in values.items():
            setattr(item, name, value)
    await _write_levels(session, item, levels)
    return item


@dataclass
class Level:
    item: StockItem
    location_id: uuid.UUID
    quantity: Decimal
    reorder_level: Decimal
    reorder_quantity: Decimal

    @property
    def low(self) -> bool:
        return self.reorder_level > 0 and self.quantity <= self.reorder_level

    @property
    def suggested(self) -> Decimal:
        """What to order: the set reorder quantity, else enough to reach twice the level."""
        if self.reorder_quantity > 0:
            return self.reorder_quantity
        return max(self.reorder_level * 2 - self.quantity, Decimal(0))


async def levels_of(
    session: AsyncSession,
    *,
    location_id: uuid.UUID | None = None,
    item_ids: list[uuid.UUID] | None = None,
) -> list[Level]:
    """Stock levels (items of no level yet count as 0), by item name."""
    query = (
        select(StockLevel, StockItem)
        .join(StockItem, StockItem.id == StockLevel.item_id)
        .order_by(*by_name(StockItem.name), StockItem.id)
    )
    if location_id is not None:
        query = query.where(StockLevel.location_id == location_id)
    if item_ids is not None:
        query = query.where(StockLevel.item_id.in_(item_ids))
    # Fresh from the database: a receipt in this transaction changed levels with an upsert.
    rows = await session.execute(query.execution_options(populate_existing=True))
    return [
        Level(item, level.location_id, level.quantity, level.reorder_level, level.reorder_quantity)
        for level, item in rows
    ]


async def salon_stock(session: AsyncSession, location_id: uuid.UUID) -> list[Level]:
    """Every open item with what this salon holds of it (0 where nothing was received)."""
    held = {level.item.id: level for level in await levels_of(session, location_id=location_id)}
    items = await session.scalars(
        select(StockItem)
        .where(StockItem.archived_at.is_(None))
        .order_by(*by_name(StockItem.name), StockItem.id)
    )
    zero = Decimal(0)
    return [held.get(item.id) or Level(item, location_id, zero, zero, zero) for item in items]


async def reorder_list(session: AsyncSession, location_id: uuid.UUID) -> list[Level]:
    """Items of the salon at or below their reorder level, with the quantity to order."""
    location = await session.get(Location, location_id)
    if location is None:
        raise NotFound("No such salon.")
    return [
        level
        for level in await levels_of(session, location_id=location.id)
        if level.low and level.item.archived_at is None
    ]


async def record_move(
    session: AsyncSession,
    location: Location,
    item: StockItem,
    change: Decimal,
    reason: str,
    note: str,
    actor_id: uuid.UUID | None,
    *,
    visit_id: uuid.UUID | None = None,
) -> tuple[StockMove, Decimal]:
    """Change the level by ``change`` and write the move; the move and the new quantity."""
    statement = insert(StockLevel).values(item_id=item.id, location_id=location.id, quantity=change)
    quantity = await session.scalar(
        statement.on_conflict_do_update(
            index_elements=[StockLevel.item_id, StockLevel.location_id],
            set_={"quantity": StockLevel.quantity + statement.excluded.quantity},
        ).returning(StockLevel.quantity)
    )
    # Back above the level: the next dip raises a new low-stock notice.
    await session.execute(
        update(StockLevel)
        .where(
            StockLevel.item_id == item.id,
            StockLevel.location_id == location.id,
            StockLevel.quantity > StockLevel.reorder_level,
        )
        .values(low_noticed_at=None)
        .execution_options(synchronize_session=False)
    )
    move = StockMove(
        item_id=item.id,
        location_id=location.id,
        change=change,
        reason=reason,
        note=note,
        created_by=actor_id,
        visit_id=visit_id,
    )
    session.add(move)
    await session.flush()
    return move, quantity


async def _open_item(session: AsyncSession, raw: Any, field: str) -> StockItem:
    item = await session.get(StockItem, check.record_id(raw, field))
    if item is None or item.archived_at is not None:
        raise Invalid("No such stock item.", field=field)
    return item


async def receive(
    session: AsyncSession, data: dict[str, Any], actor_id: uuid.UUID | None = None
) -> list[StockMove]:
    """A delivery to a salon: {"location_id", "lines": [{"item_id", "quantity"}], "note"}."""
    location = await active_location(session, data.get("location_id"))
    lines = data.get("lines") or []
    if not lines:
        raise Invalid("Add at least one line.", field="lines")
    checked = []
    for index, line in enumerate(lines):
        item = await _open_item(session, line.get("item_id"), f"lines[{index}].item_id")
        checked.append((item, check.quantity(line.get("quantity"), f"lines[{index}].quantity")))
    note = check.long_text(data.get("note"), NOTE_LIMIT)
    return [
        (await record_move(session, location, item, amount, "receipt", note, actor_id))[0]
        for item, amount in checked
    ]


async def adjust(
    session: AsyncSession, data: dict[str, Any], actor_id: uuid.UUID | None = None
) -> Decimal:
    """A count: the salon holds ``quantity`` of the item now; the difference is the move."""
    location = await active_location(session, data.get("location_id"))
    item = await _open_item(session, data.get("item_id"), "item_id")
    counted = check.quantity(data.get("quantity"), "quantity", positive=False)
    held = await session.scalar(
        select(StockLevel.quantity).where(
            StockLevel.item_id == item.id, StockLevel.location_id == location.id
        )
    )
    change = counted - (held or Decimal(0))
    if change == 0:
        return counted
    note = check.long_text(data.get("note"), NOTE_LIMIT)
    return (await record_move(session, location, item, change, "adjusted", note, actor_id))[1]
