"""products, price lists and deal lines

Revision ID: t0006
Revises: t0005
Create Date: 2026-11-23 13:17:58.627581

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from atrium.tenants.migrations import workspace_schema

# revision identifiers, used by Alembic.
revision: str = "t0006"
down_revision: str | Sequence[str] | None = "t0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Tenant ops must name the real schema: pass schema=schema (autogenerate writes "tenant").
    schema = workspace_schema()
    op.create_table(
        "price_lists",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_price_lists")),
        sa.UniqueConstraint("name", name=op.f("uq_price_lists_name")),
        schema=schema,
    )
    op.create_table(
        "product_categories",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product_categories")),
        sa.UniqueConstraint("name", name=op.f("uq_product_categories_name")),
        schema=schema,
    )
    op.create_table(
        "products",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("sku", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("price", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("category_id", sa.Uuid(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("kind IN ('product', 'service')", name=op.f("ck_products_kind")),
        sa.ForeignKeyConstraint(
            ["category_id"],
            [f"{schema}.product_categories.id"],
            name=op.f("fk_products_category_id_product_categories"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_products")),
        sa.UniqueConstraint("sku", name=op.f("uq_products_sku")),
        schema=schema,
    )
    op.create_index(
        op.f("ix_products_category_id"), "products", ["category_id"], unique=False, schema=schema
    )
    op.create_index(op.f("ix_products_name"), "products", ["name"], unique=False, schema=schema)
    op.create_table(
        "price_list_items",
        sa.Column("price_list_id", sa.Uuid(), nullable=False),
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("price", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["price_list_id"],
            [f"{schema}.price_lists.id"],
            name=op.f("fk_price_list_items_price_list_id_price_lists"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            [f"{schema}.products.id"],
            name=op.f("fk_price_list_items_product_id_products"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("price_list_id", "product_id", name=op.f("pk_price_list_items")),
        schema=schema,
    )
    op.create_index(
        op.f("ix_price_list_items_product_id"),
        "price_list_items",
        ["product_id"],
        unique=False,
        schema=schema,
    )
    op.create_table(
        "deal_lines",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("deal_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Uuid(), nullable=True),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=12, scale=3), nullable=False),
        sa.Column("unit_price", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("discount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.CheckConstraint("discount >= 0", name=op.f("ck_deal_lines_discount")),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_deal_lines_quantity")),
        sa.ForeignKeyConstraint(
            ["deal_id"],
            [f"{schema}.deals.id"],
            name=op.f("fk_deal_lines_deal_id_deals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            [f"{schema}.products.id"],
            name=op.f("fk_deal_lines_product_id_products"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deal_lines")),
        sa.UniqueConstraint("deal_id", "position", name=op.f("uq_deal_lines_deal_id_position")),
        schema=schema,
    )


def downgrade() -> None:
    schema = workspace_schema()
    op.drop_table("deal_lines", schema=schema)
    op.drop_index(
        op.f("ix_price_list_items_product_id"), table_name="price_list_items", schema=schema
    )
    op.drop_table("price_list_items", schema=schema)
    op.drop_index(op.f("ix_products_name"), table_name="products", schema=schema)
    op.drop_index(op.f("ix_products_category_id"), table_name="products", schema=schema)
    op.drop_table("products", schema=schema)
    op.drop_table("product_categories", schema=schema)
    op.drop_table("price_lists", schema=schema)
