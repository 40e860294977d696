"""The dashboard for each role: owners and admins see revenue, the funnel, sources and ABC;
managers their team's KPIs; everyone else their own. Each chart carries its data as JSON for
static/reports.js (Chart.js), and the same figures as a table for those who cannot see it."""

import asyncio
from dataclasses import dataclass, field

from babel.dates import format_date

from atrium.platform.crm.reports import customers
from atrium.platform.crm.reports import sales as sales_reports
from atrium.platform.crm.reports.period import Period
from atrium.platform.crm.reports.views import (
    Column,
    Table,
    hours_text,
    lead_source_labels,
    member_names,
    percent_text,
)
from atrium.platform.pages.formats import money, number
from atrium.platform.pages.kit import WorkspacePage


@dataclass
class Chart:
    key: str
    title: str
    spec: dict  # read by static/reports.js
    table: Table


@dataclass
class Dashboard:
    scope: str  # all, team or own
    figures: list[tuple[str, str]] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)


def _chart(key, title, kind, labels, series, table, *, money=False, horizontal=False) -> Chart:
    spec = {
        "type": kind,
        "labels": labels,
        "series": [
            {"label": label, "data": [float(v or 0) for v in data]} for label, data in series
        ],
        "money": money,
        "horizontal": horizontal,
    }
    return Chart(key, title, spec, table)


async def _revenue_chart(page: WorkspacePage, session, period: Period) -> Chart:
    _ = page._
    unit, points = await sales_reports.revenue_trend(session, page.principal, *period)
    pattern = "d MMM" if unit == "day" else "LLL y"
    labels = [format_date(point.starts, pattern, locale=page.locale) for point in points]
    table = Table(
        [Column(_("Day") if unit == "day" else _("Month")), Column(_("Deals won"), "int"),
         Column(_("Revenue"), "money")],
        # The days (months) with sales: the chart shows the empty ones.
        [[label, p.deals, p.revenue] for label, p in zip(labels, points, strict=True) if p.deals],
    )  # fmt: skip
    series = [(_("Revenue"), [p.revenue for p in points])]
    return _chart("revenue", _("Revenue"), "bar", labels, series, table, money=True)


async def _funnel_chart(page: WorkspacePage, session, period: Period) -> Chart | None:
    _ = page._
    funnels = await sales_reports.sales_funnel(session, page.principal, *period)
    busy = [f for f in funnels if f.steps and f.steps[0].deals] or funnels[:1]
    if not busy or not busy[0].steps:
        return None
    funnel = busy[0]
    table = Table(
        [Column(_("Stage")), Column(_("Deals"), "int"),
         Column(_("Conversion from the previous stage"), "percent")],
        [[s.stage, s.deals, s.conversion] for s in funnel.steps],
    )  # fmt: skip
    labels = [s.stage for s in funnel.steps]
    series = [(_("Deals"), [s.deals for s in funnel.steps])]
    title = _("Sales funnel: %(pipeline)s", pipeline=funnel.pipeline)
    return _chart("funnel", title, "bar", labels, series, table, horizontal=True)


async def _sources_chart(page: WorkspacePage, session, period: Period) -> Chart:
    _ = page._
    sources = await customers.customer_sources(session, page.principal, *period)
    labels_of = lead_source_labels(page)
    labels = [labels_of.get(s.source, s.source) for s in sources]
    table = Table(
        [Column(_("Source")), Column(_("New contacts"), "int"), Column(_("Revenue"), "money")],
        [[label, s.new_contacts, s.revenue] for label, s in zip(labels, sources, strict=True)],
    )
    if any(s.revenue for s in sources):
        series = [(_("Revenue"), [s.revenue for s in sources])]
        return _chart("sources", _("Revenue by source"), "doughnut", labels, series, table,
                      money=True)  # fmt: skip
    series = [(_("New contacts"), [s.new_contacts for s in sources])]
    return _chart("sources", _("New contacts by source"), "doughnut", labels, series, table)


