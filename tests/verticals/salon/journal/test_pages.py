"""The booking journal as a receptionist uses it without scripts: the day's masters and visits,
booking from the form (a known client or a new one by phone), moving, statuses, a master's week;
an employee uses it too; a refused booking shows why and books nothing; another workspace's
visit is out of reach."""

import re

import pytest
from sqlalchemy import func, select

from atrium.platform.crm.contacts.models import Contact
from atrium.verticals.salon.models import Visit
from tests.platform.conftest import join, mails_to, new_browser, sign_in  # noqa: F401
from tests.verticals.salon.conftest import MOSCOW, build_salon
from tests.web.conftest import browser, screenshot_path  # noqa: F401


def _base(salon) -> str:
    return f"/w/{salon.slug}/salon/journal"


@pytest.fixture
async def desk(salon, sign_in):  # noqa: F811
    """The owner's browser on the salon's journal, and the form token."""
    http = await sign_in(salon.workspace["user"]["email"])
    csrf = http.headers.pop("X-CSRF-Token")  # forms carry it as a field, as a browser does
    return http, csrf


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
    http, _ = desk
    await _book_api(client, salon, salon.anna, salon.at(11), salon.cut, salon.colour)
    page = await http.get(f"{_base(salon)}?day={salon.day.isoformat()}")
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
    assert (await http.get("/vendor/event-calendar.min.js")).status_code == 200
    assert (await http.get("/static/salon/journal.js")).status_code == 200

    # One master's week: seven days, Boris has his weekend off.
    week = await http.get(f"{_base(salon)}?day={salon.day.isoformat()}&master={salon.boris}")
    assert week.status_code == 200
    assert week.text.count('<th scope="col"><a href') == 7
    # A day that is not a date falls back to today rather than failing.
    assert (await http.get(f"{_base(salon)}?day=2026-13-40")).status_code == 200


