"""The salon's tables: salons (locations), services and their consumables, masters with their
hours and time off, visits (one or more services in sequence), stock, loyalty cards, reminders
and the phone codes of online booking."""

import uuid
from datetime import date, time
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Computed,
    Date,
    ForeignKey,
    Index,
    Numeric,
    SmallInteger,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSTZRANGE, ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column

from atrium.platform.db import TenantBase
from atrium.platform.db.types import CreatedAt, OptionalTimestamp, Timestamp, UUIDPk

VISIT_STATUSES = ("booked", "confirmed", "arrived", "done", "no_show", "cancelled")
# A visit in one of these no longer holds the master's time.
RELEASED = ("cancelled", "no_show")
VISIT_SOURCES = ("journal", "online", "api")
STOCK_KINDS = ("consumable", "retail")
STOCK_REASONS = ("receipt", "used", "sold", "adjusted")
TIME_OFF_KINDS = ("day_off", "vacation", "sick")
PAYMENT_METHODS = ("cash", "card", "transfer")
REMINDER_KINDS = ("before", "rebook")
LOYALTY_ENTRY_KINDS = ("issued", "earned", "redeemed", "adjusted")
# How an online booker's phone is confirmed: a code by SMS, the salon's Telegram bot, or not
# at all (the visit arrives "to confirm by phone" and the desk calls).
PHONE_CHECKS = ("sms", "telegram", "none")


class Location(TenantBase):
    """A salon of the workspace, with its online booking and loyalty rules."""

    __tablename__ = "salon_locations"

    id: Mapped[UUIDPk]
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(60), unique=True)  # /book/<workspace>/<slug>
    address: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    timezone: Mapped[str | None] = mapped_column(String(64))  # else the workspace's
    online_booking: Mapped[bool] = mapped_column(default=True)
    cancel_window_hours: Mapped[int] = mapped_column(SmallInteger, default=24)
    slot_step_minutes: Mapped[int] = mapped_column(SmallInteger, default=15)
    booking_horizon_days: Mapped[int] = mapped_column(SmallInteger, default=60)
    # Loyalty: a discount once lifetime spend passes the threshold, and/or points per spend.
    loyalty_threshold: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    loyalty_discount_percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    loyalty_points_percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    archived_at: Mapped[OptionalTimestamp]
    created_at: Mapped[CreatedAt]


class Service(TenantBase):
    __tablename__ = "salon_services"
    __table_args__ = (
        CheckConstraint("duration_minutes BETWEEN 5 AND 720", name="duration"),
        CheckConstraint("price >= 0", name="price"),
    )

    id: Mapped[UUIDPk]
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(100), default="")
    duration_minutes: Mapped[int] = mapped_column(SmallInteger)
    price: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    repeat_after_days: Mapped[int | None] = mapped_column(SmallInteger)  # "book your next visit"
    online: Mapped[bool] = mapped_column(default=True)  # offered on the booking page
    description: Mapped[str] = mapped_column(Text, default="")
    archived_at: Mapped[OptionalTimestamp]
    created_at: Mapped[CreatedAt]


class StockItem(TenantBase):
    """A consumable (used by services) or a retail product (sold at checkout)."""

    __tablename__ = "salon_stock_items"
    __table_args__ = (CheckConstraint(f"kind IN {STOCK_KINDS}", name="kind"),)

    id: Mapped[UUIDPk]
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(12), default="consumable")
    unit: Mapped[str] = mapped_column(String(20), default="pcs")
    price: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))  # retail sale price
    archived_at: Mapped[OptionalTimestamp]
    created_at: Mapped[CreatedAt]


class StockLevel(TenantBase):
    """How much of an item one salon holds, and when to reorder."""

    __tablename__ = "salon_stock_levels"

    item_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("salon_stock_items.id", ondelete="CASCADE"), primary_key=True
    )
    location_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("salon_locations.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    quantity: Mapped[Decimal] = mapped_column(Numeric(14, 3), default=0)
    reorder_level: Mapped[Decimal] = mapped_column(Numeric(14, 3), default=0)
    reorder_quantity: Mapped[Decimal] = mapped_column(Numeric(14, 3), default=0)
    low_noticed_at: Mapped[OptionalTimestamp]  # the low-stock alert, once per dip


class StockMove(TenantBase):
    __tablename__ = "salon_stock_moves"
    __table_args__ = (CheckConstraint(f"reason IN {STOCK_REASONS}", name="reason"),)

    id: Mapped[UUIDPk]
    item_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("salon_stock_items.id", ondelete="CASCADE"), index=True
    )
    location_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("salon_locations.id", ondelete="CASCADE"), index=True
    )
    change: Mapped[Decimal] = mapped_column(Numeric(14, 3))
    reason: Mapped[str] = mapped_column(String(10))
    visit_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("salon_visits.id", ondelete="SET NULL"), index=True
    )
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[uuid.UUID | None]
    created_at: Mapped[CreatedAt]


