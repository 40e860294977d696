"""Report pages: the list of reports, each report for a period (presets or typed days, in the
workspace's zone) with its CSV file, and the dashboard of charts for the member's role."""

from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Template

from atrium.platform.crm.reports.charts import build_dashboard
from atrium.platform.crm.reports.period import PRESETS, Period, period_from_query
from atrium.platform.crm.reports.views import Report, cell_text, csv_file, report_list
from atrium.platform.errors import DomainError
from atrium.platform.pages.kit import WorkspacePage, transaction


@dataclass
class PeriodChoice:
    """The period a page shows, or why the one asked for cannot be shown."""

    period: Period | None
    preset: str
    query: str  # what links to other reports carry to keep the period
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def preset_labels(page: WorkspacePage) -> dict[str, str]:
    _ = page._
    return {
        "this_month": _("This month"),
        "last_month": _("Last month"),
        "this_quarter": _("This quarter"),
        "this_year": _("This year"),
        "last_30_days": _("Last 30 days"),
    }


def _period(page: WorkspacePage) -> PeriodChoice:
    query = page.request.query_params
    values = {"from": query.get("from", ""), "to": query.get("to", "")}
    today = datetime.now(ZoneInfo(page.timezone)).date()
    try:
        period, preset = period_from_query(values["from"], values["to"], query.get("preset"), today)
    except DomainError as error:
        errors = {error.field or "from": page.error_text(error)}
        return PeriodChoice(None, "custom", "", values, errors)
    if preset == "custom":
        link = urlencode({"from": period.first.isoformat(), "to": period.last.isoformat()})
    else:
        link = urlencode({"preset": preset})
    values = {"from": period.first.isoformat(), "to": period.last.isoformat()}
    return PeriodChoice(period, preset, link, values)


def _report(page: WorkspacePage, name: str) -> Report:
    found = next((report for report in report_list(page) if report.name == name), None)
    if found is None:
        raise NotFoundException()
    return found


def _common(page: WorkspacePage, choice: PeriodChoice) -> dict:
    return {
        "section": "reports",
        "choice": choice,
        "presets": [(key, preset_labels(page)[key]) for key in PRESETS],
        "cell": lambda value, kind: cell_text(value, kind, page),
    }


@get("/w/{slug:str}/reports")
async def reports_index(request: Request, page: NamedDependency[WorkspacePage]) -> Template:
    choice = _period(page)
    status = 422 if choice.errors else 200
    return page.render(
        "reports/index.html", status, reports=report_list(page), **_common(page, choice)
    )


@get("/w/{slug:str}/reports/{name:str}")
async def report_page(
    request: Request, page: NamedDependency[WorkspacePage], name: FromPath[str]
) -> Template:
    report = _report(page, name)
    choice = _period(page)
    if choice.period is None:
        return page.render(
            "reports/report.html", 422, report=report, view=None, **_common(page, choice)
        )
    async with transaction(page) as session:
        view = await report.build(page, session, choice.period, False)
    return page.render("reports/report.html", report=report, view=view, **_common(page, choice))


@get("/w/{slug:str}/reports/{name:str}/csv")
async def report_csv(
    request: Request, page: NamedDependency[WorkspacePage], name: FromPath[str]
) -> Response:
    """The report's table, every row of it, as a file to open in a spreadsheet."""
    report = _report(page, name)
    choice = _period(page)
    if choice.period is None:
        return page.render(
            "reports/report.html", 422, report=report, view=None, **_common(page, choice)
        )
    async with transaction(page) as session:
        view = await report.build(page, session, choice.period, True)
    table = view.export or view.tables[-1]
    first, last = choice.period
    filename = f"{report.name}-{first.isoformat()}-{last.isoformat()}.csv"
    return Response(
        csv_file(table, page.locale),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


@get("/w/{slug:str}/dashboard")
async def dashboard(request: Request, page: NamedDependency[WorkspacePage]) -> Template:
    choice = _period(page)
    board = None
    if choice.period is not None:
        board = await build_dashboard(page, lambda: transaction(page), choice.period)
    return page.render(
        "reports/dashboard.html",
        422 if choice.errors else 200,
        board=board,
        **_common(page, choice),
    )


routes = [reports_index, report_page, report_csv, dashboard]
