"""The shapes of the journal's API: free slots, visits asked for, and visits as answered (checkout
answers a visit too)."""

import uuid
from datetime import datetime
from decimal import Decimal

import msgspec

from atrium.platform.http.kit import UNSET, Unset
from atrium.platform.instants import Checked
from atrium.verticals.salon.journal import visits


class SlotOut(msgspec.Struct):
    master_id: uuid.UUID
    start: datetime
    end: datetime


class SlotList(msgspec.Struct):
    items: list[SlotOut]


class ClientIn(msgspec.Struct, forbid_unknown_fields=True):
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    email: str = ""


class VisitIn(Checked, forbid_unknown_fields=True):
    master_id: uuid.UUID
    start: datetime
    service_ids: list[uuid.UUID]
    client_id: uuid.UUID | None = None
    client: ClientIn | None = None
    comment: str = ""


class VisitChange(Checked, forbid_unknown_fields=True):
    start: datetime | Unset = UNSET
    master_id: uuid.UUID | Unset = UNSET
    status: str | Unset = UNSET
    comment: str | Unset = UNSET


class VisitServiceOut(msgspec.Struct):
    service_id: uuid.UUID | None
    name: str
    start: datetime
    end: datetime
    price: Decimal


class VisitOut(msgspec.Struct):
    id: uuid.UUID
    location_id: uuid.UUID
    master_id: uuid.UUID
    client_id: uuid.UUID | None
    client_name: str
    start: datetime
    end: datetime
    status: str
    source: str
    comment: str
    services: list[VisitServiceOut]
    subtotal: Decimal
    discount: Decimal
    points_used: Decimal
    paid: Decimal
    payment_method: str | None
    # Booked online with the phone unconfirmed: the desk calls, then confirms (status).
    to_confirm_by_phone: bool


class VisitList(msgspec.Struct):
    items: list[VisitOut]


def visit_out(view: visits.VisitView) -> VisitOut:
    visit = view.visit
    return VisitOut(
        id=visit.id,
        location_id=visit.location_id,
        master_id=visit.master_id,
        client_id=visit.contact_id,
        client_name=view.client_name,
        start=visit.starts_at,
        end=visit.ends_at,
        status=visit.status,
        source=visit.source,
        comment=visit.comment,
        services=[
            VisitServiceOut(line.service_id, line.name, line.starts_at, line.ends_at, line.price)
            for line in view.services
        ],
        subtotal=visit.subtotal,
        discount=visit.discount,
        points_used=visit.points_used,
        paid=visit.paid,
        payment_method=visit.payment_method,
        to_confirm_by_phone=visit.to_call and visit.status == "booked",
    )
