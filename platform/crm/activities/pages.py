"""Task pages: today, overdue, the next weeks and a month calendar (in the workspace's time
zone), a quick form to add a task, and ticking one off."""

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

from babel.core import Locale
from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from atrium.platform.crm.activities import service
from atrium.platform.crm.activities.models import Activity
from atrium.platform.crm.records.lists import workspace_members
from atrium.platform.errors import DomainError, Invalid
from atrium.platform.forms import Field, FormFields, column_limit, gettext
from atrium.platform.instants import check, in_range
from atrium.platform.pages.kit import WorkspacePage, record_id, transaction

VIEWS = ("today", "overdue", "upcoming", "calendar")
TASK_FORM = FormFields(
    title=Field(gettext("New task"), column_limit(Activity.title), required=True),
    due_at=Field(gettext("When")),
    assignee_id=Field(gettext("Who")),
)
UPCOMING = timedelta(days=30)


@dataclass
class CalendarDay:
    day: date
    in_month: bool
    tasks: list = field(default_factory=list)


def _local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone)


def _month_of(raw: str | None, today: date) -> date:
    if not raw:
        return today.replace(day=1)
    try:
        month = datetime.strptime(raw, "%Y-%m").date()
    except ValueError:
        raise NotFoundException() from None
    if not in_range(month):  # a month no one plans in (and whose neighbours may not exist)
        raise NotFoundException()
    return month


def _weeks(first: date, locale: str, items: list) -> list[list[CalendarDay]]:
    """The month's weeks as the locale starts them (Monday in Russia, Sunday in the US)."""
    week_start = Locale.parse(locale).first_week_day
    start = first - timedelta(days=(first.weekday() - week_start) % 7)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    days: dict[date, CalendarDay] = {}
    day = start
    while day <= last or (day - start).days % 7:
        days[day] = CalendarDay(day, day.month == first.month)
        day += timedelta(days=1)
    for activity, contact_name, local_day in items:
        if local_day in days:
            days[local_day].tasks.append((activity, contact_name))
    ordered = list(days.values())
    return [ordered[index : index + 7] for index in range(0, len(ordered), 7)]


@dataclass(frozen=True)
class Agenda:
    """Which tasks a tasks page shows, from its query string (its export uses it too)."""

    view: str
    mine: bool
    today: date
    month: date
    due_from: datetime | None
    due_to: datetime | None

    @property
    def open_only(self) -> bool:
        return self.view in ("overdue", "upcoming")


def agenda_of(query, timezone: str) -> Agenda:
    view = query.get("view") if query.get("view") in VIEWS else "today"
    zone = ZoneInfo(timezone)
    now = datetime.now(zone)
    today = now.date()
    month = _month_of(query.get("month"), today)
    ranges = {
        "today": (_local_midnight(today, zone), _local_midnight(today + timedelta(days=1), zone)),
        "overdue": (None, now),
        "upcoming": (now, now + UPCOMING),
        "calendar": (
            _local_midnight(month, zone),
            _local_midnight((month + timedelta(days=32)).replace(day=1), zone),
        ),
    }
    return Agenda(view, query.get("who") != "all", today, month, *ranges[view])


@get("/w/{slug:str}/tasks")
async def tasks_page(request: Request, page: NamedDependency[WorkspacePage]) -> Template:
    return await _tasks_page(page, request.query_params)


