"""The salon's public online booking: pages under /book/<workspace slug> (their JSON under
/api/public/<workspace slug> is the api module), and the widget a salon's own site includes.

The client's own link to their visit is visit_pages; what the pages share, page_kit.
The pages work step by step with plain GET forms (service, master, day, time, then the
client's details, and the phone confirmed the salon's way: the SMS code, the salon's Telegram
bot, or none, the visit booked to confirm by phone); book.js turns the same page into one
screen over the JSON.
Booking pages may be shown in a frame on the salon's site (the ``frameable`` route opt); the
rest of the app may not.
"""

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect

from atrium.platform.errors import DomainError, NotFound
from atrium.platform.http.auth import database
from atrium.platform.notify.sms import sms_route
from atrium.platform.pages.kit import VisitorPage
from atrium.platform.tenancy.service import workspace_settings
from atrium.verticals.salon.journal import service as booking
from atrium.verticals.salon.journal.schedule import masters_doing
from atrium.verticals.salon.models import BookingCode
from atrium.verticals.salon.online import offer as online_offer
from atrium.verticals.salon.online import phone_check
from atrium.verticals.salon.online import service as online_booking
from atrium.verticals.salon.online import telegram as online_telegram
from atrium.verticals.salon.online.confirming import confirm_booking, finish_booking
from atrium.verticals.salon.online.page_kit import (
    BOOK,
    PAGE,
    FormData,
    embed_suffix,
    missing_page,
    parse_date,
    parse_moment,
    render_page,
    visitor_locale,
)
from atrium.verticals.salon.online.throttle import code_reserver
from atrium.verticals.salon.online.workspace import acting_owner, public_workspace

WIDGET_JS = Path(__file__).parents[1] / "static" / "widget.js"


class Choices:
    """What a page shows of the visitor's way so far: their choices, kept in the query."""

    def __init__(self, request: Request) -> None:
        query = request.query_params
        self.embed = query.get("embed") == "1"
        self.service_ids = _uuids(query.getall("service", []))
        raw_master = query.get("master", "")
        self.any_master = raw_master == "any"
        self.master_id = None if self.any_master else _uuid(raw_master)
        self.day = parse_date(query.get("date", ""))
        self.start = parse_moment(query.get("start", ""))

    def keep(self, *, with_master: bool = True, **more) -> str:
        """The query string of the choices so far (and ``more``), for links and forms."""
        pairs = [("service", str(service)) for service in self.service_ids]
        if not with_master:
            pass
        elif self.any_master:
            pairs.append(("master", "any"))
        elif self.master_id:
            pairs.append(("master", str(self.master_id)))
        if self.embed:
            pairs.append(("embed", "1"))
        pairs += [(key, str(value)) for key, value in more.items() if value is not None]
        return urlencode(pairs)


