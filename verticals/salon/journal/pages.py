"""The booking journal: a salon's masters against the time of day (or one master's week), a
form to book, a visit's card with its status buttons, moving a visit.

Every action is a plain page or form post; journal.js draws the same day with EventCalendar
and posts the same forms (dragging a visit posts its move and reads the JSON answer)."""

import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Response, Template

from atrium.platform.crm.contacts import cards as contact_cards
from atrium.platform.crm.contacts import service as contacts
from atrium.platform.crm.records.normalize import PHONE_INPUT_LIMIT
from atrium.platform.errors import DomainError, Invalid
from atrium.platform.forms import Field, FormFields, gettext
from atrium.platform.http.auth import database
from atrium.platform.instants import check
from atrium.platform.pages.kit import WorkspacePage, record_id, transaction
from atrium.verticals.salon.access import require_salon
from atrium.verticals.salon.journal import grid as journal
from atrium.verticals.salon.journal import service as booking
from atrium.verticals.salon.journal import visits
from atrium.verticals.salon.journal.schedule import location_zone, subtract
from atrium.verticals.salon.journal.slots import FIRST_DAY, LAST_DAY
from atrium.verticals.salon.models import Location, Master

SECTION = "salon_journal"
SERVICE_FIELDS = 3  # a plain form offers this many services in sequence
BOOKING_FORM = FormFields(  # the desk's booking form
    client_id=Field(gettext("Client")),
    first_name=Field(gettext("First name"), contacts.TEXT_LIMITS["first_name"]),
    last_name=Field(gettext("Last name"), contacts.TEXT_LIMITS["last_name"]),
    phone=Field(gettext("Phone"), PHONE_INPUT_LIMIT),
    service_ids=Field(gettext("Services")),
    master_id=Field(gettext("Master")),
    start=Field(gettext("Start")),
    comment=Field(gettext("Comment"), booking.COMMENT_LIMIT),
)
STATUS_ACTIONS = {  # the buttons of a visit's card, in this order
    "confirmed": "Confirm",
    "arrived": "Client arrived",
    "no_show": "No-show",
    "cancelled": "Cancel visit",
    "booked": "Book again",
}


