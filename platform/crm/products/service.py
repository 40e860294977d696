"""Products and services with SKU, unit and price in the workspace currency; price lists."""

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.crm.products.models import (
    PRODUCT_KINDS,
    PriceList,
    PriceListItem,
    Product,
    ProductCategory,
)
from atrium.platform.db.names import by_name, name_key, name_key_of
from atrium.platform.db.savepoints import unique_or
from atrium.platform.db.types import utcnow
from atrium.platform.errors import Conflict, Invalid, NotFound
from atrium.platform.forms import column_limit
from atrium.platform.http.pagination import Page, paginate
from atrium.platform.numbers import decimal_of

MAX_MONEY = Decimal("999999999999.99")


def money(raw: Any, field: str) -> Decimal:
    """A non-negative amount with at most two decimals (never a float)."""
    value = decimal_of(raw, field, "%(name)s must be a number such as 1500.00.", name=field)
    if (
        not value.is_finite()
        or not 0 <= value <= MAX_MONEY
        or value != value.quantize(Decimal("0.01"))
    ):
        raise Invalid(
            "%(name)s must be between 0 and %(max)s with at most 2 decimals.",
            field=field,
            name=field,
            max=str(MAX_MONEY),
        )
    return value.quantize(Decimal("0.01"))


TEXT_LIMITS = {
    "sku": column_limit(Product.sku),
    "name": column_limit(Product.name),
    "unit": column_limit(Product.unit),
}
CATEGORY_LIMIT = column_limit(ProductCategory.name)


async def _category_id(session: AsyncSession, name: str | None) -> uuid.UUID | None:
    if not name:
        return None
    name = " ".join(name.split())[:CATEGORY_LIMIT]
    found = await session.scalar(
        select(ProductCategory.id).where(func.lower(ProductCategory.name) == name.lower())
    )
    if found:
        return found
    category = ProductCategory(name=name)
    session.add(category)
    await session.flush()
    return category.id


async def _checked(session: AsyncSession, data: dict[str, Any], *, partial: bool) -> dict:
    values: dict[str, Any] = {}
    for name, limit in TEXT_LIMITS.items():
        if name in data:
            value = " ".join((data[name] or "").split())
            if not value or len(value) > limit:
                raise Invalid(
                    "%(name)s needs 1 to %(max)d characters.", field=name, name=name, max=limit
                )
            values[name] = value
        elif not partial and name != "unit":
            raise Invalid("%(name)s is required.", field=name, name=name)
    if "kind" in data:
        if data["kind"] not in PRODUCT_KINDS:
            raise Invalid("kind is product or service.", field="kind")
        values["kind"] = data["kind"]
    if "price" in data:
        values["price"] = money(data["price"], "price")
    elif not partial:
        raise Invalid("price is required.", field="price")
    if "description" in data:
        values["description"] = (data["description"] or "").strip()[:5000]
    if "active" in data:
        values["active"] = bool(data["active"])
    if "category" in data:
        values["category_id"] = await _category_id(session, data["category"])
    return values


def _sku_taken(sku: str) -> Conflict:
    return Conflict("A product with SKU %(sku)s exists already.", field="sku", sku=sku)


async def create_product(session: AsyncSession, data: dict[str, Any]) -> Product:
    product = Product(**await _checked(session, data, partial=False))
    async with unique_or(session, _sku_taken(product.sku)):
        session.add(product)
    return product


async def get_product(session: AsyncSession, product_id: uuid.UUID) -> Product:
    product = await session.get(Product, product_id)
    if product is None:
        raise NotFound("No such product.")
    return product


async def update_product(
    session: AsyncSession, product_id: uuid.UUID, data: dict[str, Any]
) -> Product:
    product = await get_product(session, product_id)
    values = await _checked(session, data, partial=True)
    async with unique_or(session, _sku_taken(values.get("sku", product.sku))):
        for name, value in values.items():
            setattr(product, name, value)
        product.updated_at = utcnow()
    return product


async def category_names(session: AsyncSession, ids: list[uuid.UUID | None]) -> dict:
    wanted = [i for i in ids if i]
    if not wanted:
        return {}
    rows = await session.execute(
        select(ProductCategory.id, ProductCategory.name).where(ProductCategory.id.in_(wanted))
    )
    return dict(rows.all())


async def list_products(
    session: AsyncSession,
    *,
    q: str | None = None,
    category: str | None = None,
    active: bool | None = None,
    cursor: str | None = None,
    limit: int = 25,
) -> Page[Product]:
    query = select(Product)
    if q:
        pattern = f"%{q.strip().lower()[:200]}%"
        query = query.where(
            or_(func.lower(Product.name).like(pattern), func.lower(Product.sku).like(pattern))
        )
    if category:
        query = query.where(
            Product.category_id.in_(
                select(ProductCategory.id).where(
                    func.lower(ProductCategory.name) == category.lower()
                )
            )
        )
    if active is not None:
        query = query.where(Product.active == active)
    return await paginate(
        session,
        query,
        sort=[name_key(Product.name), Product.id],
        key=lambda product: [name_key_of(product.name), product.id],
        parse=[str, uuid.UUID],
        cursor=cursor,
        limit=limit,
    )


async def create_price_list(
    session: AsyncSession, name: str, prices: list[tuple[uuid.UUID, Any]]
) -> tuple[PriceList, list[PriceListItem]]:
    name = " ".join(name.split())
    if not name or len(name) > 100:
        raise Invalid("A price list needs a name of 1 to 100 characters.", field="name")
    product_ids = [product_id for product_id, _ in prices]
    known = set(await session.scalars(select(Product.id).where(Product.id.in_(product_ids))))
    for index, product_id in enumerate(product_ids):
        if product_id not in known:
            raise Invalid(
                "There is no product %(id)s.",
                field=f"prices[{index}].product_id",
                id=str(product_id),
            )
    price_list = PriceList(name=name)
    taken = Conflict("A price list named %(name)s exists already.", field="name", name=name)
    async with unique_or(session, taken):
        session.add(price_list)
    items = [
        PriceListItem(
            price_list_id=price_list.id,
            product_id=product_id,
            price=money(price, f"prices[{index}].price"),
        )
        for index, (product_id, price) in enumerate(prices)
    ]
    session.add_all(items)
    await session.flush()
    return price_list, items


async def list_price_lists(session: AsyncSession) -> list[tuple[PriceList, list[PriceListItem]]]:
    lists = list(await session.scalars(select(PriceList).order_by(*by_name(PriceList.name))))
    items = list(await session.scalars(select(PriceListItem)))
    return [(pl, [i for i in items if i.price_list_id == pl.id]) for pl in lists]
