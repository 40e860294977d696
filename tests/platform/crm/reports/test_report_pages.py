"""Report pages over real HTTP on the window company's March (reports/data.py): the
list, each report with its figures, the CSV files, a bad period explained next to its field,
an employee's own figures only, the dashboard's chart data, other workspaces unreachable."""

import csv
import html
import io
import json
import re
import uuid

import pytest
from sqlalchemy import select

from atrium.platform.crm.teams.models import Team, TeamMember
from tests.platform.conftest import join, mails_to, new_browser, sign_in  # noqa: F401
from tests.platform.crm.reports.data import build_march
from tests.platform.crm.reports.test_reports import workspace_for

MARCH = "from=2025-03-01&to=2025-03-31"
REPORTS = (
    "funnel", "outcomes", "managers", "abc-customers", "abc-products", "customer-value",
    "sources", "appeals",
)  # fmt: skip


@pytest.fixture(scope="module")
async def shop(db, make_workspace):
    answer = await make_workspace(company="Windows Reports", vertical="fieldservice")
    workspace = await workspace_for(db, answer)
    data = await build_march(db, workspace, uuid.UUID(answer["user"]["id"]))
    return answer, data


@pytest.fixture
async def owner(shop, sign_in):  # noqa: F811
    answer, _ = shop
    browser = await sign_in(answer["user"]["email"])
    return f"/w/{answer['tenant']['slug']}", browser


