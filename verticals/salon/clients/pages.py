"""Salon client pages: the client list (VIP filter, search, sort) and a client's salon card."""

import uuid
from datetime import datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from atrium.platform.errors import Invalid
from atrium.platform.pages.kit import WorkspacePage, transaction
from atrium.verticals.salon.access import require_salon
from atrium.verticals.salon.clients import service as clients
from atrium.verticals.salon.reminders import service as reminders


@get("/w/{slug:str}/salon/clients")
async def client_list(
    request: Request,
    page: NamedDependency[WorkspacePage],
    q: FromQuery[str] = "",
    vip: FromQuery[str] = "",
    sort: FromQuery[str] = "spend",
    cursor: FromQuery[str | None] = None,
) -> Template:
    require_salon(page.principal, "salon.book")
    sort = sort if sort in clients.SORTS else "spend"
    vip_only = vip in ("1", "true", "on")
    async with transaction(page) as session:
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
    request: Request, page: NamedDependency[WorkspacePage], contact_id: FromPath[uuid.UUID]
) -> Template:
    require_salon(page.principal, "salon.book")
    async with transaction(page) as session:
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
    page: WorkspacePage, summary: clients.ClientSummary, due: reminders.Suggestion | None = None
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


routes = [client_list, client_card]
