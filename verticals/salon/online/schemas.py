"""The shapes of the public booking JSON: what a visitor is offered, asks for, and is answered
(never another client's name, phone or visit)."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import msgspec

from atrium.platform.instants import Checked
from atrium.platform.tenancy.service import workspace_settings
from atrium.verticals.salon.online import visit as online_visit


class LocationOut(msgspec.Struct):
    id: uuid.UUID
    slug: str
    name: str
    address: str
    phone: str
    timezone: str
    cancel_window_hours: int


class ServiceOut(msgspec.Struct):
    id: uuid.UUID
    name: str
    category: str
    duration_minutes: int
    price: Decimal
    description: str


class MasterOut(msgspec.Struct):
    id: uuid.UUID
    name: str
    position: str


class SlotOut(msgspec.Struct):
    start: datetime
    date: date  # the salon's day
    time: str  # the salon's clock, HH:MM
    master_id: uuid.UUID


class Items(msgspec.Struct):
    items: list[Any]


class BookingIn(Checked, forbid_unknown_fields=True):
    location_id: uuid.UUID
    service_ids: list[uuid.UUID]
    start: datetime
    first_name: str
    phone: str
    master_id: uuid.UUID | None = None
    last_name: str = ""
    email: str = ""
    consent: bool = False
    locale: str | None = None


class CodeIn(msgspec.Struct, forbid_unknown_fields=True):
    code: str


class RescheduleIn(Checked, forbid_unknown_fields=True):
    start: datetime
    any_master: bool = False


class VisitServiceOut(msgspec.Struct):
    name: str
    start: datetime
    end: datetime
    price: Decimal


class VisitOut(msgspec.Struct):
    start: datetime
    end: datetime
    local_start: str  # the salon's date and clock, YYYY-MM-DD HH:MM
    status: str
    salon: str
    address: str
    phone: str
    master: str
    services: list[VisitServiceOut]
    total: Decimal
    currency: str
    can_change: bool
    change_until: datetime
    manage_url: str
    to_confirm_by_phone: bool  # booked without a confirmed phone: the salon will call


class RequestOut(msgspec.Struct):
    """How the phone is confirmed: "sms" (enter the code), "telegram" (open ``telegram_url``,
    share the phone there, then finish) or "none" (``visit`` is booked already; the salon
    calls to confirm it)."""

    confirm_by: str
    request_id: uuid.UUID | None = None
    expires_in_seconds: int | None = None
    telegram_url: str | None = None
    visit: VisitOut | None = None


class WidgetOut(msgspec.Struct):
    script_url: str
    snippet: str
    booking_url: str


def slot_out(slot, zone) -> SlotOut:
    local = slot.starts_at.astimezone(zone)
    return SlotOut(slot.starts_at, local.date(), local.strftime("%H:%M"), slot.master_id)


async def visit_out(session, summary: online_visit.VisitSummary, url: str) -> VisitOut:
    visit = summary.visit
    return VisitOut(
        start=visit.starts_at,
        end=visit.ends_at,
        local_start=visit.starts_at.astimezone(summary.zone).strftime("%Y-%m-%d %H:%M"),
        status=visit.status,
        salon=summary.location.name,
        address=summary.location.address,
        phone=summary.location.phone,
        master=summary.master_name,
        services=[
            VisitServiceOut(line.name, line.starts_at, line.ends_at, line.price)
            for line in summary.services
        ],
        total=summary.total,
        currency=(await workspace_settings(session)).currency,
        can_change=summary.can_change,
        change_until=summary.change_until,
        manage_url=url,
        to_confirm_by_phone=visit.to_call and visit.status == "booked",
    )
