"""Products and services, their categories and price lists, and the lines of a deal."""

import uuid
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from atrium.platform.db import TenantBase
from atrium.platform.db.types import CreatedAt, UUIDPk

PRODUCT_KINDS = ("product", "service")


class ProductCategory(TenantBase):
    __tablename__ = "product_categories"

    id: Mapped[UUIDPk]
    name: Mapped[str] = mapped_column(String(100), unique=True)


class Product(TenantBase):
    __tablename__ = "products"
    __table_args__ = (CheckConstraint(f"kind IN {PRODUCT_KINDS}", name="kind"),)

    id: Mapped[UUIDPk]
    sku: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(300), index=True)
    kind: Mapped[str] = mapped_column(String(10), default="product")
    unit: Mapped[str] = mapped_column(String(20), default="pcs")
    price: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    category_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("product_categories.id", ondelete="SET NULL"), index=True
    )
    description: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[CreatedAt]


class PriceList(TenantBase):
    __tablename__ = "price_lists"

    id: Mapped[UUIDPk]
    name: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[CreatedAt]


class PriceListItem(TenantBase):
    __tablename__ = "price_list_items"

    price_list_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("price_lists.id", ondelete="CASCADE"), primary_key=True
    )
    product_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    price: Mapped[Decimal] = mapped_column(Numeric(14, 2))


class DealLine(TenantBase):
    """quantity x unit_price - discount; a deal with lines takes its amount from them."""

    __tablename__ = "deal_lines"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity"),
        CheckConstraint("discount >= 0", name="discount"),
        UniqueConstraint("deal_id", "position"),
    )

    id: Mapped[UUIDPk]
    deal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"))
    position: Mapped[int]
    product_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("products.id", ondelete="SET NULL")
    )
    name: Mapped[str] = mapped_column(String(300))
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 3))
    unit_price: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    discount: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal("0"))
