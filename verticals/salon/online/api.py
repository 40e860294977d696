"""/api/public/<workspace slug>/...: the JSON behind the salon's booking page, without signing
in. Every answer works in the workspace named by the slug only (another workspace's ids are
404 here), and shows times and masters, never another client's name, phone or visit.

    GET  locations                                  salons taking online bookings
    GET  services?location_id=                      services offered online there
    GET  masters?location_id=&service_id=...        masters doing all of them (name, position)
    GET  slots?location_id=&service_id=...&master_id=&date_from=&date_to=
    POST bookings                                   202 {"confirm_by": "sms"|"telegram", ...}, or
                                                    201 {"confirm_by": "none", "visit"}
    POST bookings/<request_id>/confirm {"code"}     books: the visit and its manage link
    POST bookings/<request_id>/finish               books once the phone was shared in Telegram
    GET  visits/<token>                             the client's visit (their manage link)
    POST visits/<token>/cancel, visits/<token>/reschedule {"start", "any_master"}
    GET  widget                                     the <script> tag a salon's site includes"""

import uuid
from datetime import date, datetime, timedelta

from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from atrium.platform.errors import Invalid
from atrium.platform.http.auth import database
from atrium.platform.http.language import asked_locale
from atrium.platform.language import LOCALES
from atrium.platform.tenancy.service import workspace_settings
from atrium.verticals.salon.journal import service as booking
from atrium.verticals.salon.journal.slots import check_days
from atrium.verticals.salon.online import offer as online_offer
from atrium.verticals.salon.online import service as online_booking
from atrium.verticals.salon.online import visit as online_visit
from atrium.verticals.salon.online.confirming import confirm_booking, finish_booking
from atrium.verticals.salon.online.schemas import (
    BookingIn,
    CodeIn,
    Items,
    LocationOut,
    MasterOut,
    RequestOut,
    RescheduleIn,
    ServiceOut,
    VisitOut,
    WidgetOut,
    slot_out,
    visit_out,
)
from atrium.verticals.salon.online.throttle import code_reserver
from atrium.verticals.salon.online.workspace import acting_owner, manage_url, public_workspace

API = "/api/public/{slug:str}"

OPTS = {"include_in_schema": False}


def _described(request: Request, slug: str):
    """What a new booking's answer says of its visit, read in the booking's transaction."""

    async def describe(session, booked: online_booking.Booked) -> VisitOut:
        summary = await online_visit.visit_summary(session, booked.visit)
        return await visit_out(session, summary, manage_url(request, slug, booked.token))

    return describe


def days_asked(date_from: date | None, date_to: date | None, today: date) -> tuple[date, date]:
    date_from = date_from or today
    check_days(date_from=date_from, **({"date_to": date_to} if date_to else {}))
    date_to = date_to or date_from + timedelta(days=online_offer.DAYS_SHOWN - 1)
    if date_to < date_from or (date_to - date_from).days > 61:
        raise Invalid("Ask for 1 to 62 days at once.", field="date_to")
    return date_from, date_to


@get(f"{API}/locations", **OPTS)
async def list_locations(request: Request, slug: FromPath[str]) -> Items:
    workspace = await public_workspace(database(request), slug)
    async with database(request).tenant_transaction(workspace.schema) as session:
        timezone = (await workspace_settings(session)).timezone
        found = await online_offer.bookable_locations(session)
        return Items(
            [
                LocationOut(
                    l.id,
                    l.slug,
                    l.name,
                    l.address,
                    l.phone,
                    l.timezone or timezone,
                    l.cancel_window_hours,
                )
                for l in found  # noqa: E741
            ]
        )


@get(f"{API}/services", **OPTS)
async def list_services(
    request: Request, slug: FromPath[str], location_id: FromQuery[uuid.UUID]
) -> Items:
    workspace = await public_workspace(database(request), slug)
    async with database(request).tenant_transaction(workspace.schema) as session:
        location = await online_offer.bookable_location(session, location_id=location_id)
        return Items(
            [
                ServiceOut(s.id, s.name, s.category, s.duration_minutes, s.price, s.description)
                for s in await online_offer.offered_services(session, location)
            ]
        )


@get(f"{API}/masters", **OPTS)
async def list_masters(
    request: Request,
    slug: FromPath[str],
    location_id: FromQuery[uuid.UUID],
    service_id: FromQuery[list[uuid.UUID]],
) -> Items:
    workspace = await public_workspace(database(request), slug)
    async with database(request).tenant_transaction(workspace.schema) as session:
        location = await online_offer.bookable_location(session, location_id=location_id)
        return Items(
            [
                MasterOut(m.id, m.name, m.position)
                for m in await online_offer.offered_masters(session, location, service_id)
            ]
        )


@get(f"{API}/slots", **OPTS)
async def list_slots(
    request: Request,
    slug: FromPath[str],
    location_id: FromQuery[uuid.UUID],
    service_id: FromQuery[list[uuid.UUID]],
    master_id: FromQuery[uuid.UUID | None] = None,
    date_from: FromQuery[date | None] = None,
    date_to: FromQuery[date | None] = None,
) -> Items:
    """Free starts (times only); for any master each time once, with a master free then."""
    workspace = await public_workspace(database(request), slug)
    async with database(request).tenant_transaction(workspace.schema) as session:
        location = await online_offer.bookable_location(session, location_id=location_id)
        zone = await online_offer.salon_zone(session, location)
        first, last = days_asked(date_from, date_to, datetime.now(zone).date())
        found = await online_offer.open_times(
            session, location, service_id, master_id=master_id, date_from=first, date_to=last
        )
        return Items([slot_out(slot, zone) for slot in found])


