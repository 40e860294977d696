"""salon pack

Revision ID: t0025
Revises:
Depends on: t0024
Create Date: 2026-12-03 10:10:43.435250

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from atrium.tenants.migrations import workspace_schema

# revision identifiers, used by Alembic.
revision: str = "t0025"
down_revision: str | Sequence[str] | None = None
# The salon's own branch of the tenant history; its tables point at the core's as of t0024.
branch_labels: str | Sequence[str] | None = ("salon",)
depends_on: str | Sequence[str] | None = "t0024"


def upgrade() -> None:
    # Tenant ops must name the real schema: pass schema=schema (autogenerate writes "tenant").
    schema = workspace_schema()
    op.create_table(
        "salon_booking_codes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("request", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("attempts", sa.SmallInteger(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_salon_booking_codes")),
        schema=schema,
    )
    op.create_index(
        op.f("ix_salon_booking_codes_phone"),
        "salon_booking_codes",
        ["phone"],
        unique=False,
        schema=schema,
    )
    op.create_table(
        "salon_locations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("slug", sa.String(length=60), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("online_booking", sa.Boolean(), nullable=False),
        sa.Column("cancel_window_hours", sa.SmallInteger(), nullable=False),
        sa.Column("slot_step_minutes", sa.SmallInteger(), nullable=False),
        sa.Column("booking_horizon_days", sa.SmallInteger(), nullable=False),
        sa.Column("loyalty_threshold", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("loyalty_discount_percent", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("loyalty_points_percent", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_salon_locations")),
        sa.UniqueConstraint("slug", name=op.f("uq_salon_locations_slug")),
        schema=schema,
    )
    op.create_table(
        "salon_services",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=100), nullable=False),
        sa.Column("duration_minutes", sa.SmallInteger(), nullable=False),
        sa.Column("price", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("repeat_after_days", sa.SmallInteger(), nullable=True),
        sa.Column("online", sa.Boolean(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "duration_minutes BETWEEN 5 AND 720", name=op.f("ck_salon_services_duration")
        ),
        sa.CheckConstraint("price >= 0", name=op.f("ck_salon_services_price")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_salon_services")),
        schema=schema,
    )
    op.create_table(
        "salon_settings",
        sa.Column("id", sa.SmallInteger(), nullable=False),
        sa.Column("reminder_hours", postgresql.ARRAY(sa.SmallInteger()), nullable=False),
        sa.Column("reminder_channels", postgresql.ARRAY(sa.String(length=10)), nullable=False),
        sa.Column("rebook_days_early", sa.SmallInteger(), nullable=False),
        sa.Column("vip_quarters", sa.SmallInteger(), nullable=False),
        sa.Column("vip_spend", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("id = 1", name=op.f("ck_salon_settings_single")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_salon_settings")),
        schema=schema,
    )
    op.create_table(
        "salon_stock_items",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("price", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "kind IN ('consumable', 'retail')", name=op.f("ck_salon_stock_items_kind")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_salon_stock_items")),
        sa.UniqueConstraint("name", name=op.f("uq_salon_stock_items_name")),
        schema=schema,
    )
    op.create_table(
        "salon_masters",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("location_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("commission_percent", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("color", sa.String(length=7), nullable=False),
        sa.Column("online", sa.Boolean(), nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            [f"{schema}.salon_locations.id"],
            name=op.f("fk_salon_masters_location_id_salon_locations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_salon_masters")),
        schema=schema,
    )
    op.create_index(
        op.f("ix_salon_masters_location_id"),
        "salon_masters",
        ["location_id"],
        unique=False,
        schema=schema,
    )
    op.create_table(
        "salon_service_consumables",
        sa.Column("service_id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=14, scale=3), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            [f"{schema}.salon_stock_items.id"],
            name=op.f("fk_salon_service_consumables_item_id_salon_stock_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            [f"{schema}.salon_services.id"],
            name=op.f("fk_salon_service_consumables_service_id_salon_services"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("service_id", "item_id", name=op.f("pk_salon_service_consumables")),
        schema=schema,
    )
    op.create_index(
        op.f("ix_salon_service_consumables_item_id"),
        "salon_service_consumables",
        ["item_id"],
        unique=False,
        schema=schema,
    )
    op.create_table(
        "salon_stock_levels",
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("location_id", sa.Uuid(), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=14, scale=3), nullable=False),
        sa.Column("reorder_level", sa.Numeric(precision=14, scale=3), nullable=False),
        sa.Column("reorder_quantity", sa.Numeric(precision=14, scale=3), nullable=False),
        sa.Column("low_noticed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"],
            [f"{schema}.salon_stock_items.id"],
            name=op.f("fk_salon_stock_levels_item_id_salon_stock_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            [f"{schema}.salon_locations.id"],
            name=op.f("fk_salon_stock_levels_location_id_salon_locations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("item_id", "location_id", name=op.f("pk_salon_stock_levels")),
        schema=schema,
    )
    op.create_index(
        op.f("ix_salon_stock_levels_location_id"),
        "salon_stock_levels",
        ["location_id"],
        unique=False,
        schema=schema,
    )
    op.create_table(
        "salon_breaks",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("master_id", sa.Uuid(), nullable=False),
        sa.Column("weekday", sa.SmallInteger(), nullable=True),
        sa.Column("starts", sa.Time(), nullable=False),
        sa.Column("ends", sa.Time(), nullable=False),
        sa.CheckConstraint("ends > starts", name=op.f("ck_salon_breaks_order")),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name=op.f("ck_salon_breaks_weekday")),
        sa.ForeignKeyConstraint(
            ["master_id"],
            [f"{schema}.salon_masters.id"],
            name=op.f("fk_salon_breaks_master_id_salon_masters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_salon_breaks")),
        schema=schema,
    )
    op.create_index(
        op.f("ix_salon_breaks_master_id"),
        "salon_breaks",
        ["master_id"],
        unique=False,
        schema=schema,
    )
    op.create_table(
        "salon_loyalty_cards",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("contact_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("discount_percent", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("points", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("location_id", sa.Uuid(), nullable=True),
        sa.Column(
            "issued_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            [f"{schema}.contacts.id"],
            name=op.f("fk_salon_loyalty_cards_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            [f"{schema}.salon_locations.id"],
            name=op.f("fk_salon_loyalty_cards_location_id_salon_locations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_salon_loyalty_cards")),
        sa.UniqueConstraint("contact_id", name=op.f("uq_salon_loyalty_cards_contact_id")),
        sa.UniqueConstraint("number", name=op.f("uq_salon_loyalty_cards_number")),
        schema=schema,
    )
    op.create_table(
        "salon_master_services",
        sa.Column("master_id", sa.Uuid(), nullable=False),
        sa.Column("service_id", sa.Uuid(), nullable=False),
        sa.Column("price", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("duration_minutes", sa.SmallInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["master_id"],
            [f"{schema}.salon_masters.id"],
            name=op.f("fk_salon_master_services_master_id_salon_masters"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            [f"{schema}.salon_services.id"],
            name=op.f("fk_salon_master_services_service_id_salon_services"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("master_id", "service_id", name=op.f("pk_salon_master_services")),
        schema=schema,
    )
    op.create_index(
        op.f("ix_salon_master_services_service_id"),
        "salon_master_services",
        ["service_id"],
        unique=False,
        schema=schema,
    )
    op.create_table(
        "salon_time_off",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("master_id", sa.Uuid(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('day_off', 'vacation', 'sick')", name=op.f("ck_salon_time_off_kind")
        ),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_salon_time_off_order")),
        sa.ForeignKeyConstraint(
            ["master_id"],
            [f"{schema}.salon_masters.id"],
            name=op.f("fk_salon_time_off_master_id_salon_masters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_salon_time_off")),
        schema=schema,
    )
    op.create_index(
        op.f("ix_salon_time_off_master_id"),
        "salon_time_off",
        ["master_id"],
        unique=False,
        schema=schema,
    )
    op.create_table(
        "salon_visits",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("location_id", sa.Uuid(), nullable=False),
        sa.Column("master_id", sa.Uuid(), nullable=False),
        sa.Column("contact_id", sa.Uuid(), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "during",
            postgresql.TSTZRANGE(),
            sa.Computed("tstzrange(starts_at, ends_at, '[)')", persisted=True),
            nullable=False,
        ),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("manage_token_hash", sa.String(length=64), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("arrived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("subtotal", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("discount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("points_used", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("paid", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("payment_method", sa.String(length=10), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
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
        postgresql.ExcludeConstraint(
            (sa.column("master_id"), "="),
            (sa.column("during"), "&&"),
            where=sa.text("status NOT IN ('cancelled', 'no_show')"),
            using="gist",
            name="salon_visits_no_overlap",
        ),
        sa.CheckConstraint(
            "source IN ('journal', 'online', 'api')", name=op.f("ck_salon_visits_source")
        ),
        sa.CheckConstraint(
            "status IN ('booked', 'confirmed', 'arrived', 'done', 'no_show', 'cancelled')",
            name=op.f("ck_salon_visits_status"),
        ),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_salon_visits_order")),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            [f"{schema}.contacts.id"],
            name=op.f("fk_salon_visits_contact_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            [f"{schema}.salon_locations.id"],
            name=op.f("fk_salon_visits_location_id_salon_locations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["master_id"],
            [f"{schema}.salon_masters.id"],
            name=op.f("fk_salon_visits_master_id_salon_masters"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_salon_visits")),
        sa.UniqueConstraint("manage_token_hash", name=op.f("uq_salon_visits_manage_token_hash")),
        schema=schema,
    )
    op.create_index(
        "ix_salon_visits_contact_starts",
        "salon_visits",
        ["contact_id", "starts_at"],
        unique=False,
        schema=schema,
    )
    op.create_index(
        "ix_salon_visits_location_starts",
        "salon_visits",
        ["location_id", "starts_at"],
        unique=False,
        schema=schema,
    )
    op.create_index(
        "ix_salon_visits_master_starts",
        "salon_visits",
        ["master_id", "starts_at"],
        unique=False,
        schema=schema,
    )
    op.create_table(
        "salon_working_hours",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("master_id", sa.Uuid(), nullable=False),
        sa.Column("weekday", sa.SmallInteger(), nullable=False),
        sa.Column("starts", sa.Time(), nullable=False),
        sa.Column("ends", sa.Time(), nullable=False),
        sa.CheckConstraint("ends > starts", name=op.f("ck_salon_working_hours_order")),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name=op.f("ck_salon_working_hours_weekday")),
        sa.ForeignKeyConstraint(
            ["master_id"],
            [f"{schema}.salon_masters.id"],
            name=op.f("fk_salon_working_hours_master_id_salon_masters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_salon_working_hours")),
        schema=schema,
    )
    op.create_index(
        op.f("ix_salon_working_hours_master_id"),
        "salon_working_hours",
        ["master_id"],
        unique=False,
        schema=schema,
    )
    op.create_table(
        "salon_loyalty_entries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("card_id", sa.Uuid(), nullable=False),
        sa.Column("visit_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("points", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "kind IN ('issued', 'earned', 'redeemed', 'adjusted')",
            name=op.f("ck_salon_loyalty_entries_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["card_id"],
            [f"{schema}.salon_loyalty_cards.id"],
            name=op.f("fk_salon_loyalty_entries_card_id_salon_loyalty_cards"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            [f"{schema}.salon_visits.id"],
            name=op.f("fk_salon_loyalty_entries_visit_id_salon_visits"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_salon_loyalty_entries")),
        sa.UniqueConstraint(
            "card_id",
            "visit_id",
            "kind",
            name=op.f("uq_salon_loyalty_entries_card_id_visit_id_kind"),
        ),
        schema=schema,
    )
    op.create_index(
        op.f("ix_salon_loyalty_entries_card_id"),
        "salon_loyalty_entries",
        ["card_id"],
        unique=False,
        schema=schema,
    )
    op.create_table(
        "salon_reminders",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("visit_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("offset_minutes", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("channel", sa.String(length=10), nullable=True),
        sa.CheckConstraint("kind IN ('before', 'rebook')", name=op.f("ck_salon_reminders_kind")),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            [f"{schema}.salon_visits.id"],
            name=op.f("fk_salon_reminders_visit_id_salon_visits"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_salon_reminders")),
        sa.UniqueConstraint(
            "visit_id",
            "kind",
            "offset_minutes",
            name=op.f("uq_salon_reminders_visit_id_kind_offset_minutes"),
        ),
        schema=schema,
    )
    op.create_index(
        "ix_salon_reminders_due",
        "salon_reminders",
        ["due_at"],
        unique=False,
        schema=schema,
        postgresql_where="claimed_at IS NULL",
    )
    op.create_table(
        "salon_stock_moves",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("location_id", sa.Uuid(), nullable=False),
        sa.Column("change", sa.Numeric(precision=14, scale=3), nullable=False),
        sa.Column("reason", sa.String(length=10), nullable=False),
        sa.Column("visit_id", sa.Uuid(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "reason IN ('receipt', 'used', 'sold', 'adjusted')",
            name=op.f("ck_salon_stock_moves_reason"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            [f"{schema}.salon_stock_items.id"],
            name=op.f("fk_salon_stock_moves_item_id_salon_stock_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            [f"{schema}.salon_locations.id"],
            name=op.f("fk_salon_stock_moves_location_id_salon_locations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            [f"{schema}.salon_visits.id"],
            name=op.f("fk_salon_stock_moves_visit_id_salon_visits"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_salon_stock_moves")),
        schema=schema,
    )
    op.create_index(
        op.f("ix_salon_stock_moves_item_id"),
        "salon_stock_moves",
        ["item_id"],
        unique=False,
        schema=schema,
    )
    op.create_index(
        op.f("ix_salon_stock_moves_location_id"),
        "salon_stock_moves",
        ["location_id"],
        unique=False,
        schema=schema,
    )
    op.create_index(
        op.f("ix_salon_stock_moves_visit_id"),
        "salon_stock_moves",
        ["visit_id"],
        unique=False,
        schema=schema,
    )
    op.create_table(
        "salon_visit_products",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("visit_id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=14, scale=3), nullable=False),
        sa.Column("unit_price", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            [f"{schema}.salon_stock_items.id"],
            name=op.f("fk_salon_visit_products_item_id_salon_stock_items"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            [f"{schema}.salon_visits.id"],
            name=op.f("fk_salon_visit_products_visit_id_salon_visits"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_salon_visit_products")),
        schema=schema,
    )
    op.create_index(
        op.f("ix_salon_visit_products_visit_id"),
        "salon_visit_products",
        ["visit_id"],
        unique=False,
        schema=schema,
    )
    op.create_table(
        "salon_visit_services",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("visit_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("service_id", sa.Uuid(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("price", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_id"],
            [f"{schema}.salon_services.id"],
            name=op.f("fk_salon_visit_services_service_id_salon_services"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            [f"{schema}.salon_visits.id"],
            name=op.f("fk_salon_visit_services_visit_id_salon_visits"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_salon_visit_services")),
        schema=schema,
    )
    op.create_index(
        op.f("ix_salon_visit_services_service_id"),
        "salon_visit_services",
        ["service_id"],
        unique=False,
        schema=schema,
    )
    op.create_index(
        op.f("ix_salon_visit_services_visit_id"),
        "salon_visit_services",
        ["visit_id"],
        unique=False,
        schema=schema,
    )


def downgrade() -> None:
    schema = workspace_schema()
    op.drop_index(
        op.f("ix_salon_visit_services_visit_id"), table_name="salon_visit_services", schema=schema
    )
    op.drop_index(
        op.f("ix_salon_visit_services_service_id"), table_name="salon_visit_services", schema=schema
    )
    op.drop_table("salon_visit_services", schema=schema)
    op.drop_index(
        op.f("ix_salon_visit_products_visit_id"), table_name="salon_visit_products", schema=schema
    )
    op.drop_table("salon_visit_products", schema=schema)
    op.drop_index(
        op.f("ix_salon_stock_moves_visit_id"), table_name="salon_stock_moves", schema=schema
    )
    op.drop_index(
        op.f("ix_salon_stock_moves_location_id"), table_name="salon_stock_moves", schema=schema
    )
    op.drop_index(
        op.f("ix_salon_stock_moves_item_id"), table_name="salon_stock_moves", schema=schema
    )
    op.drop_table("salon_stock_moves", schema=schema)
    op.drop_index(
        "ix_salon_reminders_due",
        table_name="salon_reminders",
        schema=schema,
        postgresql_where="claimed_at IS NULL",
    )
    op.drop_table("salon_reminders", schema=schema)
    op.drop_index(
        op.f("ix_salon_loyalty_entries_card_id"), table_name="salon_loyalty_entries", schema=schema
    )
    op.drop_table("salon_loyalty_entries", schema=schema)
    op.drop_index(
        op.f("ix_salon_working_hours_master_id"), table_name="salon_working_hours", schema=schema
    )
    op.drop_table("salon_working_hours", schema=schema)
    op.drop_index("ix_salon_visits_master_starts", table_name="salon_visits", schema=schema)
    op.drop_index("ix_salon_visits_location_starts", table_name="salon_visits", schema=schema)
    op.drop_index("ix_salon_visits_contact_starts", table_name="salon_visits", schema=schema)
    op.drop_table("salon_visits", schema=schema)
    op.drop_index(op.f("ix_salon_time_off_master_id"), table_name="salon_time_off", schema=schema)
    op.drop_table("salon_time_off", schema=schema)
    op.drop_index(
        op.f("ix_salon_master_services_service_id"),
        table_name="salon_master_services",
        schema=schema,
    )
    op.drop_table("salon_master_services", schema=schema)
    op.drop_table("salon_loyalty_cards", schema=schema)
    op.drop_index(op.f("ix_salon_breaks_master_id"), table_name="salon_breaks", schema=schema)
    op.drop_table("salon_breaks", schema=schema)
    op.drop_index(
        op.f("ix_salon_stock_levels_location_id"), table_name="salon_stock_levels", schema=schema
    )
    op.drop_table("salon_stock_levels", schema=schema)
    op.drop_index(
        op.f("ix_salon_service_consumables_item_id"),
        table_name="salon_service_consumables",
        schema=schema,
    )
    op.drop_table("salon_service_consumables", schema=schema)
    op.drop_index(op.f("ix_salon_masters_location_id"), table_name="salon_masters", schema=schema)
    op.drop_table("salon_masters", schema=schema)
    op.drop_table("salon_stock_items", schema=schema)
    op.drop_table("salon_settings", schema=schema)
    op.drop_table("salon_services", schema=schema)
    op.drop_table("salon_locations", schema=schema)
    op.drop_index(
        op.f("ix_salon_booking_codes_phone"), table_name="salon_booking_codes", schema=schema
    )
    op.drop_table("salon_booking_codes", schema=schema)
