"""/api/v1/salon/slots and /api/v1/salon/visits: free time, booking, moving, statuses."""

import uuid
from datetime import date, timedelta

from litestar import Controller, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.errors import Invalid
from atrium.platform.http.kit import DEPENDENCIES, UNSET
from atrium.verticals.salon.access import salon_requires
from atrium.verticals.salon.journal import service as booking
from atrium.verticals.salon.journal import visits
from atrium.verticals.salon.journal.schemas import (
    SlotList,
    SlotOut,
    VisitChange,
    VisitIn,
    VisitList,
    VisitOut,
    visit_out,
)
from atrium.verticals.salon.journal.slots import check_days, free_slots


class SlotController(Controller):
    path = "/salon/slots"
    tags = ["Salon"]
    dependencies = DEPENDENCIES

    @get("/", guards=[salon_requires("salon.book")], summary="Free times for services")
    async def list_slots(
        self,
        session: NamedDependency[AsyncSession],
        service_id: FromQuery[list[uuid.UUID]],
        date_from: FromQuery[date],
        date_to: FromQuery[date | None] = None,
        master_id: FromQuery[uuid.UUID | None] = None,
        location_id: FromQuery[uuid.UUID | None] = None,
    ) -> SlotList:
        """Free starts for the services in sequence (repeat ``service_id``), by any master
        who does them all unless ``master_id`` is given."""
        found = await free_slots(
            session,
            service_ids=service_id,
            date_from=date_from,
            date_to=date_to or date_from,
            master_id=master_id,
            location_id=location_id,
        )
        return SlotList([SlotOut(slot.master_id, slot.starts_at, slot.ends_at) for slot in found])


class VisitController(Controller):
    path = "/salon/visits"
    tags = ["Salon"]
    dependencies = DEPENDENCIES

    @get("/", guards=[salon_requires("salon.book")], summary="Visits in a period")
    async def list_visits(
        self,
        session: NamedDependency[AsyncSession],
        date_from: FromQuery[date],
        date_to: FromQuery[date | None] = None,
        location_id: FromQuery[uuid.UUID | None] = None,
        master_id: FromQuery[uuid.UUID | None] = None,
        client_id: FromQuery[uuid.UUID | None] = None,
    ) -> VisitList:
        date_to = date_to or date_from
        check_days(date_from=date_from, date_to=date_to)
        if date_to < date_from or date_to - date_from > timedelta(days=62):
            raise Invalid("Ask for 1 to 62 days at once.", field="date_to")
        found = await visits.visits_between(
            session,
            date_from=date_from,
            date_to=date_to,
            location_id=location_id,
            master_id=master_id,
            contact_id=client_id,
        )
        return VisitList([visit_out(view) for view in found])

    @post("/", guards=[salon_requires("salon.book")], summary="Book a visit")
    async def book(
        self,
        session: NamedDependency[AsyncSession],
        principal: NamedDependency[Principal],
        data: JSONBody[VisitIn],
    ) -> VisitOut:
        """409 when the master's time is taken; 422 outside working hours, for a service the
        master does not do, or a time in the past."""
        if (data.client_id is None) == (data.client is None):
            raise Invalid("Give either client_id or client.", field="client_id")
        contact_id = data.client_id
        if data.client is not None:
            contact_id = await booking.client_for_booking(
                session,
                principal,
                first_name=data.client.first_name,
                last_name=data.client.last_name,
                phone=data.client.phone,
                email=data.client.email,
            )
        visit = await booking.book_visit(
            session,
            master_id=data.master_id,
            starts_at=data.start,
            service_ids=data.service_ids,
            contact_id=contact_id,
            created_by=principal.user_id,
            comment=data.comment,
            source="api" if principal.via == "api_key" else "journal",
        )
        return visit_out(await visits.visit_view(session, visit.id))

    @get("/{visit_id:uuid}", guards=[salon_requires("salon.book")])
    async def show(
        self, session: NamedDependency[AsyncSession], visit_id: FromPath[uuid.UUID]
    ) -> VisitOut:
        return visit_out(await visits.visit_view(session, visit_id))

    @patch("/{visit_id:uuid}", guards=[salon_requires("salon.book")], summary="Move or change")
    async def change(
        self,
        session: NamedDependency[AsyncSession],
        visit_id: FromPath[uuid.UUID],
        data: JSONBody[VisitChange],
    ) -> VisitOut:
        """A new ``start`` (and ``master_id``) moves the visit; ``status`` moves it along
        (confirmed, arrived, no_show, cancelled, booked)."""
        if data.start is not UNSET or data.master_id is not UNSET:
            current = (await visits.visit_view(session, visit_id)).visit
            await booking.move_visit(
                session,
                visit_id,
                starts_at=current.starts_at if data.start is UNSET else data.start,
                master_id=None if data.master_id is UNSET else data.master_id,
            )
        if data.status is not UNSET:
            await booking.set_visit_status(session, visit_id, data.status)
        if data.comment is not UNSET:
            await visits.set_comment(session, visit_id, data.comment)
        return visit_out(await visits.visit_view(session, visit_id))


routes = [SlotController, VisitController]
