"""Staff results on a hand-made March 2025: revenue (the services' share of takings, products
apart), commission, clients, average ticket, no-shows and rebooking rate per master and in total;
visits outside the period (on the salon's calendar) or in another salon are left out; owners see
the page, employees get 403."""

import re
import uuid
from datetime import datetime, timedelta
from decimal import Decimal

from playwright.async_api import expect

from atrium.verticals.salon.models import Location, Master, Visit, VisitProduct, VisitService
from tests.platform.conftest import join, mails_to, new_browser, sign_in  # noqa: F401
from tests.verticals.salon.clients.test_clients import new_client, text_of
from tests.verticals.salon.conftest import MOSCOW, build_salon
from tests.web.conftest import browser, screenshot_path  # noqa: F401
from tests.web.test_browser_daily_work import fits_width


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=MOSCOW)


def made(
    salon,
    master,
    start,
    *,
    contact_id=None,
    status="done",
    paid=0,
    points=0,
    services=(("Haircut", 2500),),
    products=(),
    created_at=None,
    location_id=None,
):
    visit_id = uuid.uuid4()
    return [
        Visit(
            id=visit_id,
            location_id=location_id or salon.location_id,
            master_id=master,
            contact_id=contact_id,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            status=status,
            done_at=start + timedelta(hours=1) if status == "done" else None,
            paid=Decimal(paid),
            points_used=Decimal(points),
            created_at=created_at or start - timedelta(days=14),
        ),
        *(
            VisitService(
                visit_id=visit_id,
                position=position,
                name=name,
                starts_at=start,
                ends_at=start + timedelta(hours=1),
                price=Decimal(price),
            )
            for position, (name, price) in enumerate(services)
        ),
        *(
            VisitProduct(visit_id=visit_id, name=name, quantity=Decimal(qty), unit_price=Decimal(p))
            for name, qty, p in products
        ),
    ]


async def march(db, salon) -> dict:
    """Anna (40%) and Boris (50%) in the fixture's salon, Vera in a second salon."""
    maria, oleg = salon.client_id, await new_client(db, salon, "Oleg Petrov")
    other, vera = uuid.uuid4(), uuid.uuid4()
    async with db.tenant_transaction(salon.schema) as session:
        session.add(Location(id=other, name="Liza on Tverskaya", slug="tverskaya"))
        await session.flush()
        session.add(Master(id=vera, location_id=other, name="Vera"))
        boris = await session.get(Master, salon.boris)
        boris.commission_percent = Decimal(50)
        await session.flush()
        for rows in (
            # Anna: a cut with a 500 product, paid 2,700 + 300 points: 2,500 services, 500 retail.
            made(salon, salon.anna, at(3, 3, 10), contact_id=maria, paid=2700, points=300,
                 products=[("Shampoo", 1, 500)]),
            # Maria booked her next visit two days after it: that visit is rebooked.
            made(salon, salon.anna, at(3, 10, 10), contact_id=maria, paid=6000,
                 services=[("Colouring", 7000)], created_at=at(3, 5, 9)),
            # After 10 March Maria booked only late (15 days) or cancelled: not rebooked.
            made(salon, salon.anna, at(4, 20, 10), contact_id=maria, status="booked",
                 created_at=at(3, 25, 9)),
            made(salon, salon.anna, at(4, 2, 10), contact_id=maria, status="cancelled",
                 created_at=at(3, 11, 9)),
            # A walk-in late on 31 March (Moscow), no client: revenue, not in the rebooking rate.
            made(salon, salon.anna, at(3, 31, 23, 30), paid=1000),
            # Oleg did not come on 12 March (booked on 6 March, after his visit to Boris).
            made(salon, salon.anna, at(3, 12, 10), contact_id=oleg, status="no_show",
                 created_at=at(3, 6, 12)),
            made(salon, salon.boris, at(3, 5, 10), contact_id=oleg, paid=2000,
                 services=[("Manicure", 2000)]),
            # Outside March on the salon's calendar (though 28 Feb / 31 Mar in UTC for one).
            made(salon, salon.anna, at(4, 1, 0, 30), contact_id=maria, paid=9999),
            made(salon, salon.anna, at(2, 28, 20), contact_id=maria, paid=9999),
            # Another salon.
            made(salon, vera, at(3, 7, 12), contact_id=maria, paid=1500, location_id=other),
        ):  # fmt: skip
            session.add(rows[0])
            await session.flush()
            session.add_all(rows[1:])
    return {"other": other, "vera": vera, "maria": maria, "oleg": oleg}


