"""/api/v1/salon/results: staff results for a period."""

import uuid
from datetime import date
from decimal import Decimal

import msgspec
from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromQuery
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.http.kit import DEPENDENCIES
from atrium.platform.instants import check
from atrium.verticals.salon.access import salon_requires
from atrium.verticals.salon.results import service as results


class FiguresOut(msgspec.Struct):
    revenue: Decimal
    retail_revenue: Decimal
    visits_done: int
    clients_served: int
    average_ticket: Decimal | None
    no_shows: int
    rebooking_rate: Decimal | None  # 0 to 1
    commission: Decimal


class MasterResultOut(msgspec.Struct):
    master_id: uuid.UUID
    name: str
    location_id: uuid.UUID
    commission_percent: Decimal
    figures: FiguresOut


class StaffResultsOut(msgspec.Struct):
    date_from: date
    date_to: date
    location_id: uuid.UUID | None
    masters: list[MasterResultOut]
    totals: FiguresOut


def figures_out(figures: results.Figures) -> FiguresOut:
    return FiguresOut(
        revenue=figures.revenue,
        retail_revenue=figures.retail_revenue,
        visits_done=figures.visits_done,
        clients_served=figures.clients_served,
        average_ticket=figures.average_ticket,
        no_shows=figures.no_shows,
        rebooking_rate=figures.rebooking_rate,
        commission=figures.commission,
    )


class ResultsController(Controller):
    path = "/salon/results"
    tags = ["Salon"]
    dependencies = DEPENDENCIES

    @get("/", guards=[salon_requires("salon.results")], summary="Staff results for a period")
    async def staff_results(
        self,
        session: NamedDependency[AsyncSession],
        date_from: FromQuery[date | None] = None,
        date_to: FromQuery[date | None] = None,
        location_id: FromQuery[uuid.UUID | None] = None,
    ) -> StaffResultsOut:
        """Per master: revenue (the services' share of what done visits took), retail revenue,
        visits done, clients, average ticket, no-shows, rebooking rate (share of done visits
        after which the client booked again within 7 days) and commission; this month unless
        ``date_from``/``date_to`` say otherwise (the salon's days, both included)."""
        for field, day in (("date_from", date_from), ("date_to", date_to)):
            if day is not None:
                check(day, field)
        first, last = await results.this_month(session)
        found = await results.staff_results(
            session,
            date_from=date_from or (first if date_to is None else date_to),
            date_to=date_to or (last if date_from is None else date_from),
            location_id=location_id,
        )
        return StaffResultsOut(
            found.date_from,
            found.date_to,
            found.location_id,
            [
                MasterResultOut(
                    result.master_id,
                    result.name,
                    result.location_id,
                    result.commission_percent,
                    figures_out(result.figures),
                )
                for result in found.masters
            ],
            figures_out(found.totals),
        )


routes = [ResultsController]
