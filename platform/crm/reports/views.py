"""What each report page shows: figures and tables built from the report services, the same
tables as CSV (UTF-8 with BOM, laid out the way a spreadsheet in the page's language opens it)."""

import csv
import io
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from babel.numbers import format_decimal, format_percent

from atrium.platform.auth.members import list_members
from atrium.platform.crm.reports import appeals as appeal_reports
from atrium.platform.crm.reports import customers
from atrium.platform.crm.reports import sales as sales_reports
from atrium.platform.crm.reports.period import Period
from atrium.platform.http.auth import database
from atrium.platform.pages.formats import money, number, short_date
from atrium.platform.pages.kit import WorkspacePage

SHOWN_ROWS = 100  # rows of a long report on its page; the CSV file has them all


@dataclass
class Column:
    label: str
    kind: str = "text"  # text, link (text, href), int, number, money, percent, hours, date


@dataclass
class Table:
    columns: list[Column]
    rows: list[list[Any]]
    caption: str = ""
    note: str = ""


@dataclass
class ReportView:
    figures: list[tuple[str, str]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    export: Table | None = None  # the CSV's table: the last one on the page unless set


def percent_text(value: Decimal | None, locale: str) -> str:
    """80.8 -> "80.8%" / "80,8 %"; no figure -> a dash."""
    if value is None:
        return "—"
    return format_percent(Decimal(value) / 100, locale=locale, decimal_quantization=False)


def hours_text(value: timedelta | None, page: WorkspacePage) -> str:
    if value is None:
        return "—"
    hours = format_decimal(_hours(value), format="#,##0.0", locale=page.locale)
    return page._("%(hours)s h", hours=hours)


def _hours(value: timedelta) -> Decimal:
    return (Decimal(value.total_seconds()) / 3600).quantize(Decimal("0.01"))


def cell_text(value: Any, kind: str, page: WorkspacePage) -> str:
    """A value as the page shows it."""
    if value is None:
        return "—"
    if kind == "link":
        return value[0]
    if kind == "int":
        return number(value, page.locale)
    if kind == "number":
        return format_decimal(value, locale=page.locale)
    if kind == "money":
        return money(value, page.currency, page.locale)
    if kind == "percent":
        return percent_text(value, page.locale)
    if kind == "hours":
        return hours_text(value, page)
    if kind == "date":
        return short_date(value, page.locale)
    return str(value)


def _csv_value(value: Any, kind: str, locale: str) -> str:
    if value is None:
        return ""
    if kind == "link":
        value = value[0]
    if kind == "hours":
        value = _hours(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | Decimal):
        text = str(value)
        return text.replace(".", ",") if locale == "ru" else text
    text = str(value)
    # A name typed as "=1+2" must stay text in a spreadsheet, never a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_file(table: Table, locale: str) -> bytes:
    """A Russian spreadsheet reads ";" between fields and a decimal comma; an English one ","."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if locale == "ru" else ",", lineterminator="\r\n")
    writer.writerow([column.label for column in table.columns])
    for row in table.rows:
        writer.writerow(
            [_csv_value(v, c.kind, locale) for v, c in zip(row, table.columns, strict=True)]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


async def member_names(page: WorkspacePage) -> dict:
    async with database(page.request).shared_reads() as shared:
        members = (await list_members(shared, page.principal, limit=200)).items
    return {member.user_id: member.name or member.email for member in members}


def _showing(page: WorkspacePage, shown: int, total: int) -> str:
    if shown >= total:
        return ""
    return page._(
        "The first %(shown)d of %(all)d are shown; the CSV file has them all.",
        shown=shown,
        all=total,
    )


Build = Callable[[WorkspacePage, Any, Period, bool], Awaitable[ReportView]]


async def funnel_view(page: WorkspacePage, session, period: Period, full: bool) -> ReportView:
    _ = page._
    funnels = await sales_reports.sales_funnel(session, page.principal, *period)
    columns = [
        Column(_("Stage")),
        Column(_("Deals"), "int"),
        Column(_("Amount"), "money"),
        Column(_("Conversion from the previous stage"), "percent"),
    ]
    view = ReportView()
    export = Table([Column(_("Pipeline")), *columns], [])
    for funnel in funnels:
        rows = [[s.stage, s.deals, s.amount, s.conversion] for s in funnel.steps]
        note = _(
            "Won: %(share)s of the deals on the first stage. Lost in the period: %(lost)d.",
            share=percent_text(funnel.won_conversion, page.locale),
            lost=funnel.lost,
        )
        view.tables.append(Table(columns, rows, caption=funnel.pipeline, note=note))
        export.rows += [[funnel.pipeline, *row] for row in rows]
    view.export = export
    return view


async def outcomes_view(page: WorkspacePage, session, period: Period, full: bool) -> ReportView:
    _ = page._
    outcomes = await sales_reports.deal_outcomes(session, page.principal, *period)
    names = {"won": _("Won"), "lost": _("Lost")}
    rows = [
        [names[row.outcome], row.reason or ("" if row.outcome == "won" else _("no reason given")),
         row.deals, row.amount, row.share]
        for row in outcomes.rows
    ]  # fmt: skip
    columns = [
        Column(_("Outcome")),
        Column(_("Reason")),
        Column(_("Deals"), "int"),
        Column(_("Amount"), "money"),
        Column(_("Share of the outcome"), "percent"),
    ]
    return ReportView(
        figures=[
            (_("Deals won"), number(outcomes.won, page.locale)),
            (_("Revenue"), money(outcomes.won_amount, page.currency, page.locale)),
            (_("Deals lost"), number(outcomes.lost, page.locale)),
            (_("Lost amount"), money(outcomes.lost_amount, page.currency, page.locale)),
            (_("Win rate"), percent_text(outcomes.win_rate, page.locale)),
        ],
        tables=[Table(columns, rows)],
    )


async def managers_view(page: WorkspacePage, session, period: Period, full: bool) -> ReportView:
    _ = page._
    kpis = await sales_reports.member_kpis(session, page.principal, *period)
    names = await member_names(page)
    columns = [
        Column(_("Member")),
        Column(_("Calls"), "int"),
        Column(_("Meetings"), "int"),
        Column(_("Deals won"), "int"),
        Column(_("Revenue"), "money"),
        Column(_("Appeals answered"), "int"),
        Column(_("Average response, hours"), "hours"),
    ]
    rows = [
        [names.get(k.user_id) or _("Former member"), k.calls, k.meetings, k.deals_won,
         k.revenue, k.appeals_answered, k.average_response]
        for k in kpis
    ]  # fmt: skip
    return ReportView(tables=[Table(columns, rows)])


def _abc_classes(page: WorkspacePage, abc, items_label: str) -> Table:
    _ = page._
    columns = [
        Column(_("Class")),
        Column(items_label, "int"),
        Column(_("Revenue"), "money"),
        Column(_("Share of revenue"), "percent"),
    ]
    rows = [[group.name, group.items, group.revenue, group.share] for group in abc.classes]
    return Table(
        columns, rows, caption=_("A: the first 80% of revenue, B: the next 15%, C: the rest")
    )


async def abc_customers_view(page: WorkspacePage, session, period, full: bool) -> ReportView:
    _ = page._
    abc = await customers.abc_customers(
        session, page.principal, *period, limit=None if full else SHOWN_ROWS
    )
    columns = [
        Column(_("Customer"), "link"),
        Column(_("Class")),
        Column(_("Deals"), "int"),
        Column(_("Revenue"), "money"),
        Column(_("Share of revenue"), "percent"),
        Column(_("Cumulative share"), "percent"),
    ]
    rows = [
        [(row.name, f"{page.base}/contacts/{row.key}"), row.abc_class, row.deals, row.revenue,
         row.share, row.cumulative]
        for row in abc.rows
    ]  # fmt: skip
    note = _showing(page, len(rows), abc.items)
    return ReportView(
        tables=[_abc_classes(page, abc, _("Customers")), Table(columns, rows, note=note)]
    )


async def abc_products_view(page: WorkspacePage, session, period, full: bool) -> ReportView:
    _ = page._
    abc = await customers.abc_products(
        session, page.principal, *period, limit=None if full else SHOWN_ROWS
    )
    columns = [
        Column(_("Product or service")),
        Column(_("Class")),
        Column(_("Deals"), "int"),
        Column(_("Quantity"), "number"),
        Column(_("Revenue"), "money"),
        Column(_("Share of revenue"), "percent"),
        Column(_("Cumulative share"), "percent"),
    ]
    rows = [
        [row.name, row.abc_class, row.deals, row.quantity, row.revenue, row.share,
         row.cumulative]
        for row in abc.rows
    ]  # fmt: skip
    note = _showing(page, len(rows), abc.items)
    return ReportView(
        tables=[_abc_classes(page, abc, _("Products")), Table(columns, rows, note=note)]
    )


async def value_view(page: WorkspacePage, session, period: Period, full: bool) -> ReportView:
    _ = page._
    values = await customers.customer_values(
        session, page.principal, *period, limit=None if full else SHOWN_ROWS
    )
    columns = [
        Column(_("Customer"), "link"),
        Column(_("Purchases"), "int"),
        Column(_("Revenue"), "money"),
        Column(_("Average check"), "money"),
        Column(_("Lifetime value"), "money"),
        Column(_("First purchase"), "date"),
        Column(_("Last purchase"), "date"),
        Column(_("Lifetime, days"), "int"),
        Column(_("Days between purchases"), "number"),
    ]
    rows = [
        [(v.name, f"{page.base}/contacts/{v.contact_id}"), v.purchases, v.revenue,
         v.average_check, v.lifetime_value, v.first_purchase, v.last_purchase, v.lifetime_days,
         v.days_between_purchases]
        for v in values.rows
    ]  # fmt: skip
    return ReportView(
        figures=[
            (_("Customers who bought"), number(values.customers, page.locale)),
            (_("Average check"), cell_text(values.average_check, "money", page)),
            (_("Purchases per customer"), cell_text(values.purchases_per_customer, "number", page)),
            (_("Average lifetime, days"), cell_text(values.average_lifetime_days, "number", page)),
            (_("Value per customer"), cell_text(values.value_per_customer, "money", page)),
        ],
        tables=[Table(columns, rows, note=_showing(page, len(rows), values.customers))],
    )


def lead_source_labels(page: WorkspacePage) -> dict[str, str]:
    _ = page._
    return {
        "form": _("Website form"),
        "call": _("Call"),
        "chat": _("Chat"),
        "email": _("E-mail"),
        "manual": _("Added by hand"),
        "other": _("Other source"),
        "": _("Not stated"),
    }


async def sources_view(page: WorkspacePage, session, period: Period, full: bool) -> ReportView:
    _ = page._
    sources = await customers.customer_sources(session, page.principal, *period)
    labels = lead_source_labels(page)
    columns = [
        Column(_("Source")),
        Column(_("New contacts"), "int"),
        Column(_("Leads"), "int"),
        Column(_("Leads converted"), "int"),
        Column(_("Lead conversion"), "percent"),
        Column(_("Customers who bought"), "int"),
        Column(_("Deals won"), "int"),
        Column(_("Revenue"), "money"),
    ]
    rows = [
        [labels.get(s.source, s.source), s.new_contacts, s.leads, s.leads_converted,
         s.lead_conversion, s.customers, s.deals_won, s.revenue]
        for s in sources
    ]  # fmt: skip
    return ReportView(tables=[Table(columns, rows)])


def channel_labels(page: WorkspacePage) -> dict:
    _ = page._
    return {
        "phone": _("Phone call"),
        "email": _("E-mail"),
        "social": _("Social network"),
        "messenger": _("Messenger"),
        "website": _("Website"),
        "visit": _("Visit"),
        None: _("All channels"),
    }


async def appeals_view(page: WorkspacePage, session, period: Period, full: bool) -> ReportView:
    _ = page._
    found = await appeal_reports.appeals_by_channel(session, page.principal, *period)
    labels = channel_labels(page)
    columns = [
        Column(_("Channel")),
        Column(_("Appeals"), "int"),
        Column(_("Questions"), "int"),
        Column(_("Complaints"), "int"),
        Column(_("Suggestions"), "int"),
        Column(_("Orders"), "int"),
        Column(_("Other kinds"), "int"),
        Column(_("Answered"), "int"),
        Column(_("Overdue now"), "int"),
        Column(_("Answered late"), "int"),
        Column(_("Average response, hours"), "hours"),
    ]
    rows = [
        [labels.get(r.channel, r.channel), r.appeals, *r.by_kind.values(), r.answered,
         r.overdue, r.answered_late, r.average_response]
        for r in found
    ]  # fmt: skip
    by_channel = Table(columns, rows, caption=_("By channel"))
    subjects = await appeal_reports.appeals_by_subject(session, page.principal, *period)
    by_subject = Table(
        [
            Column(_("Subject")),
            Column(_("Appeals"), "int"),
            Column(_("Complaints"), "int"),
            Column(_("Answered"), "int"),
            Column(_("Overdue now"), "int"),
            Column(_("Average response, hours"), "hours"),
        ],
        [
            [
                r.subject or _("No subject"),
                r.appeals,
                r.complaints,
                r.answered,
                r.overdue,
                r.average_response,
            ]
            for r in subjects
        ],  # fmt: skip
        caption=_("By subject"),
        note=_("The most frequent subjects, up to 20."),
    )
    return ReportView(tables=[by_channel, by_subject], export=by_channel)


@dataclass(frozen=True)
class Report:
    name: str
    title: str
    about: str
    build: Build


def report_list(page: WorkspacePage) -> list[Report]:
    """The reports in the order the index lists them, titled in the page's language."""
    _ = page._
    return [
        Report("funnel", _("Sales funnel"),
               _("How many deals reached each stage, and how many went on to the next."),
               funnel_view),
        Report("outcomes", _("Won and lost deals"),
               _("Deals closed in the period: the revenue won, and why deals were lost."),
               outcomes_view),
        Report("managers", _("Team KPIs"),
               _("Calls, meetings, deals won, revenue and response time per member."),
               managers_view),
        Report("abc-customers", _("ABC analysis of customers"),
               _("Which customers bring 80% of revenue, which the next 15%, which the rest."),
               abc_customers_view),
        Report("abc-products", _("ABC analysis of products"),
               _("The same for products and services, from the lines of won deals."),
               abc_products_view),
        Report("customer-value", _("Customer lifetime value"),
               _("Each customer's purchases, average check, frequency and lifetime."),
               value_view),
        Report("sources", _("Sources of customers"),
               _("Where contacts and leads come from, and what each source earns."),
               sources_view),
        Report("appeals", _("Appeals by channel"),
               _("Questions, complaints and suggestions per channel; answered in time or not."),
               appeals_view),
    ]  # fmt: skip