def text_of(page: str) -> str:
    """The page's words, without tags, as a person reads them."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


async def test_every_report_opens_from_the_list_for_a_period(owner):
    base, browser = owner
    home = await browser.get(f"{base}/")
    assert f'href="{base}/reports"' in home.text  # in the navigation
    index = await browser.get(f"{base}/reports?{MARCH}")
    assert index.status_code == 200
    for name in REPORTS:
        assert f'href="{base}/reports/{name}?{MARCH.replace("&", "&amp;")}"' in index.text
        answer = await browser.get(f"{base}/reports/{name}?{MARCH}")
        assert answer.status_code == 200, (name, answer.text)
        assert "Mar 1, 2025 to Mar 31, 2025" in text_of(answer.text)


async def test_the_won_and_lost_report_shows_the_months_figures(owner):
    base, browser = owner
    page = text_of((await browser.get(f"{base}/reports/outcomes?{MARCH}")).text)
    assert "101,500.00 Revenue" in page  # D1 + D2 + D3 + D4 + D10
    assert "62.5% Win rate" in page  # 5 won of 8 closed
    assert "Lost Дорого 2" in page and "Lost Выбрали конкурента 1" in page


async def test_the_abc_report_classes_customers(owner):
    base, browser = owner
    page = text_of((await browser.get(f"{base}/reports/abc-customers?{MARCH}")).text)
    assert "Алла A 2" in page and "Борис B 1" in page and "Вера C 1" in page


async def test_the_csv_has_every_row_with_a_bom(owner):
    base, browser = owner
    answer = await browser.get(f"{base}/reports/outcomes/csv?{MARCH}")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert 'filename="outcomes-2025-03-01-2025-03-31.csv"' in answer.headers["content-disposition"]
    assert answer.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows == [
        ["Outcome", "Reason", "Deals", "Amount", "Share of the outcome"],
        ["Won", "", "5", "101500.00", "100.0"],
        ["Lost", "Дорого", "2", "28000.00", "66.7"],
        ["Lost", "Выбрали конкурента", "1", "12000.00", "33.3"],
    ]
    funnel = await browser.get(f"{base}/reports/funnel/csv?{MARCH}")
    lines = funnel.content.decode("utf-8-sig").splitlines()
    assert "Окна и монтаж,Расчёт,8,139500.00,80.0" in lines


async def test_a_russian_csv_opens_in_a_russian_spreadsheet(owner):
    base, browser = owner
    answer = await browser.get(f"{base}/reports/customer-value/csv?{MARCH}&lang=ru")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Клиент", "Покупки", "Выручка", "Средний чек"]
    assert rows[1] == [
        "Алла",
        "2",
        "80000,00",
        "40000,00",
        "80000,00",  # lifetime value: March is all of Алла's history here
        "2025-03-10",
        "2025-03-20",
        "10",
        "10,0",
    ]
    assert len(rows) == 4


async def test_a_bad_period_is_explained_next_to_its_field(owner):
    base, browser = owner
    answer = await browser.get(f"{base}/reports/outcomes?from=2025-03-31&to=2025-03-01")
    assert answer.status_code == 422
    assert 'id="from-error">The period starts after it ends.<' in answer.text
    assert 'value="2025-03-31"' in answer.text
    russian = await browser.get(f"{base}/reports/outcomes?from=31.03.2025&to=2025-04-01&lang=ru")
    assert russian.status_code == 422
    assert "«31.03.2025» — не дата" in russian.text
    refused = await browser.get(f"{base}/reports/outcomes/csv?from=2025-03-01&lang=en")
    assert refused.status_code == 422 and "Choose the last day of the period." in refused.text


async def test_an_unknown_report_is_not_found(owner):
    base, browser = owner
    assert (await browser.get(f"{base}/reports/salaries")).status_code == 404
    assert (await browser.get(f"{base}/reports/salaries/csv")).status_code == 404


async def test_the_owners_dashboard_carries_its_charts_data(owner):
    base, browser = owner
    answer = await browser.get(f"{base}/dashboard?{MARCH}")
    assert answer.status_code == 200
    charts = {
        chart["type"] + ":" + str(len(chart["labels"])): chart
        for chart in map(
            json.loads, map(html.unescape, re.findall(r"data-chart='([^']+)'", answer.text))
        )
    }
    assert "The whole business" in answer.text
    revenue = charts["bar:31"]  # a bar per day of March
    assert sum(revenue["series"][0]["data"]) == 101500
    assert "<script>" not in answer.text and "style=" not in answer.text  # the CSP allows none


async def test_an_employee_sees_only_their_own_figures(db, make_workspace, join, sign_in):  # noqa: F811
    answer = await make_workspace(company="Windows Staff", vertical="fieldservice")
    employee = await join(answer, "employee")
    workspace = await workspace_for(db, answer)
    await build_march(
        db, workspace, uuid.UUID(answer["user"]["id"]), anna=uuid.UUID(employee["user_id"])
    )
    base = f"/w/{answer['tenant']['slug']}"
    as_employee = await sign_in(employee["email"])
    kpis = text_of((await as_employee.get(f"{base}/reports/managers?{MARCH}")).text)
    assert "Employee 3 1 2 $80,000.00 3 12.0 h" in kpis  # Anna's March, under her own name
    assert "Former member" not in kpis and "4,000.00" not in kpis  # not Boris's figures
    board = text_of((await as_employee.get(f"{base}/dashboard?{MARCH}")).text)
    assert "Your own figures" in board and "80,000.00 My revenue" in board

    as_owner = await sign_in(answer["user"]["email"])
    everyone = text_of((await as_owner.get(f"{base}/reports/managers?{MARCH}")).text)
    assert "Employee 3 1 2 $80,000.00" in everyone and "Former member" in everyone


async def test_a_manager_sees_their_teams_figures(db, make_workspace, join, sign_in):  # noqa: F811
    answer = await make_workspace(company="Windows Team", vertical="fieldservice")
    employee, manager = await join(answer, "employee"), await join(answer, "manager")
    workspace = await workspace_for(db, answer)
    await build_march(
        db, workspace, uuid.UUID(answer["user"]["id"]), anna=uuid.UUID(employee["user_id"])
    )
    async with db.tenant_transaction(workspace.schema) as session:  # Max joins team North
        north = await session.scalar(select(Team.id).where(Team.name == "North"))
        session.add(TeamMember(team_id=north, user_id=uuid.UUID(manager["user_id"])))
    as_manager = await sign_in(manager["email"])
    base = f"/w/{answer['tenant']['slug']}"
    kpis = text_of((await as_manager.get(f"{base}/reports/managers?{MARCH}&lang=en")).text)
    assert "Employee 3 1 2 $80,000.00" in kpis and "Former member" not in kpis  # not Boris
    board = (await as_manager.get(f"{base}/dashboard?{MARCH}")).text
    assert "You and your teams" in board and "$80,000.00" in text_of(board)
    assert 'id="chart-team"' in board


async def test_another_workspaces_reports_are_not_found(owner, make_workspace):
    base, browser = owner
    other = await make_workspace(company="Other Reports Shop")
    theirs = f"/w/{other['tenant']['slug']}"
    for path in ("/reports", "/reports/outcomes", "/reports/outcomes/csv", "/dashboard"):
        assert (await browser.get(f"{theirs}{path}?{MARCH}")).status_code == 404, path
