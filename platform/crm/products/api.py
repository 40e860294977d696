"""/api/v1/products and /api/v1/price-lists."""

import uuid
from datetime import datetime
from decimal import Decimal

import msgspec
from litestar import Controller, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.crm.products import service as products
from atrium.platform.http.auth import requires
from atrium.platform.http.kit import DEPENDENCIES, UNSET, Unset, given_fields
from atrium.platform.tenancy.service import workspace_settings


class ProductIn(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    sku: str | Unset = UNSET
    name: str | Unset = UNSET
    kind: str | Unset = UNSET
    unit: str | Unset = UNSET
    price: Decimal | Unset = UNSET
    category: str | None | Unset = UNSET
    description: str | Unset = UNSET
    active: bool | Unset = UNSET


class ProductOut(msgspec.Struct):
    id: uuid.UUID
    sku: str
    name: str
    kind: str
    unit: str
    price: Decimal
    currency: str
    category: str | None
    description: str
    active: bool
    created_at: datetime
    updated_at: datetime


class ProductList(msgspec.Struct):
    items: list[ProductOut]
    next_cursor: str | None


async def _outs(session: AsyncSession, found: list) -> list[ProductOut]:
    currency = (await workspace_settings(session)).currency
    names = await products.category_names(session, [p.category_id for p in found])
    return [
        ProductOut(
            id=p.id,
            sku=p.sku,
            name=p.name,
            kind=p.kind,
            unit=p.unit,
            price=p.price,
            currency=currency,
            category=names.get(p.category_id),
            description=p.description,
            active=p.active,
            created_at=p.created_at,
            updated_at=p.updated_at,
        )
        for p in found
    ]


class ProductController(Controller):
    path = "/products"
    tags = ["Products"]
    dependencies = DEPENDENCIES

    @get("/", guards=[requires("crm.read")])
    async def list_products(
        self,
        session: NamedDependency[AsyncSession],
        q: FromQuery[str | None] = None,
        category: FromQuery[str | None] = None,
        active: FromQuery[bool | None] = None,
        cursor: FromQuery[str | None] = None,
        limit: FromQuery[int] = 25,
    ) -> ProductList:
        page = await products.list_products(
            session, q=q, category=category, active=active, cursor=cursor, limit=limit
        )
        return ProductList(items=await _outs(session, page.items), next_cursor=page.next_cursor)

    @post("/", guards=[requires("crm.settings")])
    async def create_product(
        self, session: NamedDependency[AsyncSession], data: JSONBody[ProductIn]
    ) -> ProductOut:
        product = await products.create_product(session, given_fields(data))
        return (await _outs(session, [product]))[0]

    @get("/{product_id:uuid}", guards=[requires("crm.read")])
    async def show_product(
        self, session: NamedDependency[AsyncSession], product_id: FromPath[uuid.UUID]
    ) -> ProductOut:
        return (await _outs(session, [await products.get_product(session, product_id)]))[0]

    @patch("/{product_id:uuid}", guards=[requires("crm.settings")])
    async def change_product(
        self,
        session: NamedDependency[AsyncSession],
        product_id: FromPath[uuid.UUID],
        data: JSONBody[ProductIn],
    ) -> ProductOut:
        product = await products.update_product(session, product_id, given_fields(data))
        return (await _outs(session, [product]))[0]


class PriceIn(msgspec.Struct, forbid_unknown_fields=True):
    product_id: uuid.UUID
    price: Decimal


class PriceListIn(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    prices: list[PriceIn] = []


class PriceOut(msgspec.Struct):
    product_id: uuid.UUID
    price: Decimal


class PriceListOut(msgspec.Struct):
    id: uuid.UUID
    name: str
    prices: list[PriceOut]


class PriceListList(msgspec.Struct):
    items: list[PriceListOut]
    next_cursor: str | None = None


def _price_list_out(price_list, items) -> PriceListOut:
    return PriceListOut(
        id=price_list.id,
        name=price_list.name,
        prices=[PriceOut(item.product_id, item.price) for item in items],
    )


class PriceListController(Controller):
    path = "/price-lists"
    tags = ["Products"]
    dependencies = DEPENDENCIES

    @get("/", guards=[requires("crm.read")])
    async def list_price_lists(self, session: NamedDependency[AsyncSession]) -> PriceListList:
        found = await products.list_price_lists(session)
        return PriceListList(items=[_price_list_out(pl, items) for pl, items in found])

    @post("/", guards=[requires("crm.settings")])
    async def create_price_list(
        self, session: NamedDependency[AsyncSession], data: JSONBody[PriceListIn]
    ) -> PriceListOut:
        prices = [(item.product_id, item.price) for item in data.prices]
        return _price_list_out(*await products.create_price_list(session, data.name, prices))


routes = [ProductController, PriceListController]