async def _results(client, salon, **params):
    query = {"date_from": "2025-03-01", "date_to": "2025-03-31", **params}
    response = await client.get("/api/v1/salon/results", params=query, headers=salon.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    return body, {item["name"]: item["figures"] for item in body["masters"]}


def money(value) -> Decimal:
    return Decimal(str(value))


async def test_figures_per_master_and_in_total_for_one_salon(client, db, salon):
    await march(db, salon)
    body, masters = await _results(client, salon, location_id=str(salon.location_id))
    assert list(masters) == ["Anna", "Boris"]  # Vera works in the other salon
    anna, boris, total = masters["Anna"], masters["Boris"], body["totals"]
    assert money(anna["revenue"]) == Decimal("9500")  # 2,500 + 6,000 + 1,000
    assert money(anna["retail_revenue"]) == Decimal("500")
    assert anna["visits_done"] == 3 and anna["clients_served"] == 1
    assert money(anna["average_ticket"]) == Decimal("3333.33")
    assert anna["no_shows"] == 1
    assert money(anna["rebooking_rate"]) == Decimal("0.5")  # 1 of 2 visits with a client
    assert money(anna["commission"]) == Decimal("3800")  # 40% of 9,500
    assert money(boris["revenue"]) == Decimal("2000") and money(boris["commission"]) == 1000
    assert money(boris["rebooking_rate"]) == 1  # Oleg's next visit counts, no-show or not
    assert money(total["revenue"]) == Decimal("11500")
    assert money(total["retail_revenue"]) == Decimal("500")
    assert total["visits_done"] == 4 and total["clients_served"] == 2 and total["no_shows"] == 1
    assert money(total["commission"]) == Decimal("4800")
    assert money(total["average_ticket"]) == Decimal("3000")
    assert money(total["rebooking_rate"]) == Decimal("0.6667")


async def test_all_salons_and_other_periods(client, db, salon):
    ids = await march(db, salon)
    body, masters = await _results(client, salon)
    assert set(masters) == {"Anna", "Boris", "Vera"}
    assert money(masters["Vera"]["revenue"]) == 1500
    assert money(body["totals"]["revenue"]) == Decimal("13000")
    # The other salon alone.
    body, masters = await _results(client, salon, location_id=str(ids["other"]))
    assert list(masters) == ["Vera"] and body["totals"]["visits_done"] == 1
    # April 1st holds the 00:30 visit only.
    _, masters = await _results(client, salon, date_from="2025-04-01", date_to="2025-04-01")
    assert masters["Anna"]["visits_done"] == 1 and money(masters["Anna"]["revenue"]) == 9999
    assert masters["Boris"]["visits_done"] == 0 and masters["Boris"]["average_ticket"] is None


async def test_bad_periods_and_salons_are_refused(client, salon, make_workspace):
    url = "/api/v1/salon/results"
    backwards = {"date_from": "2025-03-31", "date_to": "2025-03-01"}
    answer = await client.get(url, params=backwards, headers=salon.headers)
    assert answer.status_code == 422 and "ends before" in answer.json()["detail"]
    too_long = {"date_from": "2024-01-01", "date_to": "2025-03-01"}
    assert (await client.get(url, params=too_long, headers=salon.headers)).status_code == 422
    # A salon of another workspace is no salon here.
    other = await make_workspace("Other Salon", "salon")
    answer = await client.get(url, params={"location_id": str(salon.location_id)},
                              headers=other["headers"])  # fmt: skip
    assert answer.status_code == 422
    assert (await client.get(url, headers=salon.headers)).status_code == 200  # this month
    for edge in ("0001-01-01", "9999-12-31"):  # the calendar's ends: refused, not a 500
        answer = await client.get(url, params={"date_from": edge, "date_to": edge},
                                  headers=salon.headers)  # fmt: skip
        assert answer.status_code == 422 and answer.json()["field"] == "date_from"
    assert (
        await client.get(url, params={"location_id": "nope"}, headers=salon.headers)
    ).status_code == 400


async def test_the_results_page_for_the_owner_and_403_for_an_employee(
    client,
    db,
    salon,
    sign_in,  # noqa: F811
    join,  # noqa: F811
):
    await march(db, salon)
    owner = await sign_in(salon.workspace["user"]["email"])
    base = f"/w/{salon.slug}/salon/results"
    page = await owner.get(base, params={"period": "custom", "date_from": "2025-03-01",
                                         "date_to": "2025-03-31"})  # fmt: skip
    assert page.status_code == 200, page.text
    text = text_of(page.text)
    assert "Anna" in text and "Boris" in text and "Vera" in text
    assert "9,500" in text and "3,800" in text and "50%" in text
    assert (await owner.get(base)).status_code == 200  # this month
    assert (await owner.get(base, params={"period": "last_month"})).status_code == 200
    bad = await owner.get(base, params={"period": "custom", "date_from": "x", "date_to": ""})
    assert bad.status_code == 200 and "Give both dates" in bad.text
    backwards = await owner.get(base, params={"period": "custom", "date_from": "2025-03-31",
                                              "date_to": "2025-03-01"})  # fmt: skip
    assert backwards.status_code == 200 and "ends before" in backwards.text
    employee = await join(salon.workspace, "employee")
    as_employee = await sign_in(employee["email"])
    assert (await as_employee.get(base)).status_code == 403
    api = await as_employee.get("/api/v1/salon/results", headers={"X-Workspace": salon.slug})
    assert api.status_code == 403
    # The client list is open to everyone who books.
    assert (await as_employee.get(f"/w/{salon.slug}/salon/clients")).status_code == 200


async def test_the_pages_fit_a_phone(browser, live_server, db, make_workspace):  # noqa: F811
    salon = await build_salon(db, await make_workspace("Салон Лиза", "salon", locale="ru"))
    await march(db, salon)
    context = await browser.new_context(viewport={"width": 375, "height": 812})
    page = await context.new_page()
    await page.goto(f"{live_server}/login")
    await page.get_by_label(re.compile("E-mail|Эл. почта")).fill(salon.workspace["user"]["email"])
    await page.get_by_label(re.compile("Password|Пароль")).fill(salon.workspace["password"])
    await page.get_by_role("button", name=re.compile("Sign in|Войти")).click()
    await expect(page).to_have_url(re.compile(r"/w/"))
    base = f"{live_server}/w/{salon.slug}/salon"
    for name, path in {
        "clients": "/clients",
        "client": f"/clients/{salon.client_id}",
        "results": "/results?period=custom&date_from=2025-03-01&date_to=2025-03-31",
        "settings": "/catalog/settings",
        "loyalty-cards": "/loyalty-cards",
    }.items():
        answer = await page.goto(base + path)
        assert answer.status == 200, name
        await expect(page.locator("main h1").first).to_be_visible()
        await page.screenshot(path=screenshot_path(f"phone-salon-{name}"), full_page=True)
        await fits_width(page, 375)
    await context.close()
