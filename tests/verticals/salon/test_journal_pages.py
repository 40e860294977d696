"""The booking journal as a receptionist uses it without scripts: the day's masters and visits,
booking from the form (a known client or a new one by phone), moving, statuses, a master's week;
an employee uses it too; a refused booking shows why and books nothing; another workspace's
visit is out of reach."""

import re

import pytest
from sqlalchemy import func, select

from atrium.platform.crm.models import Contact
from atrium.verticals.salon.models import Visit
from tests.platform.conftest import join, mails_to, new_browser, sign_in  # noqa: F401
from tests.verticals.salon.conftest import MOSCOW, build_salon


def _base(salon) -> str:
    return f"/w/{salon.slug}/salon/journal"


@pytest.fixture
async def desk(salon, sign_in):  # noqa: F811
    """The owner's browser on the salon's journal, and the form token."""
    browser = await sign_in(salon.workspace["user"]["email"])
    csrf = browser.headers.pop("X-CSRF-Token")  # forms carry it as a field, as a browser does
    return browser, csrf


async def _book_api(client, salon, master, start, *services):
    answer = await client.post(
        "/api/v1/salon/visits",
        json={
            "client_id": str(salon.client_id),
            "master_id": str(master),
            "start": start.isoformat(),
            "service_ids": [str(s) for s in services or [salon.cut]],
        },
        headers=salon.headers,
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


async def _visits(db, salon) -> list[Visit]:
    async with db.tenant_transaction(salon.schema) as session:
        return list(await session.scalars(select(Visit).order_by(Visit.starts_at)))


def _local(moment) -> str:
    return moment.astimezone(MOSCOW).strftime("%Y-%m-%dT%H:%M")


async def test_the_day_shows_masters_hours_and_a_booked_visit(client, salon, desk):
    browser, _ = desk
    await _book_api(client, salon, salon.anna, salon.at(11), salon.cut, salon.colour)
    page = await browser.get(f"{_base(salon)}?day={salon.day.isoformat()}")
    assert page.status_code == 200, page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "Anna" in page.text and "Boris" in page.text
    # The visit: time, client, services in order and its status in words.
    assert "11:00–14:00" in page.text and "Maria Ivanova" in page.text
    assert "Haircut, Colouring" in page.text and "Booked" in page.text
    # Working time offers a booking link; Anna's lunch and Boris's evening are greyed.
    assert f"master_id={salon.boris}&start={salon.day.isoformat()}T09:00" in page.text
    assert f"master_id={salon.anna}&start={salon.day.isoformat()}T14:00" not in page.text
    assert 'class="slot off"' in page.text
    # The data the calendar script reads, and its files from this site.
    assert "data-calendar='{\"" in page.text and "/vendor/event-calendar.min.js" in page.text
    assert (await browser.get("/vendor/event-calendar.min.js")).status_code == 200
    assert (await browser.get("/static/salon/journal.js")).status_code == 200

    # One master's week: seven days, Boris has his weekend off.
    week = await browser.get(f"{_base(salon)}?day={salon.day.isoformat()}&master={salon.boris}")
    assert week.status_code == 200
    assert week.text.count('<th scope="col"><a href') == 7
    # A day that is not a date falls back to today rather than failing.
    assert (await browser.get(f"{_base(salon)}?day=2026-13-40")).status_code == 200


async def test_a_visit_is_booked_from_the_form_for_a_new_client(db, salon, desk):
    browser, csrf = desk
    form = await browser.get(
        f"{_base(salon)}/new?location={salon.location_id}&master_id={salon.boris}"
        f"&start={salon.day.isoformat()}T10:00"
    )
    assert form.status_code == 200 and "Boris" in form.text and "Manicure" in form.text
    booked = await browser.post(
        f"{_base(salon)}/visits",
        data={
            "csrf_token": csrf,
            "location": str(salon.location_id),
            "master_id": str(salon.boris),
            "start": f"{salon.day.isoformat()}T10:00",
            "service_id": [str(salon.manicure), str(salon.cut), ""],
            "first_name": "Olga",
            "last_name": "Petrova",
            "phone": "+7 916 555-44-33",
        },
    )
    assert booked.status_code == 302, booked.text
    page = await browser.get(booked.headers["location"])
    assert "The visit is booked." in page.text and "Petrova Olga" in page.text
    [visit] = await _visits(db, salon)
    assert visit.master_id == salon.boris and visit.source == "journal"
    assert _local(visit.starts_at) == f"{salon.day.isoformat()}T10:00"
    assert _local(visit.ends_at) == f"{salon.day.isoformat()}T12:00"

    # The same phone again finds Olga instead of adding her twice.
    again = await browser.post(
        f"{_base(salon)}/visits",
        data={
            "csrf_token": csrf,
            "location": str(salon.location_id),
            "master_id": str(salon.boris),
            "start": f"{salon.day.isoformat()}T15:00",
            "service_id": str(salon.cut),
            "phone": "+7 (916) 555 44 33",
        },
    )
    assert again.status_code == 302, again.text
    async with db.tenant_transaction(salon.schema) as session:
        olgas = await session.scalar(
            select(func.count()).select_from(Contact).where(Contact.first_name == "Olga")
        )
    assert olgas == 1


async def test_a_known_client_is_found_and_booked(db, salon, desk):
    browser, csrf = desk
    found = await browser.get(f"{_base(salon)}/new?location={salon.location_id}&q=Ivanova")
    assert found.status_code == 200 and f'value="{salon.client_id}"' in found.text
    booked = await browser.post(
        f"{_base(salon)}/visits",
        data={
            "csrf_token": csrf,
            "location": str(salon.location_id),
            "client_id": str(salon.client_id),
            "master_id": str(salon.anna),
            "start": f"{salon.day.isoformat()}T16:00",
            "service_id": str(salon.cut),
        },
    )
    assert booked.status_code == 302, booked.text
    [visit] = await _visits(db, salon)
    assert visit.contact_id == salon.client_id


async def test_a_booking_outside_hours_shows_why_and_books_nothing(db, salon, desk):
    browser, csrf = desk
    values = {
        "csrf_token": csrf,
        "location": str(salon.location_id),
        "master_id": str(salon.anna),
        "start": f"{salon.day.isoformat()}T14:15",  # Anna's lunch
        "service_id": str(salon.cut),
        "first_name": "Nina",
        "phone": "+7 916 777-00-11",
    }
    refused = await browser.post(f"{_base(salon)}/visits", data=values)
    assert refused.status_code == 422
    assert "That time is outside Anna&#39;s working hours." in refused.text
    assert 'value="Nina"' in refused.text  # what was typed is kept
    assert await _visits(db, salon) == []
    async with db.tenant_transaction(salon.schema) as session:
        assert await session.scalar(select(Contact).where(Contact.first_name == "Nina")) is None

    no_service = await browser.post(
        f"{_base(salon)}/visits", data={**values, "start": f"{salon.day.isoformat()}T11:00",
                                        "service_id": ""},
    )  # fmt: skip
    assert no_service.status_code == 422 and "Choose at least one service." in no_service.text
    bad_time = await browser.post(f"{_base(salon)}/visits", data={**values, "start": "soon"})
    assert bad_time.status_code == 422 and "Enter a date and time." in bad_time.text
    assert await _visits(db, salon) == []


async def test_a_visit_is_moved_by_the_form_and_by_the_scripts_call(client, db, salon, desk):
    browser, csrf = desk
    visit = await _book_api(client, salon, salon.anna, salon.at(11))
    card = await browser.get(f"{_base(salon)}/visits/{visit['id']}")
    assert card.status_code == 200
    assert f"/w/{salon.slug}/salon/clients/{salon.client_id}" in card.text
    assert f"/w/{salon.slug}/salon/visits/{visit['id']}/checkout" in card.text
    moved = await browser.post(
        f"{_base(salon)}/visits/{visit['id']}/move",
        data={"csrf_token": csrf, "master_id": str(salon.boris),
              "start": f"{salon.day.isoformat()}T09:30"},
    )  # fmt: skip
    assert moved.status_code == 302
    assert "The visit is moved." in (await browser.get(moved.headers["location"])).text
    [row] = await _visits(db, salon)
    assert row.master_id == salon.boris and _local(row.starts_at).endswith("T09:30")

    # journal.js posts the same form asking for JSON; a refusal comes back in words.
    as_script = {"accept": "application/json"}
    taken = await _book_api(client, salon, salon.anna, salon.at(16))
    refused = await browser.post(
        f"{_base(salon)}/visits/{visit['id']}/move",
        data={"csrf_token": csrf, "master_id": str(salon.anna),
              "start": f"{salon.day.isoformat()}T16:30"},
        headers=as_script,
    )  # fmt: skip
    assert refused.status_code == 409
    assert refused.json() == {"error": "Anna is already booked at that time."}
    outside = await browser.post(
        f"{_base(salon)}/visits/{visit['id']}/move",
        data={"csrf_token": csrf, "start": f"{salon.day.isoformat()}T20:30"},
        headers=as_script,
    )
    assert outside.status_code == 422 and "working hours" in outside.json()["error"]
    ok = await browser.post(
        f"{_base(salon)}/visits/{visit['id']}/move",
        data={"csrf_token": csrf, "master_id": str(salon.anna),
              "start": f"{salon.day.isoformat()}T12:00"},
        headers=as_script,
    )  # fmt: skip
    assert ok.status_code == 200 and ok.json()["ok"] is True
    rows = {str(r.id): r for r in await _visits(db, salon)}
    assert rows[visit["id"]].master_id == salon.anna
    assert _local(rows[visit["id"]].starts_at).endswith("T12:00")
    assert _local(rows[taken["id"]].starts_at).endswith("T16:00")

    # A form without its token is refused.
    forged = await browser.post(
        f"{_base(salon)}/visits/{visit['id']}/move",
        data={"start": f"{salon.day.isoformat()}T13:00"},
    )
    assert forged.status_code == 403


async def test_statuses_change_from_the_visit_card(client, db, salon, desk):
    browser, csrf = desk
    visit = await _book_api(client, salon, salon.anna, salon.at(11))
    card_url = f"{_base(salon)}/visits/{visit['id']}"
    card = await browser.get(card_url)
    for label in ("Confirm", "Client arrived", "No-show", "Cancel visit"):
        assert f">{label}</button>" in card.text
    confirmed = await browser.post(
        f"{card_url}/status", data={"csrf_token": csrf, "status": "confirmed"}
    )
    assert confirmed.status_code == 302
    page = await browser.get(confirmed.headers["location"])
    assert "The visit is now: Confirmed." in page.text
    # A no-show before its time is refused with the reason on the card.
    early = await browser.post(f"{card_url}/status", data={"csrf_token": csrf, "status": "no_show"})
    page = await browser.get(early.headers["location"])
    assert "A visit becomes a no-show only once its time has come." in page.text
    cancelled = await browser.post(
        f"{card_url}/status", data={"csrf_token": csrf, "status": "cancelled"}
    )
    assert cancelled.status_code == 302
    [row] = await _visits(db, salon)
    assert row.status == "cancelled" and row.cancelled_at is not None
    # The cancelled visit leaves the grid for the list below it, its time free again.
    day = await browser.get(f"{_base(salon)}?day={salon.day.isoformat()}")
    assert "Cancelled and no-shows" in day.text
    assert f"master_id={salon.anna}&start={salon.day.isoformat()}T11:00" in day.text
    unknown = await browser.post(f"{card_url}/status", data={"csrf_token": csrf, "status": "done"})
    assert "Choose a status." in (await browser.get(unknown.headers["location"])).text


async def test_an_employee_books_from_the_journal(db, salon, join, sign_in):  # noqa: F811
    member = await join(salon.workspace, "employee")
    browser = await sign_in(member["email"])
    csrf = browser.headers.pop("X-CSRF-Token")
    assert (await browser.get(_base(salon))).status_code == 200
    booked = await browser.post(
        f"{_base(salon)}/visits",
        data={
            "csrf_token": csrf,
            "location": str(salon.location_id),
            "client_id": str(salon.client_id),
            "master_id": str(salon.boris),
            "start": f"{salon.day.isoformat()}T12:00",
            "service_id": str(salon.cut),
        },
    )
    assert booked.status_code == 302, booked.text
    [visit] = await _visits(db, salon)
    assert str(visit.created_by) == member["user_id"]


async def test_another_workspaces_visit_is_not_found(client, db, salon, desk, make_workspace):
    browser, csrf = desk
    other = await build_salon(db, await make_workspace("Other Salon", "salon"))
    theirs = await _book_api(client, other, other.anna, other.at(11))
    assert (await browser.get(f"{_base(salon)}/visits/{theirs['id']}")).status_code == 404
    for action, data in (("move", {"start": f"{other.day.isoformat()}T12:00"}),
                         ("status", {"status": "cancelled"})):  # fmt: skip
        answer = await browser.post(
            f"{_base(salon)}/visits/{theirs['id']}/{action}", data={"csrf_token": csrf, **data}
        )
        assert answer.status_code == 404
    [row] = await _visits(db, other)
    assert row.status == "booked" and _local(row.starts_at).endswith("T11:00")
    # Their masters cannot be booked from here either, nor their journal opened.
    refused = await browser.post(
        f"{_base(salon)}/visits",
        data={"csrf_token": csrf, "location": str(salon.location_id),
              "client_id": str(salon.client_id), "master_id": str(other.anna),
              "start": f"{salon.day.isoformat()}T12:00", "service_id": str(salon.cut)},
    )  # fmt: skip
    assert refused.status_code == 422 and await _visits(db, salon) == []
    assert (await browser.get(f"/w/{other.slug}/salon/journal")).status_code == 404
    assert (await browser.get(f"{_base(salon)}/visits/not-an-id")).status_code == 404
    assert re.search(r"There is no such master", refused.text)
