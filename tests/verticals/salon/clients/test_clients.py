"""Salon client cards: spend, favourites and regularity; VIP status as the issue tells it (a
one-off big spender is not a VIP, a regular who comes every quarter is); the client list's VIP
filter; pages for the staff; another workspace's clients out of reach."""

import html
import re
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import update

from atrium.platform.crm.contacts.models import Contact, ContactPhone
from atrium.verticals.salon.clients import service as clients
from atrium.verticals.salon.models import LoyaltyCard, LoyaltyEntry, Service, Visit, VisitService
from tests.platform.conftest import join, mails_to, new_browser, sign_in  # noqa: F401
from tests.verticals.salon.conftest import MOSCOW, build_salon

# The issue's example is told on a fixed day: 15 May 2025, so the last eight quarters are
# 2023 Q3 to 2025 Q2.
NOW = datetime(2025, 5, 15, 12, tzinfo=MOSCOW)


def visit(salon, contact_id, start, *, master=None, status="done", paid=0, points=0, services=()):
    """A visit made directly (past visits cannot be booked): an hour, its services, its takings."""
    visit_id = uuid.uuid4()
    lines = services or [("Haircut", Decimal(paid) + Decimal(points))]
    return [
        Visit(
            id=visit_id,
            location_id=salon.location_id,
            master_id=master or salon.anna,
            contact_id=contact_id,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            status=status,
            done_at=start + timedelta(hours=1) if status == "done" else None,
            paid=Decimal(paid),
            points_used=Decimal(points),
            subtotal=sum((Decimal(price) for _, price in lines), Decimal(0)),
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
            for position, (name, price) in enumerate(lines)
        ),
    ]


async def add(db, salon, *rows_of_visits) -> None:
    async with db.tenant_transaction(salon.schema) as session:
        for rows in rows_of_visits:
            session.add(rows[0])
            await session.flush()
            session.add_all(rows[1:])


async def new_client(db, salon, name: str, phone: str | None = None) -> uuid.UUID:
    contact_id = uuid.uuid4()
    async with db.tenant_transaction(salon.schema) as session:
        session.add(Contact(id=contact_id, display_name=name, first_name=name.split()[0]))
        await session.flush()
        if phone:
            session.add(ContactPhone(contact_id=contact_id, number=phone, position=0))
    return contact_id