class ServiceConsumable(TenantBase):
    __tablename__ = "salon_service_consumables"

    service_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("salon_services.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("salon_stock_items.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    quantity: Mapped[Decimal] = mapped_column(Numeric(14, 3))


class Master(TenantBase):
    """A member of staff who serves clients, in one salon."""

    __tablename__ = "salon_masters"

    id: Mapped[UUIDPk]
    location_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("salon_locations.id", ondelete="RESTRICT"), index=True
    )
    user_id: Mapped[uuid.UUID | None]  # the workspace member, when the master signs in
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    commission_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=40)
    color: Mapped[str] = mapped_column(String(7), default="#5b6cff")
    online: Mapped[bool] = mapped_column(default=True)  # bookable on the public page
    archived_at: Mapped[OptionalTimestamp]
    created_at: Mapped[CreatedAt]


class MasterService(TenantBase):
    """A service a master does, at the master's own price or duration where set."""

    __tablename__ = "salon_master_services"

    master_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("salon_masters.id", ondelete="CASCADE"), primary_key=True
    )
    service_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("salon_services.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    price: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    duration_minutes: Mapped[int | None] = mapped_column(SmallInteger)


class WorkingHours(TenantBase):
    """A master's weekly hours: one or more intervals a weekday (0 is Monday), salon time."""

    __tablename__ = "salon_working_hours"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint("ends > starts", name="order"),
    )

    id: Mapped[UUIDPk]
    master_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("salon_masters.id", ondelete="CASCADE"), index=True
    )
    weekday: Mapped[int] = mapped_column(SmallInteger)
    starts: Mapped[time] = mapped_column(Time)
    ends: Mapped[time] = mapped_column(Time)


class Break(TenantBase):
    """A weekly break (lunch); on every working day when ``weekday`` is empty."""

    __tablename__ = "salon_breaks"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint("ends > starts", name="order"),
    )

    id: Mapped[UUIDPk]
    master_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("salon_masters.id", ondelete="CASCADE"), index=True
    )
    weekday: Mapped[int | None] = mapped_column(SmallInteger)
    starts: Mapped[time] = mapped_column(Time)
    ends: Mapped[time] = mapped_column(Time)


class TimeOff(TenantBase):
    """Days a master does not work: a day off, a vacation, sick leave (both days included)."""

    __tablename__ = "salon_time_off"
    __table_args__ = (
        CheckConstraint(f"kind IN {TIME_OFF_KINDS}", name="kind"),
        CheckConstraint("ends_on >= starts_on", name="order"),
    )

    id: Mapped[UUIDPk]
    master_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("salon_masters.id", ondelete="CASCADE"), index=True
    )
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(10), default="day_off")
    note: Mapped[str] = mapped_column(Text, default="")


class Visit(TenantBase):
    """A client's visit to a master: one or more services in sequence, then its checkout."""

    __tablename__ = "salon_visits"
    __table_args__ = (
        CheckConstraint(f"status IN {VISIT_STATUSES}", name="status"),
        CheckConstraint(f"source IN {VISIT_SOURCES}", name="source"),
        CheckConstraint("ends_at > starts_at", name="order"),
        # No double booking, ever: two visits holding one master's time cannot overlap.
        ExcludeConstraint(
            ("master_id", "="),
            ("during", "&&"),
            using="gist",
            where=f"status NOT IN {RELEASED}",
            name="salon_visits_no_overlap",
        ),
        Index("ix_salon_visits_location_starts", "location_id", "starts_at"),
        Index("ix_salon_visits_master_starts", "master_id", "starts_at"),
        Index("ix_salon_visits_contact_starts", "contact_id", "starts_at"),
    )

    id: Mapped[UUIDPk]
    location_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("salon_locations.id", ondelete="RESTRICT")
    )
    master_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("salon_masters.id", ondelete="RESTRICT")
    )
    contact_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL")
    )
    starts_at: Mapped[Timestamp]
    ends_at: Mapped[Timestamp]
    during: Mapped[object] = mapped_column(
        TSTZRANGE, Computed("tstzrange(starts_at, ends_at, '[)')", persisted=True)
    )
    status: Mapped[str] = mapped_column(String(12), default="booked")
    source: Mapped[str] = mapped_column(String(10), default="journal")
    comment: Mapped[str] = mapped_column(Text, default="")
    # The client's link to cancel or move the visit: only its hash is kept.
    manage_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    confirmed_at: Mapped[OptionalTimestamp]
    arrived_at: Mapped[OptionalTimestamp]
    done_at: Mapped[OptionalTimestamp]
    cancelled_at: Mapped[OptionalTimestamp]
    # Booked online without a confirmed phone: the desk calls the client, then confirms it.
    to_call: Mapped[bool] = mapped_column(default=False, server_default="false")
    # Checkout: services and products before discount, the discount, points paid, money paid.
    subtotal: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=0)
    discount: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=0)
    points_used: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=0)
    paid: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=0)
    payment_method: Mapped[str | None] = mapped_column(String(10))
    created_by: Mapped[uuid.UUID | None]
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[CreatedAt]


