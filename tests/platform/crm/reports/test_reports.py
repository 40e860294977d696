"""The report services on a window company's March 2025 (tests/platform/crm/reports/data.py): every
figure equals the sum worked out by hand from that month's deals, lines, activities, appeals,
contacts and leads; the period's edges are Moscow midnights; an employee and a manager see only
their share; another workspace's records never count."""

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from atrium.platform.auth.models import Role
from atrium.platform.auth.service import workspace_of
from atrium.platform.crm.reports import appeals as appeal_reports
from atrium.platform.crm.reports import sales as sales_reports
from atrium.platform.crm.reports.customers import (
    abc_customers,
    abc_products,
    customer_sources,
    customer_values,
)
from atrium.platform.crm.reports.period import period_from_query, preset_period
from atrium.platform.errors import Invalid
from atrium.platform.tenancy.models import Tenant
from tests.platform.crm.reports.data import add_purchases_around_march, build_march

MARCH = (date(2025, 3, 1), date(2025, 3, 31))
FEBRUARY = (date(2025, 2, 1), date(2025, 2, 28))
D = Decimal


async def workspace_for(db, answer: dict):
    async with db.shared_transaction() as session:
        tenant = await session.scalar(select(Tenant).where(Tenant.slug == answer["tenant"]["slug"]))
        return workspace_of(tenant)


@pytest.fixture(scope="module")
async def march(db, make_workspace):
    answer = await make_workspace(company="Окна Март", vertical="fieldservice", locale="ru")
    workspace = await workspace_for(db, answer)
    return await build_march(db, workspace, uuid.UUID(answer["user"]["id"]))


@pytest.fixture(scope="module")
async def neighbour(db, make_workspace, march):
    """Another window company with the same March: none of it may show in the first one's."""
    answer = await make_workspace(company="Окна Сосед", vertical="fieldservice", locale="ru")
    workspace = await workspace_for(db, answer)
    return await build_march(db, workspace, uuid.UUID(answer["user"]["id"]))


async def run(db, data, report, principal=None, period=MARCH, **options):
    async with db.tenant_transaction(data.workspace.schema) as session:
        return await report(session, principal or data.as_owner(), *period, **options)


def funnel_of(funnels, name="Окна и монтаж"):
    return next(funnel for funnel in funnels if funnel.pipeline == name)


async def test_the_funnel_counts_each_deal_up_to_the_furthest_stage_it_reached(db, march):
    funnel = funnel_of(await run(db, march, sales_reports.sales_funnel))
    # Furthest step in March: D1 D2 D3 D4 D10 won (4), D8 Договор (3), D6 D9 Расчёт (2),
    # D7 D11 Замер (1); D5 moved only in February. Lost stages are no step.
    steps = [(s.stage, s.kind, s.deals, s.amount, s.conversion) for s in funnel.steps]
    everything = 50000 + 30000 + 15000 + 4000 + 20000 + 8000 + 12000 + 6000 + 2500 + 1000
    assert steps == [
        ("Замер", "open", 10, D(everything), None),
        ("Расчёт", "open", 8, D(everything - 8000 - 1000), D("80.0")),  # 8 of 10
        ("Договор", "open", 6, D(50000 + 30000 + 15000 + 4000 + 12000 + 2500), D("75.0")),
        ("Успешно", "won", 5, D(50000 + 30000 + 15000 + 4000 + 2500), D("83.3")),  # 5 of 6
    ]
    assert funnel.lost == 3  # D6, D7, D8
    assert funnel.won_conversion == D("50.0")
    others = [
        f for f in await run(db, march, sales_reports.sales_funnel) if f.pipeline != funnel.pipeline
    ]
    assert all(step.deals == 0 for f in others for step in f.steps)  # the trade's own pipeline


async def test_won_and_lost_deals_by_reason(db, march):
    outcomes = await run(db, march, sales_reports.deal_outcomes)
    rows = [(r.outcome, r.reason, r.deals, r.amount, r.share) for r in outcomes.rows]
    assert rows == [
        ("won", "", 5, D(50000 + 30000 + 15000 + 4000 + 2500), D("100.0")),
        ("lost", "Дорого", 2, D(20000 + 8000), D("66.7")),  # "Дорого" and " дорого " are one
        ("lost", "Выбрали конкурента", 1, D(12000), D("33.3")),
    ]
    assert (outcomes.won, outcomes.lost, outcomes.win_rate) == (5, 3, D("62.5"))
    assert outcomes.won_amount == D(101500) and outcomes.lost_amount == D(40000)