async def test_a_visit_is_booked_from_the_form_for_a_new_client(db, salon, desk):
    http, csrf = desk
    form = await http.get(
        f"{_base(salon)}/new?location={salon.location_id}&master_id={salon.boris}"
        f"&start={salon.day.isoformat()}T10:00"
    )
    assert form.status_code == 200 and "Boris" in form.text and "Manicure" in form.text
    booked = await http.post(
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
    page = await http.get(booked.headers["location"])
    assert "The visit is booked." in page.text and "Petrova Olga" in page.text
    [visit] = await _visits(db, salon)
    assert visit.master_id == salon.boris and visit.source == "journal"
    assert _local(visit.starts_at) == f"{salon.day.isoformat()}T10:00"
    assert _local(visit.ends_at) == f"{salon.day.isoformat()}T12:00"

    # The same phone again finds Olga instead of adding her twice.
    again = await http.post(
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
    http, csrf = desk
    found = await http.get(f"{_base(salon)}/new?location={salon.location_id}&q=Ivanova")
    assert found.status_code == 200 and f'value="{salon.client_id}"' in found.text
    booked = await http.post(
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
    http, csrf = desk
    values = {
        "csrf_token": csrf,
        "location": str(salon.location_id),
        "master_id": str(salon.anna),
        "start": f"{salon.day.isoformat()}T14:15",  # Anna's lunch
        "service_id": str(salon.cut),
        "first_name": "Nina",
        "phone": "+7 916 777-00-11",
    }
    refused = await http.post(f"{_base(salon)}/visits", data=values)
    assert refused.status_code == 422
    assert "That time is outside Anna&#39;s working hours." in refused.text
    assert 'value="Nina"' in refused.text  # what was typed is kept
    assert await _visits(db, salon) == []
    async with db.tenant_transaction(salon.schema) as session:
        assert await session.scalar(select(Contact).where(Contact.first_name == "Nina")) is None

    no_service = await http.post(
        f"{_base(salon)}/visits", data={**values, "start": f"{salon.day.isoformat()}T11:00",
                                        "service_id": ""},
    )  # fmt: skip
    assert no_service.status_code == 422 and "Choose at least one service." in no_service.text
    bad_time = await http.post(f"{_base(salon)}/visits", data={**values, "start": "soon"})
    assert bad_time.status_code == 422 and "Enter a date and time." in bad_time.text
    assert await _visits(db, salon) == []


async def test_a_visit_is_moved_by_the_form_and_by_the_scripts_call(client, db, salon, desk):
    http, csrf = desk
    visit = await _book_api(client, salon, salon.anna, salon.at(11))
    card = await http.get(f"{_base(salon)}/visits/{visit['id']}")
    assert card.status_code == 200
    assert f"/w/{salon.slug}/salon/clients/{salon.client_id}" in card.text
    assert f"/w/{salon.slug}/salon/visits/{visit['id']}/checkout" in card.text
    moved = await http.post(
        f"{_base(salon)}/visits/{visit['id']}/move",
        data={"csrf_token": csrf, "master_id": str(salon.boris),
              "start": f"{salon.day.isoformat()}T09:30"},
    )  # fmt: skip
    assert moved.status_code == 302
    assert "The visit is moved." in (await http.get(moved.headers["location"])).text
    [row] = await _visits(db, salon)
    assert row.master_id == salon.boris and _local(row.starts_at).endswith("T09:30")

    # journal.js posts the same form asking for JSON; a refusal comes back in words.
    as_script = {"accept": "application/json"}
    taken = await _book_api(client, salon, salon.anna, salon.at(16))
    refused = await http.post(
        f"{_base(salon)}/visits/{visit['id']}/move",
        data={"csrf_token": csrf, "master_id": str(salon.anna),
              "start": f"{salon.day.isoformat()}T16:30"},
        headers=as_script,
    )  # fmt: skip
    assert refused.status_code == 409
    assert refused.json() == {"error": "Anna is already booked at that time."}
    outside = await http.post(
        f"{_base(salon)}/visits/{visit['id']}/move",
        data={"csrf_token": csrf, "start": f"{salon.day.isoformat()}T20:30"},
        headers=as_script,
    )
    assert outside.status_code == 422 and "working hours" in outside.json()["error"]
    ok = await http.post(
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
    forged = await http.post(
        f"{_base(salon)}/visits/{visit['id']}/move",
        data={"start": f"{salon.day.isoformat()}T13:00"},
    )
    assert forged.status_code == 403


async def test_statuses_change_from_the_visit_card(client, db, salon, desk):
    http, csrf = desk
    visit = await _book_api(client, salon, salon.anna, salon.at(11))
    card_url = f"{_base(salon)}/visits/{visit['id']}"
    card = await http.get(card_url)
    for label in ("Confirm", "Client arrived", "No-show", "Cancel visit"):
        assert f">{label}</button>" in card.text
    confirmed = await http.post(
        f"{card_url}/status", data={"csrf_token": csrf, "status": "confirmed"}
    )
    assert confirmed.status_code == 302
    page = await http.get(confirmed.headers["location"])
    assert "The visit is now: Confirmed." in page.text
    # A no-show before its time is refused with the reason on the card.
    early = await http.post(f"{card_url}/status", data={"csrf_token": csrf, "status": "no_show"})
    page = await http.get(early.headers["location"])
    assert "A visit becomes a no-show only once its time has come." in page.text
    cancelled = await http.post(
        f"{card_url}/status", data={"csrf_token": csrf, "status": "cancelled"}
    )
    assert cancelled.status_code == 302
    [row] = await _visits(db, salon)
    assert row.status == "cancelled" and row.cancelled_at is not None
    # The cancelled visit leaves the grid for the list below it, its time free again.
    day = await http.get(f"{_base(salon)}?day={salon.day.isoformat()}")
    assert "Cancelled and no-shows" in day.text
    assert f"master_id={salon.anna}&start={salon.day.isoformat()}T11:00" in day.text
    unknown = await http.post(f"{card_url}/status", data={"csrf_token": csrf, "status": "done"})
    assert "Choose a status." in (await http.get(unknown.headers["location"])).text


async def test_an_employee_books_from_the_journal(db, salon, join, sign_in):  # noqa: F811
    member = await join(salon.workspace, "employee")
    http = await sign_in(member["email"])
    csrf = http.headers.pop("X-CSRF-Token")
    assert (await http.get(_base(salon))).status_code == 200
    booked = await http.post(
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
    http, csrf = desk
    other = await build_salon(db, await make_workspace("Other Salon", "salon"))
    theirs = await _book_api(client, other, other.anna, other.at(11))
    assert (await http.get(f"{_base(salon)}/visits/{theirs['id']}")).status_code == 404
    for action, data in (("move", {"start": f"{other.day.isoformat()}T12:00"}),
                         ("status", {"status": "cancelled"})):  # fmt: skip
        answer = await http.post(
            f"{_base(salon)}/visits/{theirs['id']}/{action}", data={"csrf_token": csrf, **data}
        )
        assert answer.status_code == 404
    [row] = await _visits(db, other)
    assert row.status == "booked" and _local(row.starts_at).endswith("T11:00")
    # Their masters cannot be booked from here either, nor their journal opened.
    refused = await http.post(
        f"{_base(salon)}/visits",
        data={"csrf_token": csrf, "location": str(salon.location_id),
              "client_id": str(salon.client_id), "master_id": str(other.anna),
              "start": f"{salon.day.isoformat()}T12:00", "service_id": str(salon.cut)},
    )  # fmt: skip
    assert refused.status_code == 422 and await _visits(db, salon) == []
    assert (await http.get(f"/w/{other.slug}/salon/journal")).status_code == 404
    assert (await http.get(f"{_base(salon)}/visits/not-an-id")).status_code == 404
    assert re.search(r"There is no such master", refused.text)


async def test_a_visit_is_dragged_to_another_master_in_the_browser(
    browser,  # noqa: F811
    live_server,
    client,
    db,
    salon,
):
    """EventCalendar draws the day under the page's CSP; dragging a visit onto Boris's column
    moves it there, and a drop on taken time puts it back with the reason shown."""
    await _book_api(client, salon, salon.anna, salon.at(11))
    context = await browser.new_context(viewport={"width": 1280, "height": 1000})
    page = await context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    try:
        await page.goto(f"{live_server}/login")
        await page.get_by_label("E-mail").fill(salon.workspace["user"]["email"])
        await page.get_by_label("Password").fill(salon.workspace["password"])
        await page.get_by_role("button", name="Sign in").click()
        await page.wait_for_url(f"{live_server}/w/**")
        await page.goto(f"{live_server}{_base(salon)}?day={salon.day.isoformat()}")
        visit = page.locator(".ec-event", has_text="Maria Ivanova")
        await visit.wait_for()
        assert await page.locator("#journal-table").is_hidden()
        assert "Booked" in await visit.text_content() and "Haircut" in await visit.text_content()
        await page.screenshot(path=screenshot_path("salon-journal-day"))

        # One column to the right (Boris) and the same time: the visit moves to Boris.
        box = await visit.bounding_box()
        columns = page.locator(".ec-body .ec-day, .ec-body .ec-resource")
        width = box["width"] if await columns.count() == 0 else None
        width = (
            width
            or (await columns.nth(1).bounding_box())["x"]
            - (await columns.nth(0).bounding_box())["x"]
        )
        x, y = box["x"] + box["width"] / 2, box["y"] + 8
        await page.mouse.move(x, y)
        await page.mouse.down()
        for step in range(1, 11):
            await page.mouse.move(x + width * step / 10, y)
        await page.mouse.up()
        await page.locator("#journal-notice", has_text="The visit is moved.").wait_for()
        [row] = await _visits(db, salon)
        assert row.master_id == salon.boris and _local(row.starts_at).endswith("T11:00")
        # On a phone the grid scrolls sideways inside its box; the page itself does not.
        await page.set_viewport_size({"width": 375, "height": 812})
        await page.reload()
        await page.locator(".ec-event", has_text="Maria Ivanova").wait_for()
        await page.screenshot(path=screenshot_path("salon-journal-phone"))
        assert await page.evaluate("document.documentElement.scrollWidth") <= 376
        assert problems == []
    finally:
        await context.close()