def _uuid(raw: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(raw)
    except ValueError:
        return None


def _uuids(raw: list[str]) -> list[uuid.UUID]:
    found = [value for value in map(_uuid, raw) if value is not None]
    return list(dict.fromkeys(found))[: booking.MAX_SERVICES]


# The salons of a workspace


@get(BOOK, **PAGE)
async def salons(
    request: Request, visitor: NamedDependency[VisitorPage], slug: FromPath[str]
) -> Response:
    try:
        workspace = await public_workspace(database(request), slug)
    except NotFound:
        return missing_page(request, visitor)
    async with database(request).tenant_transaction(workspace.schema) as session:
        found = await online_offer.bookable_locations(session)
        if not found:
            return missing_page(request, visitor)
        if len(found) == 1:
            suffix = embed_suffix(request)
            if lang := request.query_params.get("lang"):
                suffix += f"{'&' if suffix else '?'}{urlencode({'lang': lang})}"
            return Redirect(f"/book/{slug}/{found[0].slug}{suffix}")
        return await render_page(
            request,
            visitor,
            workspace,
            session,
            "salon/book_salons.html",
            locations=found,
            query=embed_suffix(request),
        )


@get(f"{BOOK}/widget.js", include_in_schema=False)
async def widget_script(slug: FromPath[str]) -> Response:
    """The script a salon's site includes: a "Book online" button opening this page in a
    frame (the script finds the workspace from its own address)."""
    return Response(
        WIDGET_JS.read_text(),
        media_type="text/javascript",
        headers={"cache-control": "public, max-age=3600"},
    )


# Booking step by step


async def _steps(session, location, way: Choices, now: datetime) -> dict:
    """What the page shows: the choices so far, checked, and the next step's options."""
    zone = await online_offer.salon_zone(session, location)
    services = await online_offer.offered_services(session, location)
    by_id = {service.id: service for service in services}
    chosen = [by_id[service_id] for service_id in way.service_ids if service_id in by_id]
    steps: dict[str, Any] = {
        "services": services,
        "chosen": chosen,
        "zone": zone,
        "step": "services",
        "confirm_by": await phone_check.channel_now(session),  # book.js asks for it at once
        "sms_kept": await sms_route(session) == "outbox",  # codes wait in the salon's outbox
    }
    if not chosen:
        return steps
    ids = [service.id for service in chosen]
    masters = await online_offer.offered_masters(session, location, ids)
    steps["masters"] = masters
    master = next((m for m in masters if m.id == way.master_id), None)
    steps["master"] = master
    if not way.any_master and master is None:
        steps["step"] = "master"
        return steps
    offers = await masters_doing(
        session,
        ids,
        master_id=master.id if master else None,
        location_id=location.id,
        online_only=True,
    )
    prices = [
        Decimal(offer.price) for offer in offers if offer.master_id in {m.id for m in masters}
    ]
    steps["price"] = min(prices) if prices else sum(s.price for s in chosen)
    steps["price_from"] = len(set(prices)) > 1
    today = now.astimezone(zone).date()
    last = today + timedelta(days=online_offer.DAYS_SHOWN - 1)
    slots = await online_offer.open_times(
        session,
        location,
        ids,
        master_id=master.id if master else None,
        date_from=today,
        date_to=last,
        now=now,
    )
    by_day: dict[date, list] = {}
    for slot in slots:
        by_day.setdefault(slot.starts_at.astimezone(zone).date(), []).append(slot)
    steps["days"] = [
        (today + timedelta(days=n), bool(by_day.get(today + timedelta(days=n))))
        for n in range(online_offer.DAYS_SHOWN)
    ]
    steps["any_free"] = any(free for _, free in steps["days"])
    steps["step"] = "day"
    if way.day is None or not by_day.get(way.day):
        return steps
    steps["chosen_day"], steps["times"] = way.day, by_day[way.day]
    steps["step"] = "time"
    picked = next((slot for slot in by_day[way.day] if slot.starts_at == way.start), None)
    if picked is not None:
        steps["slot"], steps["step"] = picked, "details"
    return steps


@get(f"{BOOK}/{{location_slug:str}}", **PAGE)
async def booking_page(
    request: Request,
    visitor: NamedDependency[VisitorPage],
    slug: FromPath[str],
    location_slug: FromPath[str],
) -> Response:
    return await _booking_page(request, visitor, slug, location_slug)


async def _booking_page(
    request: Request,
    visitor: VisitorPage,
    slug: str,
    location_slug: str,
    status_code: int = 200,
    **context,
) -> Response:
    try:
        workspace = await public_workspace(database(request), slug)
    except NotFound:
        return missing_page(request, visitor)
    way = Choices(request)
    async with database(request).tenant_transaction(workspace.schema) as session:
        try:
            location = await online_offer.bookable_location(session, slug=location_slug)
        except NotFound:
            return missing_page(request, visitor)
        steps = await _steps(session, location, way, datetime.now(UTC))
        return await render_page(
            request,
            visitor,
            workspace,
            session,
            "salon/book.html",
            status_code,
            clock_zone=steps["zone"].key,
            location=location,
            way=way,
            base=f"/book/{slug}/{location.slug}",
            api=f"/api/public/{slug}",
            **steps,
            **context,
        )


@post(f"{BOOK}/{{location_slug:str}}", **PAGE)
async def ask_for_code(
    request: Request,
    visitor: NamedDependency[VisitorPage],
    slug: FromPath[str],
    location_slug: FromPath[str],
    data: FormData,
) -> Response:
    """The details form: a code goes by SMS, then the page to enter it; or, with no phone
    check, the visit is booked (the salon calls to confirm it) and its page follows."""
    db = database(request)
    try:
        workspace = await public_workspace(db, slug)
    except NotFound:
        return missing_page(request, visitor)
    values = {key: data.get(key, "") for key in ("first_name", "last_name", "phone", "email")}
    values["consent"] = data.get("consent", "")
    if not visitor.form_is_genuine(data):
        return await _refused_details(
            request,
            visitor,
            slug,
            location_slug,
            values,
            "The form expired. Please try again.",
            403,
        )
    way = Choices(request)
    try:
        workspace.require_open()
        owner = await acting_owner(db, workspace)
        async with db.tenant_transaction(workspace.schema) as session:
            location = await online_offer.bookable_location(session, slug=location_slug)
            locale = visitor.locale((await workspace_settings(session)).locale)
            asked = await online_booking.ask_to_book(
                session,
                owner,
                online_booking.BookingRequest(
                    location_id=location.id,
                    service_ids=way.service_ids,
                    master_id=way.master_id,
                    start=way.start or datetime.now(UTC) - timedelta(days=1),
                    first_name=values["first_name"],
                    last_name=values["last_name"],
                    phone=values["phone"],
                    email=values["email"],
                    consent=bool(values["consent"]),
                    locale=locale,
                ),
                secret_key=request.app.state.runtime.secret_key,
                reserve=code_reserver(request, workspace),
            )
    except NotFound:
        return missing_page(request, visitor)
    except DomainError as error:
        response = await _refused_details(
            request, visitor, slug, location_slug, values, error, error.status
        )
        if retry := getattr(error, "retry_after", None):
            response.headers["Retry-After"] = str(retry)
        return response
    if asked.booked is not None:
        return Redirect(
            f"/book/{slug}/visit/{asked.booked.token}?booked=1{embed_suffix(request, '&')}",
            status_code=303,
        )
    return Redirect(
        f"/book/{slug}/{location_slug}/code/{asked.request_id}{embed_suffix(request)}",
        status_code=303,
    )


async def _refused_details(request, visitor, slug, location_slug, values, error, status_code):
    """The details step again, with what was typed and the reason next to its field."""
    try:
        workspace = await public_workspace(database(request), slug)
    except NotFound:
        return missing_page(request, visitor)
    locale = await visitor_locale(visitor, database(request), workspace)
    if isinstance(error, DomainError):
        text, field = visitor.error_text(error, locale), error.field
    else:
        text, field = visitor._(error, locale), None
    fields = ("first_name", "last_name", "phone", "email")
    errors = {field if field in fields else "_form": text}
    return await _booking_page(
        request, visitor, slug, location_slug, status_code, values=values, errors=errors
    )


# The code, and the visit booked


@get(f"{BOOK}/{{location_slug:str}}/code/{{request_id:uuid}}", **PAGE)
async def code_page(
    request: Request,
    visitor: NamedDependency[VisitorPage],
    slug: FromPath[str],
    location_slug: FromPath[str],
    request_id: FromPath[uuid.UUID],
) -> Response:
    return await _code_page(request, visitor, slug, location_slug, request_id)


async def _code_page(
    request, visitor, slug, location_slug, request_id, status_code=200, **context
) -> Response:
    try:
        workspace = await public_workspace(database(request), slug)
    except NotFound:
        return missing_page(request, visitor)
    async with database(request).tenant_transaction(workspace.schema) as session:
        try:
            location = await online_offer.bookable_location(session, slug=location_slug)
        except NotFound:
            return missing_page(request, visitor)
        code = await session.get(BookingCode, request_id)
        if code is None:
            return missing_page(request, visitor)
        if code.request.get("confirm_by") == "telegram":
            context["telegram_url"] = await online_telegram.start_link(
                session, request.app.state.runtime.secret_key, request_id
            )
        return await render_page(
            request,
            visitor,
            workspace,
            session,
            "salon/book_telegram.html" if "telegram_url" in context else "salon/book_code.html",
            status_code,
            location=location,
            phone_number=code.phone,
            sms_kept=await sms_route(session) == "outbox",
            action=request.url.path + embed_suffix(request),
            start_over=f"/book/{slug}/{location.slug}{embed_suffix(request)}",
            **context,
        )


@post(f"{BOOK}/{{location_slug:str}}/code/{{request_id:uuid}}", **PAGE)
async def confirm_code(
    request: Request,
    visitor: NamedDependency[VisitorPage],
    slug: FromPath[str],
    location_slug: FromPath[str],
    request_id: FromPath[uuid.UUID],
    data: FormData,
) -> Response:
    try:
        workspace = await public_workspace(database(request), slug)
    except NotFound:
        return missing_page(request, visitor)
    locale = await visitor_locale(visitor, database(request), workspace)
    if not visitor.form_is_genuine(data):
        errors = {"_form": visitor._("The form expired. Please try again.", locale)}
        return await _code_page(
            request, visitor, slug, location_slug, request_id, 403, errors=errors
        )
    finishing = data.get("action") == "finish"  # the phone was shared in the salon's bot
    try:
        if finishing:
            booked, _ = await finish_booking(request, workspace, request_id)
        else:
            booked, _ = await confirm_booking(request, workspace, request_id, data.get("code", ""))
    except NotFound:
        return missing_page(request, visitor)
    except DomainError as error:
        errors = {"code": visitor.error_text(error, locale)}
        return await _code_page(
            request, visitor, slug, location_slug, request_id, error.status, errors=errors
        )
    told = "telegram" if finishing else "1"
    return Redirect(
        f"/book/{slug}/visit/{booked.token}?booked={told}{embed_suffix(request, '&')}",
        status_code=303,
    )


routes: list = [
    salons,
    widget_script,
    booking_page,
    ask_for_code,
    code_page,
    confirm_code,
]