async def test_the_period_ends_at_moscow_midnight(db, march):
    february = await run(db, march, sales_reports.deal_outcomes, period=FEBRUARY)
    # D5 was won at 23:30 on 28 February in Moscow; D4 at 00:30 on 1 March (still February
    # in UTC) belongs to March.
    assert [(r.outcome, r.deals, r.amount) for r in february.rows] == [("won", 1, D(1000))]
    first_of_march = await run(
        db, march, sales_reports.deal_outcomes, period=(date(2025, 3, 1), date(2025, 3, 1))
    )
    assert [(r.outcome, r.amount) for r in first_of_march.rows] == [("won", D(4000))]
    april = await run(
        db, march, sales_reports.deal_outcomes, period=(date(2025, 4, 1), date(2025, 4, 30))
    )
    assert [(r.outcome, r.amount) for r in april.rows] == [("won", D(1000))]  # D11


async def test_revenue_per_day_and_per_month(db, march):
    unit, days = await run(db, march, sales_reports.revenue_trend)
    assert unit == "day" and len(days) == 31
    by_day = {point.starts.day: (point.deals, point.revenue) for point in days if point.deals}
    assert by_day == {
        1: (1, D(4000)), 10: (1, D(50000)), 16: (1, D(2500)), 20: (1, D(30000)),
        31: (1, D(15000)),
    }  # fmt: skip
    unit, months = await run(
        db, march, sales_reports.revenue_trend, period=(date(2025, 1, 15), date(2025, 4, 30))
    )
    assert unit == "month"
    assert [(p.starts, p.deals, p.revenue) for p in months] == [
        (date(2025, 1, 1), 0, D(0)),
        (date(2025, 2, 1), 1, D(1000)),
        (date(2025, 3, 1), 5, D(101500)),
        (date(2025, 4, 1), 1, D(1000)),
    ]


async def test_each_members_kpis(db, march):
    kpis = await run(db, march, sales_reports.member_kpis)
    rows = [
        (k.user_id, k.calls, k.meetings, k.deals_won, k.revenue, k.appeals_answered,
         k.average_response)
        for k in kpis
    ]  # fmt: skip
    assert rows == [
        # Calls 3.03, 12.03, 31.03 22:30 (not 27.02, not the one undone); D1 + D2; appeals
        # answered in 2 h, 4 h and 30 h.
        (march.anna, 3, 1, 2, D(80000), 3, timedelta(hours=(2 + 4 + 30) / 3)),
        (march.owner, 1, 0, 2, D(15000 + 2500), 0, None),  # D3, D10; the appeal was February's
        (march.boris, 1, 2, 1, D(4000), 1, timedelta(hours=73)),  # the open appeal has no time
    ]


async def test_an_employee_sees_only_their_own_figures_and_records(db, march):
    anna = march.principal(march.anna, Role.EMPLOYEE)
    kpis = await run(db, march, sales_reports.member_kpis, anna)
    assert [(k.user_id, k.calls, k.revenue) for k in kpis] == [(march.anna, 3, D(80000))]

    funnel = funnel_of(await run(db, march, sales_reports.sales_funnel, anna))
    # Anna's deals that moved in March: D1 and D2 won, D8 lost from Договор.
    assert [(s.deals, s.conversion) for s in funnel.steps] == [
        (3, None), (3, D("100.0")), (3, D("100.0")), (2, D("66.7")),
    ]  # fmt: skip
    assert funnel.lost == 1

    outcomes = await run(db, march, sales_reports.deal_outcomes, anna)
    assert [(r.outcome, r.reason, r.deals) for r in outcomes.rows] == [
        ("won", "", 2), ("lost", "Выбрали конкурента", 1),
    ]  # fmt: skip
    customers = await run(db, march, abc_customers, anna)
    assert [(r.name, r.revenue, r.abc_class) for r in customers.rows] == [("Алла", D(80000), "A")]
    sources = await run(db, march, customer_sources, anna)
    assert [(s.source, s.new_contacts, s.leads, s.leads_converted, s.customers, s.revenue)
            for s in sources] == [
        ("instagram", 1, 0, 0, 1, D(80000)),
        ("", 1, 0, 0, 0, D(0)),  # Галина
        ("form", 0, 1, 1, 0, D(0)),  # only the lead assigned to her
    ]  # fmt: skip
    appeals = await run(db, march, appeal_reports.appeals_by_channel, anna)
    assert appeals[-1].appeals == 3  # her own three


