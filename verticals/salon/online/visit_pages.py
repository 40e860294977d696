"""The client's own link (/book/<workspace>/visit/<token>): the visit, and until the salon's
cancel window begins, cancelling it or moving it to another free time; after that, the
salon's phone."""

from datetime import UTC, date, datetime, timedelta

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect

from atrium.platform.errors import DomainError, NotFound
from atrium.platform.http.auth import database
from atrium.platform.pages.kit import VisitorPage
from atrium.verticals.salon.journal import service as booking
from atrium.verticals.salon.online import offer as online_offer
from atrium.verticals.salon.online import visit as online_visit
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
from atrium.verticals.salon.online.workspace import manage_url, public_workspace


@get(f"{BOOK}/visit/{{token:str}}", **PAGE)
async def visit_page(
    request: Request,
    visitor: NamedDependency[VisitorPage],
    slug: FromPath[str],
    token: FromPath[str],
) -> Response:
    return await _visit_page(request, visitor, slug, token)


async def _visit_page(request, visitor, slug, token, status_code=200, **context) -> Response:
    try:
        workspace = await public_workspace(database(request), slug)
    except NotFound:
        return missing_page(request, visitor)
    async with database(request).tenant_transaction(workspace.schema) as session:
        try:
            visit = await booking.visit_by_token(session, token)
        except NotFound:
            return missing_page(request, visitor)
        summary = await online_visit.visit_summary(session, visit)
        times, days, day = [], [], parse_date(request.query_params.get("date", ""))
        if summary.can_change:
            days, times = await _move_options(session, summary, day)
        return await render_page(
            request,
            visitor,
            workspace,
            session,
            "salon/book_visit.html",
            status_code,
            clock_zone=summary.zone.key,
            summary=summary,
            booked=request.query_params.get("booked"),  # "telegram": told there
            done=request.query_params.get("done"),
            manage_url=manage_url(request, slug, token),
            action=request.url.path,
            days=days,
            chosen_day=day,
            times=times,
            embed_query=embed_suffix(request, "&"),
            **context,
        )


async def _move_options(session, summary: online_visit.VisitSummary, day: date | None):
    """The next two weeks' days with free time for the same services, and the day's times."""
    now = datetime.now(UTC)
    zone = summary.zone
    first = (now + timedelta(hours=summary.location.cancel_window_hours)).astimezone(zone).date()
    last = first + timedelta(days=online_offer.DAYS_SHOWN - 1)
    try:
        service_ids = await online_visit.service_ids_of(session, summary.visit)
        slots = await online_offer.open_times(
            session,
            summary.location,
            service_ids,
            master_id=None,
            date_from=first,
            date_to=last,
            now=now,
            except_visit=summary.visit.id,
        )
    except DomainError:
        return [], []
    window = now + timedelta(hours=summary.location.cancel_window_hours)
    by_day: dict[date, list] = {}
    for slot in slots:
        if slot.starts_at > window:
            by_day.setdefault(slot.starts_at.astimezone(zone).date(), []).append(slot)
    days = [
        (first + timedelta(days=n), bool(by_day.get(first + timedelta(days=n))))
        for n in range(online_offer.DAYS_SHOWN)
    ]
    return days, by_day.get(day, []) if day else []


@post(f"{BOOK}/visit/{{token:str}}", **PAGE)
async def change_visit(
    request: Request,
    visitor: NamedDependency[VisitorPage],
    slug: FromPath[str],
    token: FromPath[str],
    data: FormData,
) -> Response:
    """Cancel, or move to another time (with whoever is free then); refused after the
    salon's window, as the page says."""
    db = database(request)
    try:
        workspace = await public_workspace(db, slug)
    except NotFound:
        return missing_page(request, visitor)
    locale = await visitor_locale(visitor, db, workspace)
    if not visitor.form_is_genuine(data):
        errors = {"_form": visitor._("The form expired. Please try again.", locale)}
        return await _visit_page(request, visitor, slug, token, 403, errors=errors)
    action = data.get("action", "")
    try:
        workspace.require_open()
        async with db.tenant_transaction(workspace.schema) as session:
            if action == "cancel":
                await online_visit.cancel_by_client(session, token)
            elif action == "move" and (start := parse_moment(data.get("start", ""))):
                await online_visit.reschedule_by_client(
                    session, token, starts_at=start, any_master=True
                )
            else:
                errors = {"_form": visitor._("Choose a new time first.", locale)}
                return await _visit_page(request, visitor, slug, token, 422, errors=errors)
    except NotFound:
        return missing_page(request, visitor)
    except DomainError as error:
        errors = {"_form": visitor.error_text(error, locale)}
        return await _visit_page(request, visitor, slug, token, error.status, errors=errors)
    done = "cancelled" if action == "cancel" else "moved"
    return Redirect(
        f"/book/{slug}/visit/{token}?done={done}{embed_suffix(request, '&')}", status_code=303
    )


routes = [visit_page, change_visit]