async def _tasks_page(
    page: WorkspacePage, query, status_code: int = 200, *, errors=None, values=None
) -> Template:
    """The tasks page for ``query`` (view, whose, month); after a refused quick form, its
    messages beside the fields and the text as typed."""
    agenda = agenda_of(query, page.timezone)
    view, mine, today, month = agenda.view, agenda.mine, agenda.today, agenda.month
    zone = ZoneInfo(page.timezone)
    async with transaction(page) as s:
        items = await service.agenda(
            s,
            page.principal,
            due_from=agenda.due_from,
            due_to=agenda.due_to,
            open_only=agenda.open_only,
            mine=mine,
        )
    members = await workspace_members(page)
    weeks = []
    if view == "calendar":
        located = [(a, name, a.due_at.astimezone(zone).date()) for a, name in items]
        weeks = _weeks(month, page.locale, located)
    locale = Locale.parse(page.locale)
    first_day = locale.first_week_day
    weekday_names = [locale.days["format"]["abbreviated"][(first_day + i) % 7] for i in range(7)]
    return page.render(
        "tasks/list.html",
        status_code,
        section="tasks",
        form_fields=TASK_FORM,
        view=view,
        who="me" if mine else "all",
        items=items,
        weeks=weeks,
        month=month,
        month_name=locale.months["stand-alone"]["wide"][month.month],
        previous_month=(month - timedelta(days=1)).strftime("%Y-%m"),
        next_month=(month + timedelta(days=32)).replace(day=1).strftime("%Y-%m"),
        weekday_names=weekday_names,
        today=today,
        members=members,
        members_by_id={member.user_id: member for member in members},
        errors=errors or {},
        values=values or {},
    )


def _due(raw: str, zone: str) -> datetime | None:
    """A datetime-local value ("2026-11-25T15:00") read in the workspace's zone."""
    if not raw.strip():
        return None
    try:
        typed = datetime.fromisoformat(raw.strip()).replace(tzinfo=ZoneInfo(zone))
    except ValueError:
        raise Invalid("Enter a date and time.", field="due_at") from None
    return check(typed, "due_at")


def _back(page: WorkspacePage, raw: str | None) -> str:
    return raw if raw and raw.startswith(f"{page.base}/") else f"{page.base}/tasks"


@post("/w/{slug:str}/tasks")
async def task_create(
    request: Request, page: NamedDependency[WorkspacePage]
) -> Redirect | Template:
    form = await request.form()
    back = _back(page, form.get("back"))
    problems = TASK_FORM.problems(form)
    try:
        due_at = _due(form.get("due_at", ""), page.timezone)
    except Invalid as error:
        problems.append(error)
    if problems:
        return await _refused(page, back, form, page.form_errors(TASK_FORM, *problems))
    members = await workspace_members(page)
    try:
        async with transaction(page) as s:
            assignee = form.get("assignee_id") or str(page.principal.user_id)
            data = {
                "kind": "task",
                "title": form.get("title", ""),
                "due_at": due_at,
                "remind_at": due_at - timedelta(minutes=15) if due_at else None,
                "assignee_id": record_id(assignee),
            }
            if form.get("contact_id"):
                data["contact_id"] = record_id(form["contact_id"])
            await service.create_activity(s, page.principal, data, {m.user_id for m in members})
    except DomainError as error:
        return await _refused(page, back, form, page.form_errors(TASK_FORM, error), error.status)
    return page.redirect(back, notice=page._("The task is added."))


async def _refused(page: WorkspacePage, back: str, form, errors: dict, status: int = 422):
    """The page the form was on, again, with its messages and the values as typed."""
    values = {name: form.get(name, "") for name in ("title", "due_at", "assignee_id")}
    query = dict(parse_qsl(urlsplit(back).query))
    return await _tasks_page(page, query, status, errors=errors, values=values)


@post("/w/{slug:str}/tasks/{task_id:str}/done")
async def task_done(
    request: Request, page: NamedDependency[WorkspacePage], task_id: FromPath[str]
) -> Redirect:
    form = await request.form()
    members = await workspace_members(page)
    async with transaction(page) as s:
        try:
            await service.update_activity(
                s,
                page.principal,
                record_id(task_id),
                {"done": form.get("done", "1") == "1"},
                {m.user_id for m in members},
            )
        except DomainError as error:
            if error.status == 404:
                raise NotFoundException() from None
            raise
    return page.redirect(_back(page, form.get("back")))


routes = [tasks_page, task_create, task_done]