async def test_a_manager_sees_their_teams_figures(db, march):
    manager = march.principal(march.max, Role.MANAGER)
    kpis = await run(db, march, sales_reports.member_kpis, manager)
    assert [k.user_id for k in kpis] == [march.anna]  # North is Max and Anna; Max did nothing


async def test_abc_of_customers(db, march):
    abc = await run(db, march, abc_customers)
    # Won in March with a customer: Алла 80 000 (D1 + D2), Борис 15 000, Вера 4 000; 99 000.
    # Алла crosses 80% (80.8%): A. Борис starts at 80.8% and crosses 95%: B. Вера: C.
    assert [(r.name, r.deals, r.revenue, r.share, r.cumulative, r.abc_class) for r in abc.rows] == [
        ("Алла", 2, D(80000), D("80.8"), D("80.8"), "A"),
        ("Борис", 1, D(15000), D("15.2"), D("96.0"), "B"),
        ("Вера", 1, D(4000), D("4.0"), D("100.0"), "C"),
    ]
    assert [(c.name, c.items, c.revenue, c.share) for c in abc.classes] == [
        ("A", 1, D(80000), D("80.8")), ("B", 1, D(15000), D("15.2")), ("C", 1, D(4000), D("4.0")),
    ]  # fmt: skip
    assert abc.items == 3 and abc.revenue == D(99000)
    top = await run(db, march, abc_customers, limit=1)
    assert [r.name for r in top.rows] == ["Алла"] and top.items == 3


async def test_abc_of_products_from_the_lines_of_won_deals(db, march):
    abc = await run(db, march, abc_products)
    # Окно ПВХ 2x20 000 + 20 000; Монтаж 10 000 + (10 000 - 1 000); Подоконник 4x2 500 + 1 000;
    # "Доставка" and "доставка " (free lines, one name) 6 000 + 2x1 500. D5's line is February's.
    assert [(r.name, r.deals, r.quantity, r.revenue, r.share, r.cumulative, r.abc_class)
            for r in abc.rows] == [
        ("Окно ПВХ", 2, D(3), D(60000), D("60.6"), D("60.6"), "A"),
        ("Монтаж", 2, D(2), D(19000), D("19.2"), D("79.8"), "A"),
        ("Подоконник", 2, D(5), D(11000), D("11.1"), D("90.9"), "A"),  # crosses 80%: still A
        ("Доставка", 2, D(3), D(9000), D("9.1"), D("100.0"), "B"),
    ]  # fmt: skip
    assert [(c.name, c.items, c.revenue) for c in abc.classes] == [
        ("A", 3, D(90000)), ("B", 1, D(9000)), ("C", 0, D(0)),
    ]  # fmt: skip
    assert abc.rows[0].key == str(march.products["Окно ПВХ"])


async def test_customer_value_check_frequency_and_lifetime(db, march):
    values = await run(db, march, customer_values)
    rows = [
        (v.name, v.purchases, v.revenue, v.average_check, v.first_purchase, v.last_purchase,
         v.lifetime_days, v.days_between_purchases)
        for v in values.rows
    ]  # fmt: skip
    assert rows == [
        ("Алла", 2, D(80000), D("40000.00"), date(2025, 3, 10), date(2025, 3, 20), 10, D("10.0")),
        ("Борис", 1, D(15000), D("15000.00"), date(2025, 3, 31), date(2025, 3, 31), 0, None),
        # Bought at 00:30 on 1 March in Moscow, which is 28 February in UTC.
        ("Вера", 1, D(4000), D("4000.00"), date(2025, 3, 1), date(2025, 3, 1), 0, None),
    ]
    assert (values.customers, values.purchases, values.revenue) == (3, 4, D(99000))
    assert values.average_check == D("24750.00")  # 99 000 / 4
    assert values.purchases_per_customer == D("1.33")  # 4 / 3
    assert values.average_lifetime_days == D("3.3")  # (10 + 0 + 0) / 3
    assert values.value_per_customer == D("33000.00")  # 99 000 / 3