def _id(raw: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(raw) if raw else None
    except ValueError:
        return None


def _day(raw: str | None, zone: ZoneInfo) -> date:
    """The day asked for; today when none is, or it is no date a salon can mean."""
    try:
        day = date.fromisoformat(raw) if raw else None
    except ValueError:
        day = None
    return day if day and FIRST_DAY <= day <= LAST_DAY else datetime.now(zone).date()


def _local_start(raw: str, zone: ZoneInfo) -> datetime:
    """A datetime-local value ("2026-11-25T15:00") read in the salon's zone."""
    try:
        moment = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise Invalid("Enter a date and time.", field="start") from None
    return check(moment.replace(tzinfo=zone) if moment.tzinfo is None else moment, "start")


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


async def _location(session, raw: str | None) -> tuple[list[Location], Location | None]:
    locations = await journal.active_locations(session)
    chosen = next((loc for loc in locations if loc.id == _id(raw)), None)
    return locations, chosen or (locations[0] if locations else None)


def _journal_link(
    page: WorkspacePage, location_id: uuid.UUID, day: date, master: uuid.UUID | None = None
):
    link = f"{page.base}/salon/journal?location={location_id}&day={day.isoformat()}"
    return link + (f"&master={master}" if master else "")


@get("/w/{slug:str}/salon/journal")
async def journal_page(request: Request, page: NamedDependency[WorkspacePage]) -> Template:
    require_salon(page.principal, "salon.book")
    query = request.query_params
    async with transaction(page) as session:
        locations, location = await _location(session, query.get("location"))
        if location is None:
            return page.render("salon/journal.html", section=SECTION, location=None)
        zone = location_zone(location, page.timezone)
        day = _day(query.get("day"), zone)
        masters = await journal.masters_of(session, location.id)
        master = next((m for m in masters if m.id == _id(query.get("master"))), None)
        grid = await journal.day_grid(session, location, page.timezone, day=day, master=master)
    week = master is not None
    return page.render(
        "salon/journal.html",
        section=SECTION,
        locations=locations,
        location=location,
        masters=masters,
        master=master,
        grid=grid,
        shown=day,
        today=datetime.now(zone).date(),
        previous_day=day - timedelta(days=7 if week else 1),
        next_day=day + timedelta(days=7 if week else 1),
        hm=lambda moment: moment.astimezone(zone).strftime("%H:%M"),
        local_input=lambda moment: moment.astimezone(zone).strftime("%Y-%m-%dT%H:%M"),
        status_label=lambda visit: visit_status(page, visit),
        calendar=_calendar_data(page, location, grid, master),
    )


def visit_status(page: WorkspacePage, visit) -> str:
    """A visit's status as the desk reads it: booked online unconfirmed is "to confirm by
    phone" until the desk confirms it."""
    if visit.to_call and visit.status == "booked":
        return page._("To confirm by phone")
    return page._(STATUS_LABELS[visit.status])


STATUS_LABELS = {
    "booked": "Booked",
    "confirmed": "Confirmed",
    "arrived": "Arrived",
    "done": "Paid",
    "no_show": "No-show",
    "cancelled": "Visit cancelled",
}


def _calendar_data(page: WorkspacePage, location: Location, grid, master: Master | None) -> dict:
    """What journal.js hands EventCalendar: salon wall-clock times without an offset."""
    zone = grid.zone

    def wall(moment: datetime) -> str:
        return moment.astimezone(zone).strftime("%Y-%m-%dT%H:%M:%S")

    events = []
    for column in grid.columns:
        resource = {} if master else {"resourceId": str(column.master.id)}
        day_from = datetime.combine(column.day, time(), zone).astimezone(UTC)
        day_to = datetime.combine(column.day + timedelta(days=1), time(), zone).astimezone(UTC)
        for starts, ends in subtract([(day_from, day_to)], column.working):
            events.append(
                {"start": wall(starts), "end": wall(ends), "display": "background",
                 "classNames": ["off"], **resource}
            )  # fmt: skip
        for view in column.visits:
            visit = view.visit
            events.append(
                {
                    "id": str(visit.id),
                    "start": wall(visit.starts_at),
                    "end": wall(visit.ends_at),
                    "title": view.client_name,
                    "classNames": [f"visit-{visit.status}"]
                    + (["visit-to-call"] if visit.to_call and visit.status == "booked" else []),
                    "editable": visit.status in booking.MOVABLE,
                    "extendedProps": {
                        "status": visit_status(page, visit),
                        "services": ", ".join(line.name for line in view.services),
                        "url": f"{page.base}/salon/journal/visits/{visit.id}",
                    },
                    **resource,
                }
            )
    times = grid.times
    last = datetime.combine(date.min, times[-1]) + grid.step if times else None
    return {
        "view": "timeGridWeek" if master else "resourceTimeGridDay",
        "date": grid.columns[0].day.isoformat() if grid.columns else None,
        "locale": page.locale,
        "slotDuration": f"00:{int(grid.step.total_seconds() // 60):02d}",
        "slotMinTime": times[0].strftime("%H:%M") if times else "09:00",
        "slotMaxTime": "24:00"
        if last and last.day > 1
        else (last or datetime(1, 1, 1, 21)).strftime("%H:%M"),
        "resources": []
        if master
        else [{"id": str(c.master.id), "title": c.master.name} for c in grid.columns],
        "events": events,
        "newUrl": f"{page.base}/salon/journal/new?location={location.id}",
        "moveUrl": f"{page.base}/salon/journal/visits/",
        "csrf": page.csrf_token,
        "master": str(master.id) if master else None,
        "texts": {"moving": page._("Moving…"), "moved": page._("The visit is moved.")},
    }


async def _form_context(session, location: Location) -> dict:
    masters = await journal.masters_of(session, location.id)
    services = await journal.services_of(session, location.id)
    return {"location": location, "masters": masters, "services": services}


async def _clients_found(page: WorkspacePage, search: str) -> list:
    """The existing contact search (name, phone, e-mail), for the form's client choice."""
    if not search.strip():
        return []
    found = await contact_cards.list_contacts(
        database(page.request), page.principal, q=search.strip(), limit=10
    )
    return found.items


@get("/w/{slug:str}/salon/journal/new")
async def booking_form(request: Request, page: NamedDependency[WorkspacePage]) -> Template:
    require_salon(page.principal, "salon.book")
    query = request.query_params
    async with transaction(page) as session:
        _, location = await _location(session, query.get("location"))
        if location is None:
            raise NotFoundException()
        context = await _form_context(session, location)
    context["found"] = await _clients_found(page, query.get("q") or "")
    values = {key: query.get(key, "") for key in ("master_id", "start", "q", "client_id")}
    values["service_ids"] = query.getall("service_id", [])
    return page.render(
        "salon/journal_book.html", section=SECTION, values=values, errors={}, **context,
        service_fields=SERVICE_FIELDS, form_fields=BOOKING_FORM,
    )  # fmt: skip


@post("/w/{slug:str}/salon/journal/visits")
async def book(request: Request, page: NamedDependency[WorkspacePage]) -> Response:
    require_salon(page.principal, "salon.book")
    form = await request.form()
    values = {
        key: (form.get(key) or "").strip()
        for key in ("master_id", "start", "client_id", "first_name", "last_name", "phone",
                    "comment", "q")
    }  # fmt: skip
    service_ids = [raw for raw in form.getall("service_id", []) if raw]
    values["service_ids"] = service_ids
    db = database(request)
    schema = page.principal.workspace.schema
    try:
        BOOKING_FORM.check(values)
        async with db.tenant_transaction(schema) as session:
            master_id = _id(values["master_id"])
            if master_id is None:
                raise Invalid("Choose a master.", field="master_id")
            master = await journal.master_of(session, master_id)
            location = await session.get(Location, master.location_id)
            zone = location_zone(location, page.timezone)
            starts_at = _local_start(values["start"], zone)
            chosen = [_id(raw) for raw in service_ids]
            if None in chosen:
                raise Invalid("There is no such service.", field="service_ids")
            contact_id = _id(values["client_id"])
            if contact_id is None:
                contact_id = await booking.client_for_booking(
                    session,
                    page.principal,
                    first_name=values["first_name"],
                    last_name=values["last_name"],
                    phone=values["phone"],
                )
            visit = await booking.book_visit(
                session,
                master_id=master.id,
                starts_at=starts_at.astimezone(UTC),
                service_ids=chosen,
                contact_id=contact_id,
                created_by=page.principal.user_id,
                comment=values["comment"],
            )
            day = visit.starts_at.astimezone(zone).date()
    except DomainError as error:
        field = error.field or "_form"
        error.field = {"client.phone": "phone", "client.first_name": "first_name"}.get(field, field)
        async with db.tenant_transaction(schema) as session:
            _, location = await _location(session, form.get("location"))
            if location is None:
                raise NotFoundException() from None
            context = await _form_context(session, location)
        context["found"] = await _clients_found(page, values["q"])
        return page.render(
            "salon/journal_book.html",
            422 if error.status < 500 and error.status != 409 else error.status,
            section=SECTION,
            values=values,
            errors=page.form_errors(BOOKING_FORM, error),
            service_fields=SERVICE_FIELDS,
            form_fields=BOOKING_FORM,
            **context,
        )
    return page.redirect(
        _journal_link(page, location.id, day), notice=page._("The visit is booked.")
    )


@get("/w/{slug:str}/salon/journal/visits/{visit_id:str}")
async def visit_card(
    request: Request, page: NamedDependency[WorkspacePage], visit_id: FromPath[str]
) -> Template:
    require_salon(page.principal, "salon.book")
    async with transaction(page) as session:
        view = await visits.visit_view(session, record_id(visit_id))
        location = await session.get(Location, view.visit.location_id)
        master = await session.get(Master, view.visit.master_id)
        masters = await journal.masters_of(session, location.id)
    zone = location_zone(location, page.timezone)
    visit = view.visit
    allowed = booking.NEXT_STATUSES.get(visit.status, set())
    return page.render(
        "salon/journal_visit.html",
        section=SECTION,
        view=view,
        visit=visit,
        location=location,
        master=master,
        masters=masters,
        shown=visit.starts_at.astimezone(zone).date(),
        hm=lambda moment: moment.astimezone(zone).strftime("%H:%M"),
        start_value=visit.starts_at.astimezone(zone).strftime("%Y-%m-%dT%H:%M"),
        status_label=visit_status(page, visit),
        to_call=visit.to_call and visit.status == "booked",
        actions=[
            (s, page._(_action(visit, s, label)))
            for s, label in STATUS_ACTIONS.items()
            if s in allowed
        ],  # fmt: skip
        movable=visit.status in booking.MOVABLE,
        back=_journal_link(page, location.id, visit.starts_at.astimezone(zone).date()),
    )


def _action(visit, status: str, label: str) -> str:
    if status == "confirmed" and visit.to_call:
        return "Confirmed by phone"
    return label


async def _change(request: Request, page: WorkspacePage, visit_id: str, change) -> Response:
    """Run ``change(session, visit_id, form)``; a page answers with a redirect, journal.js
    (Accept: application/json) with JSON: {"ok": true} or {"error": "..."} and 409/422."""
    require_salon(page.principal, "salon.book")
    form = await request.form()
    found = record_id(visit_id)
    card = f"{page.base}/salon/journal/visits/{found}"
    try:
        async with transaction(page) as s:
            await visits.visit_view(s, found)  # another workspace's id: 404, as a missing one
            notice = await change(s, found, form)
    except DomainError as error:
        if error.status == 404:
            raise NotFoundException() from None
        if _wants_json(request):
            return Response({"error": page.error_text(error)}, status_code=error.status)
        return page.redirect(card, error=page.error_text(error))
    if _wants_json(request):
        return Response({"ok": True, "notice": notice}, status_code=200)
    back = form.get("back") or ""
    target = back if back.startswith(f"{page.base}/salon/") else card
    return page.redirect(target, notice=notice)


@post("/w/{slug:str}/salon/journal/visits/{visit_id:str}/move")
async def move(
    request: Request, page: NamedDependency[WorkspacePage], visit_id: FromPath[str]
) -> Response:
    async def change(session, found: uuid.UUID, form) -> str:
        master_id = _id(form.get("master_id"))
        visit = (await visits.visit_view(session, found)).visit
        target = await journal.master_of(session, master_id or visit.master_id)
        location = await session.get(Location, target.location_id)
        starts_at = _local_start(form.get("start") or "", location_zone(location, page.timezone))
        await booking.move_visit(
            session, found, starts_at=starts_at.astimezone(UTC), master_id=target.id
        )
        return page._("The visit is moved.")

    return await _change(request, page, visit_id, change)


@post("/w/{slug:str}/salon/journal/visits/{visit_id:str}/status")
async def change_status(
    request: Request, page: NamedDependency[WorkspacePage], visit_id: FromPath[str]
) -> Response:
    async def change(session, found: uuid.UUID, form) -> str:
        status = form.get("status") or ""
        if status not in STATUS_ACTIONS:
            raise Invalid("Choose a status.", field="status")
        await booking.set_visit_status(session, found, status)
        return page._("The visit is now: %(status)s.", status=page._(STATUS_LABELS[status]))

    return await _change(request, page, visit_id, change)


routes = [journal_page, booking_form, book, visit_card, move, change_status]