def quarter_day(now: datetime, back: int, hour: int = 12) -> datetime:
    """The 11th day of the quarter ``back`` quarters before ``now``'s, at ``hour`` Moscow time."""
    index = now.year * 4 + (now.month - 1) // 3 - back
    return datetime(index // 4, index % 4 * 3 + 1, 11, hour, tzinfo=MOSCOW)


async def test_the_issue_example_a_one_off_big_spender_is_not_vip_a_regular_is(db, salon):
    a = await new_client(db, salon, "Client A")
    b = await new_client(db, salon, "Client B")
    # A came once and spent 10,500.
    await add(db, salon, visit(salon, a, datetime(2025, 3, 3, 11, tzinfo=MOSCOW), paid=10500))
    # B spent 3,000 every quarter for two years: 24,000 over 8 quarters.
    await add(
        db,
        salon,
        *(visit(salon, b, quarter_day(NOW, back, 15), paid=3000) for back in range(8)),
    )
    async with db.tenant_transaction(salon.schema) as session:
        standing_a = await clients.vip_standing(session, a, now=NOW)
        standing_b = await clients.vip_standing(session, b, now=NOW)
        assert await clients.vip_clients(session, now=NOW) == [b]
    assert not standing_a.vip and standing_a.quarters == 1 and standing_a.spend == 10500
    assert standing_b.vip and standing_b.quarters == 8 and standing_b.spend == 24000
    assert standing_b.need_quarters == 6 and standing_b.need_spend == 15000


async def test_one_quarter_short_of_the_rule_is_not_vip_and_the_rule_is_inclusive(db, salon):
    short = await new_client(db, salon, "Five Quarters")
    exact = await new_client(db, salon, "Six Quarters")
    cheap = await new_client(db, salon, "Six Cheap Quarters")
    old = await new_client(db, salon, "Long Ago")
    # vip_quarters - 1 = 5 quarters, however much spent: not VIP.
    await add(
        db, salon, *(visit(salon, short, quarter_day(NOW, back), paid=9000) for back in range(5))
    )
    # Exactly 6 quarters and exactly 15,000 (points count as spend): VIP.
    await add(
        db,
        salon,
        *(
            visit(salon, exact, quarter_day(NOW, back, 14), paid=2000, points=500)
            for back in range(6)
        ),
    )
    # 6 quarters but 14,999: not VIP.
    await add(
        db,
        salon,
        *(visit(salon, cheap, quarter_day(NOW, back, 16), paid=2500) for back in range(5)),
        visit(salon, cheap, quarter_day(NOW, 5, 17), paid=2499),
    )
    # Visits before the window, or cancelled and no-show ones, do not count.
    await add(
        db,
        salon,
        *(visit(salon, old, quarter_day(NOW, back, 18), paid=5000) for back in range(8, 12)),
        *(
            visit(salon, old, quarter_day(NOW, back, 19), paid=5000, status="no_show")
            for back in range(0, 4)
        ),
    )
    async with db.tenant_transaction(salon.schema) as session:
        assert await clients.vip_clients(session, now=NOW) == [exact]
        assert (await clients.vip_standing(session, short, now=NOW)).quarters == 5
        assert (await clients.vip_standing(session, cheap, now=NOW)).spend == 14999
        assert (await clients.vip_standing(session, old, now=NOW)).quarters == 0


async def test_the_card_counts_spend_average_no_shows_and_favourites(client, db, salon):
    now = datetime.now(UTC)
    maria = salon.client_id
    await add(
        db,
        salon,
        # Anna twice, long ago; Boris twice, the last one most recent: a tie goes to Boris.
        visit(salon, maria, now - timedelta(days=120), paid=2000, points=500),
        visit(salon, maria, now - timedelta(days=90), paid=3000, services=[("Colouring", 3000)]),
        visit(
            salon,
            maria,
            now - timedelta(days=60),
            master=salon.boris,
            paid=2000,
            services=[("Manicure", 2000)],
        ),  # fmt: skip
        visit(salon, maria, now - timedelta(days=30), master=salon.boris, paid=1500),
        visit(salon, maria, now - timedelta(days=20), status="no_show"),
        visit(salon, maria, now - timedelta(days=10), status="cancelled"),
        visit(salon, maria, now + timedelta(days=5), status="booked"),
    )
    response = await client.get(f"/api/v1/salon/clients/{maria}", headers=salon.headers)
    assert response.status_code == 200, response.text
    card = response.json()
    assert card["name"] == "Maria Ivanova" and card["phones"] == ["+79161234567"]
    assert card["visits_done"] == 4
    assert Decimal(card["total_spend"]) == 9000  # paid + points used, done visits only
    assert Decimal(card["average_ticket"]) == 2250
    assert card["no_shows"] == 1
    assert card["favourite_master"]["name"] == "Boris" and card["favourite_master"]["visits"] == 2
    assert card["favourite_services"][0] == {"name": "Haircut", "times": 2}
    assert card["days_since_last_visit"] in (29, 30, 31)
    assert card["usual_interval_days"] == 30
    assert card["next_visit"]["status"] == "booked"
    assert len(card["visits"]) == 7 and card["visits"][0]["status"] == "booked"
    assert card["vip"]["vip"] is False
    # One more done visit with Anna: now she leads.
    await add(db, salon, visit(salon, maria, now - timedelta(days=5), paid=1000))
    card = (await client.get(f"/api/v1/salon/clients/{maria}", headers=salon.headers)).json()
    assert card["favourite_master"]["name"] == "Anna"


async def test_age_and_birthday_on_the_card(client, db, salon):
    async with db.tenant_transaction(salon.schema) as session:
        contact = await session.get(Contact, salon.client_id)
        today = date.today()
        contact.birthday = date(today.year - 30, today.month, today.day)
    card = await client.get(f"/api/v1/salon/clients/{salon.client_id}", headers=salon.headers)
    assert card.json()["age"] == 30


async def _regular(db, salon, name, phone, quarters=7, paid=3000, hour=12, skip=1):
    """A client with a visit in each of ``quarters`` whole quarters, from ``skip`` back."""
    contact_id = await new_client(db, salon, name, phone)
    now = datetime.now(MOSCOW)
    await add(
        db,
        salon,
        *(
            visit(salon, contact_id, quarter_day(now, back, hour), paid=paid)
            for back in range(skip, skip + quarters)
        ),
    )
    return contact_id


async def test_the_list_filters_vips_searches_and_sorts(client, db, salon):
    vera = await _regular(db, salon, "Vera Regular", "+79160000001", quarters=7, hour=10)
    olga = await _regular(
        db, salon, "Olga Rare", "+79160000002", quarters=2, paid=9000, hour=11, skip=2
    )
    await new_client(db, salon, "Never Came")
    url = "/api/v1/salon/clients"
    everyone = (await client.get(url, headers=salon.headers)).json()
    # Contacts with visits only (Maria from the fixture has none yet), most spend first.
    assert [row["name"] for row in everyone["items"]] == ["Vera Regular", "Olga Rare"]
    assert everyone["items"][0]["vip"] is True and everyone["items"][1]["vip"] is False
    assert Decimal(everyone["items"][0]["spend"]) == 21000
    vips = (await client.get(url, params={"vip": "true"}, headers=salon.headers)).json()
    assert [row["id"] for row in vips["items"]] == [str(vera)]
    found = (await client.get(url, params={"q": "Olga"}, headers=salon.headers)).json()
    assert [row["id"] for row in found["items"]] == [str(olga)]
    by_phone = (await client.get(url, params={"q": "0000001"}, headers=salon.headers)).json()
    assert [row["id"] for row in by_phone["items"]] == [str(vera)]
    # Pages of one, by name.
    first = (
        await client.get(url, params={"sort": "name", "limit": 1}, headers=salon.headers)
    ).json()
    assert [row["name"] for row in first["items"]] == ["Olga Rare"]
    second = (
        await client.get(
            url,
            params={"sort": "name", "limit": 1, "cursor": first["next_cursor"]},
            headers=salon.headers,
        )
    ).json()
    assert [row["name"] for row in second["items"]] == ["Vera Regular"]
    assert second["next_cursor"] is None
    by_last = (await client.get(url, params={"sort": "last_visit"}, headers=salon.headers)).json()
    assert [row["name"] for row in by_last["items"]] == ["Vera Regular", "Olga Rare"]
    bad = await client.get(url, params={"sort": "height"}, headers=salon.headers)
    assert bad.status_code == 422
    assert (
        await client.get(url, params={"cursor": "junk"}, headers=salon.headers)
    ).status_code == 422


async def test_another_workspace_client_is_404_on_the_card_and_api(
    client,
    db,
    salon,
    make_workspace,
    sign_in,  # noqa: F811
):
    other = await make_workspace("Other Salon", "salon")
    answer = await client.get(f"/api/v1/salon/clients/{salon.client_id}", headers=other["headers"])
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("application/problem+json")
    browser = await sign_in(other["user"]["email"])
    page = await browser.get(f"/w/{other['tenant']['slug']}/salon/clients/{salon.client_id}")
    assert page.status_code == 404
    assert "Maria" not in page.text
    listed = (await client.get("/api/v1/salon/clients", headers=other["headers"])).json()
    assert listed["items"] == []


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


async def test_the_client_pages_show_the_card_and_vip_reason(client, db, salon, sign_in):  # noqa: F811
    vera = await _regular(db, salon, "Vera Regular", "+79160000001", quarters=7, hour=10)
    browser = await sign_in(salon.workspace["user"]["email"])
    base = f"/w/{salon.slug}/salon/clients"
    listing = await browser.get(base)
    assert listing.status_code == 200, listing.text
    assert "Vera Regular" in listing.text and "VIP" in text_of(listing.text)
    only_vips = await browser.get(base, params={"vip": "1", "sort": "last_visit"})
    assert only_vips.status_code == 200 and "Vera Regular" in only_vips.text
    card = await browser.get(f"{base}/{vera}")
    assert card.status_code == 200, card.text
    text = text_of(card.text)
    assert "Vera Regular" in text and "VIP" in text
    assert "visits in 7 of the last 8 quarters" in text
    assert 'href="tel:+79160000001"' in card.text
    assert f"/w/{salon.slug}/contacts/{vera}" in card.text
    assert f"/w/{salon.slug}/salon/journal" in card.text
    assert "7 visits" in text
    # Someone unknown, or not an id at all: 404.
    assert (await browser.get(f"{base}/{uuid.uuid4()}")).status_code == 404
    assert (await browser.get(f"{base}/not-an-id")).status_code == 404


async def test_the_loyalty_card_shows_on_the_card(client, db, salon, sign_in):  # noqa: F811
    async with db.tenant_transaction(salon.schema) as session:
        card = LoyaltyCard(contact_id=salon.client_id, number="2000000000015", points=Decimal(120))
        card.discount_percent = Decimal(5)
        session.add(card)
        await session.flush()
        session.add(LoyaltyEntry(card_id=card.id, kind="adjusted", points=120, note="Welcome"))
    answer = await client.get(f"/api/v1/salon/clients/{salon.client_id}", headers=salon.headers)
    loyalty = answer.json()["loyalty_card"]
    assert loyalty["number"] == "2000000000015" and Decimal(loyalty["points"]) == 120
    assert [entry["note"] for entry in loyalty["history"]] == ["Welcome"]
    browser = await sign_in(salon.workspace["user"]["email"])
    page = await browser.get(f"/w/{salon.slug}/salon/clients/{salon.client_id}")
    assert "2000000000015" in page.text and "Welcome" in page.text


async def test_the_card_says_which_service_is_due_again_and_books_it(db, salon, sign_in):  # noqa: F811
    vera = await new_client(db, salon, "Vera Due", "+79160000077")
    done = datetime.now(MOSCOW).replace(hour=12, minute=0, second=0, microsecond=0)
    rows = visit(salon, vera, done - timedelta(days=50), paid=2500)
    rows[1].service_id = salon.cut
    await add(db, salon, rows)
    async with db.tenant_transaction(salon.schema) as session:
        await session.execute(
            update(Service).where(Service.id == salon.cut).values(repeat_after_days=42)
        )
    browser = await sign_in(salon.workspace["user"]["email"])
    card = await browser.get(f"/w/{salon.slug}/salon/clients/{vera}")
    text = text_of(card.text)
    assert "Due again" in text and "Haircut: due 8 days ago" in text
    [link] = re.findall(r'href="([^"]*journal/new[^"]*service_id[^"]*)"', card.text)
    link = html.unescape(link)
    assert f"client_id={vera}" in link and f"service_id={salon.cut}" in link
    assert f"master_id={salon.anna}" in link  # her favourite master
    form = await browser.get(link)
    assert form.status_code == 200
    assert re.search(rf'value="{vera}" checked', form.text)
    assert re.search(rf'value="{salon.cut}" selected', form.text)


async def test_russian_pages_say_visits_in_the_right_plural(db, make_workspace, sign_in):  # noqa: F811
    salon = await build_salon(db, await make_workspace("Салон Лиза", "salon", locale="ru"))
    vera = await _regular(db, salon, "Вера Постоянная", "+79160000001", quarters=7)
    one = await _regular(db, salon, "Ольга Разовая", "+79160000002", quarters=1, hour=13)
    browser = await sign_in(salon.workspace["user"]["email"])
    listing = text_of((await browser.get(f"/w/{salon.slug}/salon/clients")).text)
    assert "7 визитов" in listing and "1 визит " in listing and "Клиенты салона" in listing
    card = text_of((await browser.get(f"/w/{salon.slug}/salon/clients/{vera}")).text)
    assert "VIP-клиент" in card and "визиты в 7 из последних 8 кварталов" in card
    assert "₽" in card
    other = text_of((await browser.get(f"/w/{salon.slug}/salon/clients/{one}")).text)
    assert "Пока не VIP" in other and "1 визит" in other


async def test_an_employee_sees_salon_clients_but_not_other_contacts(
    client,
    db,
    salon,
    sign_in,  # noqa: F811
    join,  # noqa: F811
):
    await add(db, salon, visit(salon, salon.client_id, datetime.now(UTC) - timedelta(days=3)))
    stranger = await new_client(db, salon, "Not A Client")  # someone else's contact, no visits
    employee = await join(salon.workspace, "employee")
    browser = await sign_in(employee["email"])
    base = f"/w/{salon.slug}/salon/clients"
    assert "Maria Ivanova" in (await browser.get(base)).text
    assert (await browser.get(f"{base}/{salon.client_id}")).status_code == 200
    assert (await browser.get(f"{base}/{stranger}")).status_code == 404
    api = await browser.get(
        f"/api/v1/salon/clients/{stranger}", headers={"X-Workspace": salon.slug}
    )
    assert api.status_code == 404
    # The owner sees every contact of the workspace.
    answer = await client.get(f"/api/v1/salon/clients/{stranger}", headers=salon.headers)
    assert answer.status_code == 200 and answer.json()["visits_done"] == 0