@pytest.fixture(scope="module")
async def march_and_around(db, make_workspace):
    """The same March, with Алла buying in January too and Вера in April."""
    answer = await make_workspace(company="Окна Весь год", vertical="fieldservice", locale="ru")
    workspace = await workspace_for(db, answer)
    data = await build_march(db, workspace, uuid.UUID(answer["user"]["id"]))
    await add_purchases_around_march(db, data)
    return data


async def test_lifetime_value_and_lifetime_span_the_customers_whole_history(db, march_and_around):
    values = await run(db, march_and_around, customer_values)
    rows = [
        (v.name, v.purchases, v.revenue, v.lifetime_value, v.lifetime_purchases, v.first_purchase,
         v.last_purchase, v.lifetime_days, v.days_between_purchases)
        for v in values.rows
    ]  # fmt: skip
    assert rows == [
        # March's two purchases; over her history also 20 January's 5 000: 20.01 to 20.03.
        ("Алла", 2, D(80000), D(85000), 3, date(2025, 1, 20), date(2025, 3, 20), 59, D("29.5")),
        ("Борис", 1, D(15000), D(15000), 1, date(2025, 3, 31), date(2025, 3, 31), 0, None),
        # 1 March, and 10 April's 3 000 after the period.
        ("Вера", 1, D(4000), D(7000), 2, date(2025, 3, 1), date(2025, 4, 10), 40, D("40.0")),
    ]
    # The period's own figures do not move.
    assert (values.customers, values.purchases, values.revenue) == (3, 4, D(99000))
    assert values.average_check == D("24750.00")
    assert values.average_lifetime_days == D("33.0")  # (59 + 0 + 40) / 3
    assert values.value_per_customer == D("35666.67")  # (85 000 + 15 000 + 7 000) / 3


async def test_where_customers_come_from_and_what_each_source_earns(db, march):
    sources = await run(db, march, customer_sources)
    rows = [
        (s.source, s.new_contacts, s.leads, s.leads_converted, s.customers, s.deals_won, s.revenue)
        for s in sources
    ]
    assert rows == [
        # Алла (new in March) and Вера (February) bought: D1, D2, D4.
        ("instagram", 1, 0, 0, 2, 3, D(84000)),
        ("website", 1, 0, 0, 1, 1, D(15000)),  # Борис: D3; Елена was added in February
        ("", 1, 0, 0, 0, 0, D(0)),  # Галина; her D5 was February's
        ("friends", 1, 0, 0, 0, 0, D(0)),  # Дмитрий, added at 22:30 on 31 March
        ("call", 0, 1, 1, 0, 0, D(0)),
        ("form", 0, 2, 1, 0, 0, D(0)),  # the chat lead came in February
    ]
    assert sources[-1].lead_conversion == D("50.0")


async def test_appeals_by_channel_and_kind(db, march):
    rows = await run(db, march, appeal_reports.appeals_by_channel)
    table = [
        (r.channel, r.appeals, r.by_kind, r.complaints, r.answered, r.overdue, r.answered_late,
         r.average_response)
        for r in rows
    ]  # fmt: skip
    none = dict.fromkeys(("inquiry", "complaint", "proposal", "order", "other"), 0)
    assert table == [
        # 2 h and 30 h (late: its limit was 24 h); the complaint of 7 March is still unanswered.
        ("phone", 3, none | {"inquiry": 1, "complaint": 2}, 2, 2, 1, 1, timedelta(hours=16)),
        ("email", 1, none | {"complaint": 1}, 1, 1, 0, 0, timedelta(hours=4)),
        ("messenger", 1, none | {"proposal": 1}, 0, 1, 0, 1, timedelta(hours=73)),
        (None, 5, none | {"inquiry": 1, "complaint": 3, "proposal": 1}, 3, 4, 1, 2,
         timedelta(hours=(2 + 30 + 4 + 73) / 4)),
    ]  # fmt: skip


