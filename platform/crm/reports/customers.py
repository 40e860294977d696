"""Customer reports from won deals (a won deal is a purchase): ABC analysis of customers and of
products, each customer's value (average check, frequency, lifetime), and what each source of
customers brings. Same period and visibility rules as reports.py."""

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import (
    Date,
    Numeric,
    String,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.crm.contacts.models import Contact
from atrium.platform.crm.deals.models import Deal, Stage
from atrium.platform.crm.leads.models import Lead
from atrium.platform.crm.products.models import DealLine, Product
from atrium.platform.crm.reports.service import closed_in, percent, report_bounds, visible_to

ABC_CLASSES = ("A", "B", "C")
# A: the best that make up the first 80% of revenue, B: the next 15%, C: the rest. The one that
# crosses a line belongs above it, so the best customer is always an A.
A_SHARE, B_SHARE = Decimal("0.80"), Decimal("0.95")


@dataclass(frozen=True)
class AbcRow:
    key: str  # the contact's or product's id; a free-text line's name
    name: str
    deals: int
    quantity: Decimal | None  # products only
    revenue: Decimal
    share: Decimal | None  # % of all revenue
    cumulative: Decimal | None  # % of revenue of this one and all better ones
    abc_class: str


@dataclass(frozen=True)
class AbcClass:
    name: str
    items: int
    revenue: Decimal
    share: Decimal | None


@dataclass(frozen=True)
class AbcAnalysis:
    classes: list[AbcClass]  # A, B and C, always all three
    rows: list[AbcRow]  # best first; the first ``limit`` of them when limited

    @property
    def items(self) -> int:
        return sum(group.items for group in self.classes)

    @property
    def revenue(self) -> Decimal:
        return sum((group.revenue for group in self.classes), Decimal(0))


async def _abc(session: AsyncSession, revenue, named, limit: int | None) -> AbcAnalysis:
    """Class each row of ``revenue`` (key, deals, quantity, revenue) by its running share, in
    one pass: the best ``limit`` rows (all when None) come back with their names, and each
    class's first row carries the class's count and revenue; ``named(picked)`` gives the
    names and the join that brings them (only for the rows picked)."""
    order = (revenue.c.revenue.desc(), revenue.c.key)
    running = func.sum(revenue.c.revenue).over(order_by=order, rows=(None, 0))
    total = func.sum(revenue.c.revenue).over()
    before = running - revenue.c.revenue
    abc = case((before < A_SHARE * total, "A"), (before < B_SHARE * total, "B"), else_="C")
    ranked = select(
        revenue,
        running.label("running"),
        total.label("total"),
        abc.label("abc"),
        func.row_number().over(order_by=order).label("rank"),
    ).subquery("ranked")
    in_class = {"partition_by": ranked.c.abc}
    classed = select(
        ranked,
        func.count().over(**in_class).label("class_items"),
        func.sum(ranked.c.revenue).over(**in_class).label("class_revenue"),
        func.row_number().over(**in_class, order_by=ranked.c.rank).label("place"),
    ).subquery("classed")
    picked = select(classed)
    if limit is not None:
        picked = picked.where(or_(classed.c.rank <= limit, classed.c.place == 1))
    picked = picked.subquery("picked")
    name, joined = named(picked)
    found = await session.execute(
        select(
            picked,
            name.label("name"),
            percent(picked.c.revenue, picked.c.total).label("share"),
            percent(picked.c.running, picked.c.total).label("cumulative"),
            percent(picked.c.class_revenue, picked.c.total).label("class_share"),
        )
        .select_from(joined)
        .order_by(picked.c.rank)
    )
    rows, groups = [], {}
    for row in found:
        if row.place == 1:
            groups[row.abc] = AbcClass(row.abc, row.class_items, row.class_revenue, row.class_share)
        if limit is None or row.rank <= limit:
            rows.append(
                AbcRow(
                    str(row.key),
                    row.name or "",
                    row.deals,
                    row.quantity,
                    row.revenue,
                    row.share,
                    row.cumulative,
                    row.abc,
                )  # fmt: skip
            )
    classes = [groups.get(name, AbcClass(name, 0, Decimal(0), None)) for name in ABC_CLASSES]
    return AbcAnalysis(classes, rows)


async def abc_customers(
    session: AsyncSession,
    principal: Principal,
    period_from: date,
    period_to: date,
    limit: int | None = None,
) -> AbcAnalysis:
    """Customers by the revenue of their deals won in the period (deals without a contact
    are left out)."""
    start, end, _ = await report_bounds(session, period_from, period_to)
    revenue = (
        select(
            Deal.contact_id.label("key"),
            func.count().label("deals"),
            cast(null(), Numeric).label("quantity"),
            func.sum(Deal.amount).label("revenue"),
        )
        .where(*closed_in(start, end, "won"), Deal.contact_id.is_not(None))
        .where(*visible_to(principal, Deal))
        .group_by(Deal.contact_id)
        .subquery("revenue")
    )
    return await _abc(
        session,
        revenue,
        lambda picked: (
            Contact.display_name,
            picked.outerjoin(Contact, Contact.id == picked.c.key),
        ),
        limit,
    )


async def abc_products(
    session: AsyncSession,
    principal: Principal,
    period_from: date,
    period_to: date,
    limit: int | None = None,
) -> AbcAnalysis:
    """Products and services by the revenue of their lines in deals won in the period
    (quantity x price - discount); lines without a product count under their name."""
    start, end, _ = await report_bounds(session, period_from, period_to)
    free_name = case((DealLine.product_id.is_(None), func.lower(func.btrim(DealLine.name))))
    revenue = (
        select(
            func.coalesce(cast(DealLine.product_id, String), "line:" + free_name).label("key"),
            DealLine.product_id,
            func.min(DealLine.name.collate("C")).label("line_name"),
            func.count(DealLine.deal_id.distinct()).label("deals"),
            func.sum(DealLine.quantity).label("quantity"),
            func.sum(
                func.round(DealLine.quantity * DealLine.unit_price, 2) - DealLine.discount
            ).label("revenue"),
        )  # fmt: skip
        .join(Deal, Deal.id == DealLine.deal_id)
        .where(*closed_in(start, end, "won"), *visible_to(principal, Deal))
        .group_by(DealLine.product_id, free_name)
        .subquery("revenue")
    )
    return await _abc(
        session,
        revenue,
        lambda picked: (
            func.coalesce(Product.name, picked.c.line_name),
            picked.outerjoin(Product, Product.id == picked.c.product_id),
        ),
        limit,
    )


@dataclass(frozen=True)
class CustomerValue:
    contact_id: uuid.UUID
    name: str
    purchases: int  # deals won in the period
    revenue: Decimal  # what the customer brought in the period
    average_check: Decimal  # in the period
    lifetime_value: Decimal  # what the customer brought over their whole history
    lifetime_purchases: int  # deals won ever
    first_purchase: date  # ever, not only in the period
    last_purchase: date
    lifetime_days: int  # from the first purchase to the last
    days_between_purchases: Decimal | None  # how often they buy; None after one purchase


@dataclass(frozen=True)
class CustomerValues:
    customers: int
    purchases: int
    revenue: Decimal
    average_check: Decimal | None
    purchases_per_customer: Decimal | None  # purchase frequency
    average_lifetime_days: Decimal | None  # over the customers' whole history
    value_per_customer: Decimal | None  # average lifetime value (whole history)
    rows: list[CustomerValue]  # most valuable first; the first ``limit`` when limited


async def customer_values(
    session: AsyncSession,
    principal: Principal,
    period_from: date,
    period_to: date,
    limit: int | None = None,
) -> CustomerValues:
    """Per customer with a deal won in the period: purchases, revenue and average check in the
    period; and over their whole history (every deal won, before or after the period): lifetime
    value, first and last purchase (days in the workspace's zone), lifetime and days between
    purchases."""
    start, end, zone = await report_bounds(session, period_from, period_to)
    day = cast(func.timezone(zone, Deal.closed_at), Date)
    per = (
        select(
            Deal.contact_id,
            func.count().label("purchases"),
            func.sum(Deal.amount).label("revenue"),
        )
        .where(*closed_in(start, end, "won"), Deal.contact_id.is_not(None))
        .where(*visible_to(principal, Deal))
        .group_by(Deal.contact_id)
        .subquery("per")
    )
    history = (
        select(
            Deal.contact_id,
            func.count().label("bought"),
            func.sum(Deal.amount).label("value"),
            func.min(day).label("first"),
            func.max(day).label("last"),
        )
        .where(
            Deal.stage_id.in_(select(Stage.id).where(Stage.kind == "won")),
            Deal.closed_at.is_not(None),
            Deal.contact_id.in_(select(per.c.contact_id)),
        )
        .where(*visible_to(principal, Deal))
        .group_by(Deal.contact_id)
        .subquery("history")
    )
    lifetime = history.c["last"] - history.c["first"]
    everyone = {}  # the window of all customers, taken before the limit
    top = (
        select(
            per,
            history.c.bought,
            history.c.value,
            history.c["first"],
            history.c["last"],
            lifetime.label("lifetime"),
            func.count().over(**everyone).label("customers"),
            func.sum(per.c.purchases).over(**everyone).label("all_purchases"),
            func.sum(per.c.revenue).over(**everyone).label("all_revenue"),
            func.avg(lifetime).over(**everyone).label("all_lifetime"),
            func.avg(history.c.value).over(**everyone).label("all_value"),
        )
        .join(history, history.c.contact_id == per.c.contact_id)
        .order_by(per.c.revenue.desc(), per.c.contact_id)
        .limit(None if limit is None else max(limit, 1))  # one row at least, for the totals
        .subquery("top")
    )
    between = case(
        (top.c.bought > 1, func.round(cast(top.c.lifetime, Numeric) / (top.c.bought - 1), 1))
    )
    found = (
        await session.execute(
            select(
                top,
                Contact.display_name,
                func.round(top.c.revenue / top.c.purchases, 2).label("average_check"),
                between.label("between"),
                func.round(top.c.all_revenue / top.c.all_purchases, 2).label("check"),
                func.round(cast(top.c.all_purchases, Numeric) / top.c.customers, 2).label("often"),
                func.round(top.c.all_value, 2).label("lifetime_value"),
            )
            .outerjoin(Contact, Contact.id == top.c.contact_id)
            .order_by(top.c.revenue.desc(), top.c.contact_id)
        )
    ).all()
    rows = [
        CustomerValue(
            row.contact_id,
            row.display_name or "",
            row.purchases,
            row.revenue,
            row.average_check,
            row.value,
            row.bought,
            row.first,
            row.last,
            row.lifetime,
            row.between,
        )  # fmt: skip
        for row in found[:limit]
    ]
    if not found:
        return CustomerValues(0, 0, Decimal(0), None, None, None, None, rows)
    first = found[0]
    return CustomerValues(
        first.customers,
        int(first.all_purchases),
        first.all_revenue,
        first.check,
        first.often,
        round(first.all_lifetime, 1),
        first.lifetime_value,
        rows,
    )


@dataclass(frozen=True)
class SourceRow:
    source: str  # as written on the cards and leads; "" where nobody said
    new_contacts: int  # contacts added in the period
    leads: int  # leads received in the period
    leads_converted: int  # of those, converted to a deal
    customers: int  # contacts from it with a deal won in the period
    deals_won: int
    revenue: Decimal

    @property
    def lead_conversion(self) -> Decimal | None:
        if not self.leads:
            return None
        return (Decimal(100) * self.leads_converted / self.leads).quantize(Decimal("0.1"))


async def customer_sources(
    session: AsyncSession, principal: Principal, period_from: date, period_to: date
) -> list[SourceRow]:
    """Where customers come from (the contact's source, the lead's source) and what each
    source earns (deals won in the period by contacts from it); the best earning first."""
    start, end, _ = await report_bounds(session, period_from, period_to)
    zero, no_money = literal(0), cast(0, Numeric(14, 2))
    source = func.btrim(Contact.source)
    contacts = (
        select(source.label("source"), func.count().label("contacts"), zero.label("leads"))
        .add_columns(zero.label("converted"), zero.label("customers"), zero.label("won"))
        .add_columns(no_money.label("revenue"))
        .where(Contact.created_at >= start, Contact.created_at < end)
        .where(*visible_to(principal, Contact))
        .group_by(source)
    )
    # The same rule as the leads inbox: managers see every lead, others those assigned to them.
    lead_rule = [] if principal.can("leads.assign") else [Lead.assignee_id == principal.user_id]
    leads = (
        select(Lead.source, zero, func.count(), func.count().filter(Lead.status == "converted"))
        .add_columns(zero, zero, no_money)
        .where(Lead.created_at >= start, Lead.created_at < end, *lead_rule)
        .group_by(Lead.source)
    )
    earned = (
        select(source, zero, zero, zero, func.count(Deal.contact_id.distinct()), func.count())
        .add_columns(func.sum(Deal.amount))
        .join(Contact, Contact.id == Deal.contact_id)
        .where(*closed_in(start, end, "won"), *visible_to(principal, Deal))
        .group_by(source)
    )
    figures = union_all(contacts, leads, earned).subquery("figures")
    revenue, added = func.sum(figures.c.revenue), func.sum(figures.c.contacts)
    rows = await session.execute(
        select(
            figures.c.source,
            added,
            func.sum(figures.c.leads),
            func.sum(figures.c.converted),
            func.sum(figures.c.customers),
            func.sum(figures.c.won),
            revenue,
        )
        .group_by(figures.c.source)
        .order_by(revenue.desc(), added.desc(), figures.c.source)
    )
    return [
        SourceRow(name, int(new), int(leads), int(converted), int(buyers), int(won), money)
        for name, new, leads, converted, buyers, won, money in rows
    ]