async def _abc_chart(page: WorkspacePage, session, period: Period) -> Chart:
    _ = page._
    abc = await customers.abc_customers(session, page.principal, *period, limit=0)
    table = Table(
        [Column(_("Class")), Column(_("Customers"), "int"), Column(_("Revenue"), "money"),
         Column(_("Share of revenue"), "percent")],
        [[g.name, g.items, g.revenue, g.share] for g in abc.classes],
    )  # fmt: skip
    labels = [_("Class %(name)s: %(num)d", name=g.name, num=g.items) for g in abc.classes]
    series = [(_("Revenue"), [g.revenue for g in abc.classes])]
    return _chart("abc", _("ABC analysis of customers"), "doughnut", labels, series, table,
                  money=True)  # fmt: skip


async def _team_chart(page: WorkspacePage, session, period: Period, kpis) -> Chart:
    _ = page._
    names = await member_names(page)
    labels = [names.get(k.user_id) or _("Former member") for k in kpis]
    table = Table(
        [Column(_("Member")), Column(_("Calls"), "int"), Column(_("Meetings"), "int"),
         Column(_("Deals won"), "int"), Column(_("Revenue"), "money"),
         Column(_("Average response, hours"), "hours")],
        [[label, k.calls, k.meetings, k.deals_won, k.revenue, k.average_response]
         for label, k in zip(labels, kpis, strict=True)],
    )  # fmt: skip
    series = [
        (_("Calls"), [k.calls for k in kpis]),
        (_("Meetings"), [k.meetings for k in kpis]),
        (_("Deals won"), [k.deals_won for k in kpis]),
    ]
    return _chart("team", _("Team KPIs"), "bar", labels, series, table)


def _figures(page: WorkspacePage, scope: str, outcomes, kpis) -> list[tuple[str, str]]:
    _ = page._
    cash = lambda amount: money(amount, page.currency, page.locale)  # noqa: E731
    count = lambda value: number(value, page.locale)  # noqa: E731
    if scope == "all":
        return [
            (_("Revenue"), cash(outcomes.won_amount)),
            (_("Deals won"), count(outcomes.won)),
            (_("Deals lost"), count(outcomes.lost)),
            (_("Win rate"), percent_text(outcomes.win_rate, page.locale)),
        ]
    if scope == "team":
        return [
            (_("Team revenue"), cash(sum((k.revenue for k in kpis), 0))),
            (_("Deals won"), count(sum(k.deals_won for k in kpis))),
            (_("Calls"), count(sum(k.calls for k in kpis))),
            (_("Meetings"), count(sum(k.meetings for k in kpis))),
        ]
    mine = next((k for k in kpis if k.user_id == page.principal.user_id), None)
    return [
        (_("My revenue"), cash(mine.revenue if mine else 0)),
        (_("Deals won"), count(mine.deals_won if mine else 0)),
        (_("Calls"), count(mine.calls if mine else 0)),
        (_("Meetings"), count(mine.meetings if mine else 0)),
        (_("Average response"), hours_text(mine.average_response if mine else None, page)),
    ]


async def build_dashboard(page: WorkspacePage, transaction, period: Period) -> Dashboard:
    """The role's figures and charts. The funnel (the longest query) runs in a transaction of
    its own beside the rest, so the page takes about as long as its slowest half."""
    scope = "all" if page.principal.can("crm.all_records") else (
        "team" if page.principal.can("crm.team_records") else "own"
    )  # fmt: skip

    async def funnel() -> Chart | None:
        async with transaction() as session:
            return await _funnel_chart(page, session, period)

    async def the_rest() -> tuple[list[tuple[str, str]], list[Chart]]:
        async with transaction() as session:
            revenue = await _revenue_chart(page, session, period)
            if scope == "all":
                outcomes = await sales_reports.deal_outcomes(session, page.principal, *period)
                charts = [
                    await _sources_chart(page, session, period),
                    await _abc_chart(page, session, period),
                ]
                return _figures(page, scope, outcomes, []), [revenue, *charts]
            kpis = await sales_reports.member_kpis(session, page.principal, *period)
            team = [await _team_chart(page, session, period, kpis)] if scope == "team" else []
            return _figures(page, scope, None, kpis), [*team, revenue]

    funnel_chart, (figures, charts) = await asyncio.gather(funnel(), the_rest())
    # The funnel second on every board: after revenue for owners, after the team for managers.
    charts.insert(1, funnel_chart)
    return Dashboard(scope, figures, [chart for chart in charts if chart is not None])