async def test_appeals_by_subject_whatever_the_case_typed(db, march):
    rows = await run(db, march, appeal_reports.appeals_by_subject)
    table = [
        (r.subject, r.appeals, r.complaints, r.answered, r.overdue, r.average_response)
        for r in rows
    ]
    assert table == [
        # "доставка" and " ДОСТАВКА " are the list's "Доставка"; one of them is still open.
        ("Доставка", 2, 2, 1, 1, timedelta(hours=4)),
        # Not in the list: named as last typed; February's "Замер" is outside the period.
        ("замер", 2, 1, 2, 0, timedelta(hours=(2 + 30) / 2)),
        ("", 1, 0, 1, 0, timedelta(hours=73)),
    ]
    anna = march.principal(march.anna, Role.EMPLOYEE)
    mine = await run(db, march, appeal_reports.appeals_by_subject, anna)
    assert sum(r.appeals for r in mine) == 3  # her own three


async def test_an_empty_period_gives_zeros_not_errors(db, march):
    period = (date(2024, 1, 1), date(2024, 1, 31))
    assert (await run(db, march, sales_reports.deal_outcomes, period=period)).rows == []
    assert await run(db, march, sales_reports.member_kpis, period=period) == []
    abc = await run(db, march, abc_customers, period=period)
    assert abc.rows == [] and [c.items for c in abc.classes] == [0, 0, 0]
    values = await run(db, march, customer_values, period=period)
    assert (values.customers, values.revenue, values.average_check) == (0, 0, None)
    [total] = await run(db, march, appeal_reports.appeals_by_channel, period=period)
    assert (total.channel, total.appeals, total.average_response) == (None, 0, None)


async def test_another_workspaces_records_never_count(db, march, neighbour):
    # The neighbour has the very same March; each workspace still counts only its own.
    for data in (march, neighbour):
        outcomes = await run(db, data, sales_reports.deal_outcomes)
        assert (outcomes.won, outcomes.won_amount) == (5, D(101500))
        kpis = await run(db, data, sales_reports.member_kpis)
        assert {k.user_id for k in kpis} == {data.owner, data.anna, data.boris}
        assert (await run(db, data, abc_customers)).revenue == D(99000)


async def test_a_bad_period_is_refused_with_a_reason():
    today = date(2025, 3, 18)
    with pytest.raises(Invalid, match="starts after it ends"):
        period_from_query("2025-03-10", "2025-03-01", None, today)
    with pytest.raises(Invalid, match="is not a date") as error:
        period_from_query("10.03.2025", "2025-03-01", None, today)
    assert error.value.field == "from"
    with pytest.raises(Invalid, match="last day"):
        period_from_query("2025-03-01", "", None, today)
    with pytest.raises(Invalid, match="Choose days from"):
        period_from_query("0001-01-01", "9999-12-31", None, today)
    with pytest.raises(Invalid, match="at most"):
        period_from_query("1990-01-01", "2199-12-31", None, today)


def test_the_presets():
    today = date(2025, 3, 18)
    assert preset_period("this_month", today) == (date(2025, 3, 1), date(2025, 3, 18))
    assert preset_period("last_month", today) == (date(2025, 2, 1), date(2025, 2, 28))
    assert preset_period("this_quarter", date(2025, 5, 7)) == (date(2025, 4, 1), date(2025, 5, 7))
    assert preset_period("this_year", today) == (date(2025, 1, 1), today)
    assert preset_period("last_30_days", today) == (date(2025, 2, 17), today)
    assert preset_period("last_month", date(2025, 1, 5)) == (date(2024, 12, 1), date(2024, 12, 31))
    assert period_from_query(None, None, "nonsense", today) == (
        preset_period("this_month", today),
        "this_month",
    )
    assert period_from_query(" 2025-03-01 ", "2025-03-02", "this_year", today)[1] == "custom"
