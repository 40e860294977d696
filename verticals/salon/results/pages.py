"""The staff results page: per master and in total, for this month, the last one or dates
chosen, in one salon or all."""

import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Template

from atrium.platform.errors import Invalid
from atrium.platform.instants import check
from atrium.platform.pages.kit import WorkspacePage, transaction
from atrium.verticals.salon.access import require_salon
from atrium.verticals.salon.results import service as results

PERIODS = ("this_month", "last_month", "custom")


def _period(period: str, date_from: str, date_to: str, today: date) -> tuple[str, date, date]:
    """The period asked for, this month unless said otherwise; ValueError for a bad date."""
    this_first, this_last = results.month_of(today)
    if period == "last_month":
        return (period, *results.month_of(this_first - timedelta(days=1)))
    if period != "custom":
        return "this_month", this_first, this_last
    first, last = date.fromisoformat(date_from), date.fromisoformat(date_to)
    return period, check(first, "date_from"), check(last, "date_to")


@get("/w/{slug:str}/salon/results")
async def staff_results(
    request: Request,
    page: NamedDependency[WorkspacePage],
    period: FromQuery[str] = "this_month",
    date_from: FromQuery[str] = "",
    date_to: FromQuery[str] = "",
    location: FromQuery[str] = "",
) -> Template:
    require_salon(page.principal, "salon.results")
    today = datetime.now(UTC).astimezone(ZoneInfo(page.timezone)).date()
    errors: dict[str, str] = {}
    try:
        period, first, last = _period(period, date_from, date_to, today)
    except ValueError:
        first, last = results.month_of(today)
        errors["date_from"] = page._("Give both dates of the period.")
    except Invalid as error:
        first, last = results.month_of(today)
        errors[error.field or "date_from"] = page.error_text(error)
    try:
        location_id = uuid.UUID(location) if location else None
    except ValueError:
        location_id = None
    async with transaction(page) as session:
        locations = await results.salon_locations(session)
        if location_id not in {None, *(item.id for item in locations)}:
            location_id = None
        try:
            found = await results.staff_results(
                session, date_from=first, date_to=last, location_id=location_id
            )
        except Invalid as error:
            errors = {error.field or "date_to": page.error_text(error)}
            first, last = results.month_of(today)
            found = await results.staff_results(
                session, date_from=first, date_to=last, location_id=location_id
            )
    return page.render(
        "salon/results.html",
        section="salon_results",
        found=found,
        period=period,
        locations=locations,
        location_id=location_id,
        date_from=date_from or found.date_from.isoformat(),
        date_to=date_to or found.date_to.isoformat(),
        errors=errors,
    )


routes = [staff_results]