@post(f"{API}/bookings", status_code=202, **OPTS)
async def ask_for_code(
    request: Request, slug: FromPath[str], data: JSONBody[BookingIn]
) -> Response[RequestOut]:
    """Checks the time is free and confirms the phone the salon's way: 202 with a request to
    confirm (the code sent by SMS, or the salon's Telegram bot), or 201 with the visit
    booked, to confirm by phone; 429 when too many were asked for."""
    db = database(request)
    workspace = await public_workspace(db, slug)
    workspace.require_open()
    owner = await acting_owner(db, workspace)
    async with db.tenant_transaction(workspace.schema) as session:
        # The SMS in the language asked for (the page's), by the API's rule otherwise.
        locale = data.locale if data.locale in LOCALES else asked_locale(request)
        locale = locale or (await workspace_settings(session)).locale
        asked = await online_booking.ask_to_book(
            session,
            owner,
            online_booking.BookingRequest(
                location_id=data.location_id,
                service_ids=data.service_ids,
                master_id=data.master_id,
                start=data.start,
                first_name=data.first_name,
                last_name=data.last_name,
                phone=data.phone,
                email=data.email,
                consent=data.consent,
                locale=locale,
            ),
            secret_key=request.app.state.runtime.secret_key,
            reserve=code_reserver(request, workspace),
        )
        if asked.booked is not None:
            summary = await online_visit.visit_summary(session, asked.booked.visit)
            url = manage_url(request, workspace.slug, asked.booked.token)
            out = RequestOut("none", visit=await visit_out(session, summary, url))
            return Response(out, status_code=201)
    lifetime = int(online_booking.CODE_LIFETIME.total_seconds())
    out = RequestOut(asked.confirm_by, asked.request_id, lifetime, asked.telegram_url)
    return Response(out, status_code=202)


@post(f"{API}/bookings/{{request_id:uuid}}/confirm", status_code=201, **OPTS)
async def confirm(
    request: Request, slug: FromPath[str], request_id: FromPath[uuid.UUID], data: JSONBody[CodeIn]
) -> VisitOut:
    """422 for a wrong code, 409 when the time was taken meanwhile (nothing booked)."""
    workspace = await public_workspace(database(request), slug)
    _, out = await confirm_booking(
        request, workspace, request_id, data.code, then=_described(request, workspace.slug)
    )
    return out


@post(f"{API}/bookings/{{request_id:uuid}}/finish", status_code=201, **OPTS)
async def finish(
    request: Request, slug: FromPath[str], request_id: FromPath[uuid.UUID]
) -> VisitOut:
    """After the phone was shared in the salon's Telegram bot: books; 409 until then."""
    workspace = await public_workspace(database(request), slug)
    _, out = await finish_booking(
        request, workspace, request_id, then=_described(request, workspace.slug)
    )
    return out


@get(f"{API}/visits/{{token:str}}", **OPTS)
async def show_visit(request: Request, slug: FromPath[str], token: FromPath[str]) -> VisitOut:
    workspace = await public_workspace(database(request), slug)
    async with database(request).tenant_transaction(workspace.schema) as session:
        visit = await booking.visit_by_token(session, token)
        summary = await online_visit.visit_summary(session, visit)
        return await visit_out(session, summary, manage_url(request, slug, token))


@post(f"{API}/visits/{{token:str}}/cancel", status_code=200, **OPTS)
async def cancel_visit(request: Request, slug: FromPath[str], token: FromPath[str]) -> VisitOut:
    """409 once the salon's cancel window has begun."""
    workspace = await public_workspace(database(request), slug)
    workspace.require_open()
    async with database(request).tenant_transaction(workspace.schema) as session:
        visit = await online_visit.cancel_by_client(session, token)
        summary = await online_visit.visit_summary(session, visit)
        return await visit_out(session, summary, manage_url(request, slug, token))


@post(f"{API}/visits/{{token:str}}/reschedule", status_code=200, **OPTS)
async def reschedule_visit(
    request: Request, slug: FromPath[str], token: FromPath[str], data: JSONBody[RescheduleIn]
) -> VisitOut:
    workspace = await public_workspace(database(request), slug)
    workspace.require_open()
    async with database(request).tenant_transaction(workspace.schema) as session:
        visit = await online_visit.reschedule_by_client(
            session, token, starts_at=data.start, any_master=data.any_master
        )
        summary = await online_visit.visit_summary(session, visit)
        return await visit_out(session, summary, manage_url(request, slug, token))


@get(f"{API}/widget", **OPTS)
async def widget(request: Request, slug: FromPath[str]) -> WidgetOut:
    """The snippet a salon pastes into its site: a "Book online" button opening the page."""
    workspace = await public_workspace(database(request), slug)
    base = request.app.state.settings.base_url
    script = f"{base}/book/{workspace.slug}/widget.js"
    return WidgetOut(
        script_url=script,
        snippet=f'<script src="{script}" async></script>',
        booking_url=f"{base}/book/{workspace.slug}",
    )


routes = [
    list_locations,
    list_services,
    list_masters,
    list_slots,
    ask_for_code,
    confirm,
    finish,
    show_visit,
    cancel_visit,
    reschedule_visit,
    widget,
]
