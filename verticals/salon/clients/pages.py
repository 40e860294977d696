"""Salon pages: the client list (VIP filter, search, sort), a client's salon card, and staff
results for a period."""

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from atrium.platform.errors import Invalid
from atrium.platform.http.auth import database
from atrium.platform.instants import check
from atrium.verticals.salon.access import require_salon
from atrium.verticals.salon.clients import service as clients
from atrium.verticals.salon.reminders import service as reminders
from atrium.verticals.salon.results import service as results

PERIODS = ("this_month", "last_month", "custom")


@get("/w/{slug:str}/salon/clients")
async def client_list(
    request: Request,
    page: NamedDependency[Any],
    q: FromQuery[str] = "",
    vip: FromQuery[str] = "",
    sort: FromQuery[str] = "spend",
    cursor: FromQuery[str | None] = None,
) -> Template:
    require_salon(page.principal, "salon.book")
    sort = sort if sort in clients.SORTS else "spend"
    vip_only = vip in ("1", "true", "on")
    async with database(request).tenant_transaction(page.principal.workspace.schema) as session:
        try:
            found = await clients.clients_list(
                session, q=q, vip_only=vip_only, sort=sort, cursor=cursor or None
            )
        except Invalid:  # a cursor from an older link: start again from the top
            found = await clients.clients_list(session, q=q, vip_only=vip_only, sort=sort)
    return page.render(
        "salon/clients.html",
        section="salon_clients",
        rows=found.items,
        next_cursor=found.next_cursor,
        filters={"q": q, "vip": vip_only, "sort": sort},
        filtered=bool(q.strip() or vip_only),
    )


@get("/w/{slug:str}/salon/clients/{contact_id:uuid}")
async def client_card(
    request: Request, page: NamedDependency[Any], contact_id: FromPath[uuid.UUID]
) -> Template:
    require_salon(page.principal, "salon.book")
    async with database(request).tenant_transaction(page.principal.workspace.schema) as session:
        summary = await clients.client_summary(session, page.principal, contact_id)
        loyalty = await clients.loyalty_of(session, contact_id)
        due = await reminders.suggestions(session, contact_id)
    return page.render(
        "salon/clients_card.html",
        section="salon_clients",
        summary=summary,
        contact=summary.contact,
        loyalty=loyalty,
        due=[(suggestion, _booking_link(page, summary, suggestion)) for suggestion in due],
        book_link=_booking_link(page, summary),
        today=datetime.now(ZoneInfo(page.timezone)).date(),
    )


def _booking_link(
    page: Any, summary: clients.ClientSummary, due: reminders.Suggestion | None = None
) -> str:
    """The journal's booking form with the client found and chosen (by phone, else name), and
    the service due again with the favourite master."""
    asked = {
        "q": summary.phones[0] if summary.phones else summary.contact.display_name,
        "client_id": summary.contact.id,
    }
    if due:
        asked["service_id"] = due.service_id
        if summary.favourite_master:
            asked["master_id"] = summary.favourite_master.master_id
    return f"{page.base}/salon/journal/new?{urlencode(asked)}"


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
    page: NamedDependency[Any],
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
    async with database(request).tenant_transaction(page.principal.workspace.schema) as session:
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


routes = [client_list, client_card, staff_results]