class VisitService(TenantBase):
    __tablename__ = "salon_visit_services"

    id: Mapped[UUIDPk]
    visit_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("salon_visits.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(SmallInteger)
    service_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("salon_services.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))  # as it was when booked
    starts_at: Mapped[Timestamp]
    ends_at: Mapped[Timestamp]
    price: Mapped[Decimal] = mapped_column(Numeric(14, 2))


class VisitProduct(TenantBase):
    """A retail product sold at a visit's checkout."""

    __tablename__ = "salon_visit_products"

    id: Mapped[UUIDPk]
    visit_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("salon_visits.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("salon_stock_items.id", ondelete="SET NULL")
    )
    name: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[Decimal] = mapped_column(Numeric(14, 3))
    unit_price: Mapped[Decimal] = mapped_column(Numeric(14, 2))


class Reminder(TenantBase):
    """A message due about a visit: ``before`` it (hours ahead) or ``rebook`` after it."""

    __tablename__ = "salon_reminders"
    __table_args__ = (
        CheckConstraint(f"kind IN {REMINDER_KINDS}", name="kind"),
        UniqueConstraint("visit_id", "kind", "offset_minutes"),
        Index("ix_salon_reminders_due", "due_at", postgresql_where="claimed_at IS NULL"),
    )

    id: Mapped[UUIDPk]
    visit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("salon_visits.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    offset_minutes: Mapped[int] = mapped_column(default=0)
    due_at: Mapped[Timestamp]
    claimed_at: Mapped[OptionalTimestamp]
    channel: Mapped[str | None] = mapped_column(String(10))  # how it went out, once sent


class LoyaltyCard(TenantBase):
    __tablename__ = "salon_loyalty_cards"

    id: Mapped[UUIDPk]
    contact_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), unique=True
    )
    number: Mapped[str] = mapped_column(String(20), unique=True)
    discount_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=0)
    points: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=0)
    location_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("salon_locations.id", ondelete="SET NULL")
    )  # the salon whose rule issued it
    issued_at: Mapped[CreatedAt]


class LoyaltyEntry(TenantBase):
    """A line of a card's history: issued, points earned or redeemed at a visit, adjusted."""

    __tablename__ = "salon_loyalty_entries"
    __table_args__ = (
        CheckConstraint(f"kind IN {LOYALTY_ENTRY_KINDS}", name="kind"),
        UniqueConstraint("card_id", "visit_id", "kind"),
    )

    id: Mapped[UUIDPk]
    card_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("salon_loyalty_cards.id", ondelete="CASCADE"), index=True
    )
    visit_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("salon_visits.id", ondelete="SET NULL")
    )
    kind: Mapped[str] = mapped_column(String(10))
    points: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=0)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[CreatedAt]


class BookingCode(TenantBase):
    """A code sent by SMS to confirm the phone of an online booking; only its hash is kept."""

    __tablename__ = "salon_booking_codes"

    id: Mapped[UUIDPk]
    phone: Mapped[str] = mapped_column(String(20), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    request: Mapped[dict] = mapped_column(JSONB)  # what will be booked once confirmed
    attempts: Mapped[int] = mapped_column(SmallInteger, default=0)
    expires_at: Mapped[Timestamp]
    used_at: Mapped[OptionalTimestamp]
    created_at: Mapped[CreatedAt]


class SalonSettings(TenantBase):
    """The workspace's salon settings (one row): reminders and the VIP rule."""

    __tablename__ = "salon_settings"
    __table_args__ = (
        CheckConstraint("id = 1", name="single"),
        CheckConstraint(f"phone_check IN {PHONE_CHECKS}", name="phone_check"),
    )

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True, default=1)
    reminder_hours: Mapped[list[int]] = mapped_column(ARRAY(SmallInteger), default=lambda: [24, 2])
    reminder_channels: Mapped[list[str]] = mapped_column(
        ARRAY(String(10)), default=lambda: ["telegram", "sms", "email"]
    )
    rebook_days_early: Mapped[int] = mapped_column(SmallInteger, default=3)
    # VIP: regular and valuable; visits in this many of the last 8 quarters and this much spent.
    vip_quarters: Mapped[int] = mapped_column(SmallInteger, default=6)
    vip_spend: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=15000)
    # Sites (origins) that may show the booking pages in the widget's frame; none: any site.
    widget_sites: Mapped[list[str]] = mapped_column(
        ARRAY(String(200)), default=list, server_default="{}"
    )
    # How online bookers confirm their phone (PHONE_CHECKS). "none" from the first minute: a
    # new salon has no SMS gateway, no bot, and on the Free plan no SMS.
    phone_check: Mapped[str] = mapped_column(String(10), default="none", server_default="none")
    updated_at: Mapped[OptionalTimestamp]
