"""The salon catalogue's pages with a real signed-in session: each tab renders with its data,
forms post and come back with a notice, refusals stay on the form next to their field with
what was typed, employees see but do not change, and another workspace's records are 404."""

import re

import pytest

from tests.platform.conftest import join, mails_to, new_browser, sign_in  # noqa: F401


@pytest.fixture
async def owner(make_workspace, sign_in):  # noqa: F811
    workspace = await make_workspace(company="Pages Salon")
    browser = await sign_in(workspace["user"]["email"], slug=None)
    csrf = browser.headers.pop("X-CSRF-Token")  # forms carry it as a field, as a browser does
    return workspace, browser, csrf


def catalog(workspace) -> str:
    return f"/w/{workspace['tenant']['slug']}/salon/catalog"


def error_of(html: str, field: str) -> str:
    found = re.search(rf'id="{re.escape(field)}-error">([^<]+)<', html)
    assert found, f"no message for {field}"
    return found[1]


async def api(client, workspace, path, body):
    answer = await client.post(f"/api/v1/salon/{path}", json=body, headers=workspace["headers"])
    assert answer.status_code == 201, answer.text
    return answer.json()


async def test_every_tab_renders_with_its_data(client, owner):
    workspace, browser, _ = owner
    location = await api(client, workspace, "locations", {"name": "Tverskaya"})
    dye = await api(
        client,
        workspace,
        "stock/items",
        {
            "name": "Hair dye",
            "unit": "ml",
            "levels": [{"location_id": location["id"], "reorder_level": "50"}],
        },
    )
    await api(
        client,
        workspace,
        "services",
        {
            "name": "Colouring",
            "category": "Colour",
            "duration_minutes": 90,
            "price": "3500",
            "consumables": [{"item_id": dye["id"], "quantity": "40"}],
        },
    )
    master = await api(
        client, workspace, "masters", {"location_id": location["id"], "name": "Anna Petrova"}
    )
    base = catalog(workspace)
    pages = {
        "": ["Tverskaya", "Add a salon"],
        "/services": ["Colouring", "Colour", "Hair dye"],
        "/masters": ["Anna Petrova", "Tverskaya"],
        f"/masters/{master['id']}": ["Anna Petrova", "Colouring", "Working hours", "Time off"],
        "/stock": ["Hair dye", "To reorder", "Reorder"],
        "/settings": ["Reminders", 'value="24, 2"', "VIP clients"],
        "/salons/new": ["New salon", "Europe/Moscow"],
        "/services/new": ["New service", "Hair dye"],
        "/masters/new": ["New master", "Tverskaya"],
        f"/salons/{location['id']}": ['value="Tverskaya"'],
        f"/stock/items/{dye['id']}?location={location['id']}": ['value="Hair dye"'],
    }
    for path, expected in pages.items():
        answer = await browser.get(base + path)
        assert answer.status_code == 200, (path, answer.text[:500])
        for text in expected:
            assert text in answer.text, (path, text)
    russian = await browser.get(f"{base}/services?lang=ru")
    assert "Услуги" in russian.text and "Расходники" in russian.text


async def test_a_service_is_added_from_the_form_with_a_consumable(client, owner):
    workspace, browser, csrf = owner
    dye = await api(client, workspace, "stock/items", {"name": "Dye", "unit": "ml"})
    answer = await browser.post(
        f"{catalog(workspace)}/services",
        data={
            "csrf_token": csrf,
            "name": "Root colouring",
            "category": "Colour",
            "duration_minutes": "75",
            "price": "2 500,50",
            "repeat_after_days": "",
            "online": "on",
            "description": "",
            "item_id": [dye["id"], "", ""],
            "quantity": ["35", "", ""],
        },
    )
    assert answer.status_code == 302, answer.text
    assert answer.headers["location"].endswith("/salon/catalog/services")
    services = (await client.get("/api/v1/salon/services", headers=workspace["headers"])).json()
    service = services["items"][0]
    assert (service["name"], service["duration_minutes"]) == ("Root colouring", 75)
    assert float(service["price"]) == 2500.5 and service["repeat_after_days"] is None
    assert [(c["name"], float(c["quantity"])) for c in service["consumables"]] == [("Dye", 35)]
    listed = await browser.get(answer.headers["location"])
    assert "Root colouring" in listed.text and "is added" in listed.text


async def test_a_refused_service_form_keeps_what_was_typed_and_names_the_field(client, owner):
    workspace, browser, csrf = owner
    dye = await api(client, workspace, "stock/items", {"name": "Dye", "unit": "ml"})
    answer = await browser.post(
        f"{catalog(workspace)}/services",
        data={
            "csrf_token": csrf,
            "name": "Perm",
            "duration_minutes": "2",
            "price": "900",
            "item_id": [dye["id"]],
            "quantity": ["1"],
        },
    )
    assert answer.status_code == 422
    assert error_of(answer.text, "duration_minutes") == "Enter a whole number from 5 to 720."
    assert 'value="Perm"' in answer.text and 'value="2"' in answer.text
    answer = await browser.post(
        f"{catalog(workspace)}/services",
        data={
            "csrf_token": csrf,
            "name": "Perm",
            "duration_minutes": "60",
            "price": "900",
            "item_id": ["", dye["id"]],
            "quantity": ["", "0"],
        },
    )
    assert answer.status_code == 422
    assert "above 0" in error_of(answer.text, "quantity_1")
    russian = await browser.post(
        f"{catalog(workspace)}/services?lang=ru",
        data={"csrf_token": csrf, "name": "Perm", "duration_minutes": "60", "price": "-1"},
    )
    assert russian.status_code == 422 and "price-error" in russian.text
    listed = await client.get("/api/v1/salon/services", headers=workspace["headers"])
    assert listed.json()["items"] == []


async def test_salon_master_hours_time_off_stock_and_settings_forms_work(client, owner):
    workspace, browser, csrf = owner
    base = catalog(workspace)
    made = await browser.post(
        f"{base}/salons",
        data={
            "csrf_token": csrf,
            "name": "Arbat",
            "slot_step_minutes": "30",
            "cancel_window_hours": "12",
            "booking_horizon_days": "30",
            "online_booking": "on",
            "timezone": "Europe/Moscow",
        },
    )
    assert made.status_code == 302, made.text
    location = (await client.get("/api/v1/salon/locations", headers=workspace["headers"])).json()
    location = location["items"][0]
    assert (location["slug"], location["slot_step_minutes"]) == ("arbat", 30)
    bad_step = await browser.post(
        f"{base}/salons/{location['id']}",
        data={
            "csrf_token": csrf,
            "name": "Arbat",
            "slot_step_minutes": "7",
            "cancel_window_hours": "12",
            "booking_horizon_days": "30",
        },
    )
    assert bad_step.status_code == 422 and "divides an hour" in error_of(
        bad_step.text, "slot_step_minutes"
    )

    service = await api(
        client, workspace, "services", {"name": "Cut", "duration_minutes": 45, "price": "1000"}
    )
    made = await browser.post(
        f"{base}/masters",
        data={
            "csrf_token": csrf,
            "name": "Olga",
            "location_id": location["id"],
            "commission_percent": "30",
            "color": "#aa3300",
            "online": "on",
            "position": "Stylist",
            "phone": "",
        },
    )
    assert made.status_code == 302, made.text
    master_path = made.headers["location"].split("?")[0]
    master_id = master_path.rsplit("/", 1)[1]

    offered = await browser.post(
        f"{master_path}/services",
        data={
            "csrf_token": csrf,
            f"service_{service['id']}": "on",
            f"price_{service['id']}": "1200",
            f"duration_{service['id']}": "",
        },
    )
    assert offered.status_code == 302, offered.text
    hours = await browser.post(
        f"{master_path}/hours",
        data={
            "csrf_token": csrf,
            "h0_1_starts": "10:00",
            "h0_1_ends": "19:00",
            "h2_1_starts": "10:00",
            "h2_1_ends": "14:00",
            "h2_2_starts": "15:00",
            "h2_2_ends": "20:00",
            "b_all_starts": "13:00",
            "b_all_ends": "13:30",
        },
    )
    assert hours.status_code == 302, hours.text
    overlap = await browser.post(
        f"{master_path}/hours",
        data={
            "csrf_token": csrf,
            "h1_1_starts": "10:00",
            "h1_1_ends": "15:00",
            "h1_2_starts": "14:00",
            "h1_2_ends": "18:00",
        },
    )
    assert overlap.status_code == 422
    assert "overlap" in error_of(overlap.text, "h1_2_starts")
    assert 'value="14:00"' in overlap.text
    off = await browser.post(
        f"{master_path}/time-off",
        data={
            "csrf_token": csrf,
            "starts_on": "2027-08-01",
            "ends_on": "2027-08-10",
            "kind": "vacation",
            "note": "Sochi",
        },
    )
    assert off.status_code == 302, off.text
    shown = (
        await client.get(f"/api/v1/salon/masters/{master_id}", headers=workspace["headers"])
    ).json()
    assert float(shown["services"][0]["price"]) == 1200 and shown["color"] == "#aa3300"
    assert [(h["weekday"], h["starts"]) for h in shown["hours"]] == [
        (0, "10:00"),
        (2, "10:00"),
        (2, "15:00"),
    ]
    assert [(b["weekday"], b["starts"]) for b in shown["breaks"]] == [(None, "13:00")]
    page = await browser.get(master_path)
    assert "Sochi" in page.text and 'value="13:00"' in page.text
    time_off = (
        await client.get(
            f"/api/v1/salon/masters/{master_id}/time-off", headers=workspace["headers"]
        )
    ).json()["items"][0]
    deleted = await browser.post(
        f"{master_path}/time-off/{time_off['id']}/delete", data={"csrf_token": csrf}
    )
    assert deleted.status_code == 302

    item = await browser.post(
        f"{base}/stock/items",
        data={
            "csrf_token": csrf,
            "location_id": location["id"],
            "item_name": "Shampoo",
            "item_kind": "retail",
            "item_unit": "pcs",
            "item_price": "800",
            "reorder_level": "4",
            "reorder_quantity": "12",
        },
    )
    assert item.status_code == 302, item.text
    items = (await client.get("/api/v1/salon/stock/items", headers=workspace["headers"])).json()
    shampoo = items["items"][0]
    received = await browser.post(
        f"{base}/stock/receipts",
        data={
            "csrf_token": csrf,
            "location_id": location["id"],
            "item_0": shampoo["id"],
            "quantity_0": "3",
        },
    )
    assert received.status_code == 302, received.text
    stock_page = await browser.get(received.headers["location"])
    assert "To reorder" in stock_page.text and "order 12" in stock_page.text
    bad = await browser.post(
        f"{base}/stock/receipts",
        data={
            "csrf_token": csrf,
            "location_id": location["id"],
            "item_0": shampoo["id"],
            "quantity_0": "-2",
        },
    )
    assert bad.status_code == 422 and "above 0" in error_of(bad.text, "quantity_0")

    saved = await browser.post(
        f"{base}/settings",
        data={
            "csrf_token": csrf,
            "reminder_hours": "48, 3",
            "channel_sms": "on",
            "rebook_days_early": "2",
            "vip_quarters": "5",
            "vip_spend": "25 000",
        },
    )
    assert saved.status_code == 302, saved.text
    settings = (await client.get("/api/v1/salon/settings", headers=workspace["headers"])).json()
    assert settings["reminder_hours"] == [48, 3] and settings["reminder_channels"] == ["sms"]
    assert float(settings["vip_spend"]) == 25000
    refused = await browser.post(
        f"{base}/settings",
        data={
            "csrf_token": csrf,
            "reminder_hours": "1, 2, 3, 4",
            "rebook_days_early": "2",
            "vip_quarters": "5",
            "vip_spend": "1",
        },
    )
    assert refused.status_code == 422 and error_of(refused.text, "reminder_hours")


async def test_a_form_without_its_csrf_token_changes_nothing(client, owner):
    workspace, browser, _ = owner
    answer = await browser.post(f"{catalog(workspace)}/salons", data={"name": "Sneaky"})
    assert answer.status_code == 403
    listed = await client.get("/api/v1/salon/locations", headers=workspace["headers"])
    assert listed.json()["items"] == []


async def test_an_employee_sees_the_catalog_but_its_forms_are_refused(client, owner, join, sign_in):  # noqa: F811
    workspace, _, _ = owner
    await api(
        client, workspace, "services", {"name": "Cut", "duration_minutes": 45, "price": "1000"}
    )
    employee = await join(workspace, "employee")
    browser = await sign_in(employee["email"])
    csrf = browser.headers.pop("X-CSRF-Token")
    listed = await browser.get(f"{catalog(workspace)}/services")
    assert listed.status_code == 200 and "Cut" in listed.text and "Add a service" not in listed.text
    refused = await browser.post(
        f"{catalog(workspace)}/services",
        data={"csrf_token": csrf, "name": "Mine", "duration_minutes": "30", "price": "1"},
    )
    assert refused.status_code == 403
    assert (await browser.get(f"{catalog(workspace)}/services/new")).status_code == 403
    services = (await client.get("/api/v1/salon/services", headers=workspace["headers"])).json()
    assert [s["name"] for s in services["items"]] == ["Cut"]


async def test_another_workspaces_records_are_not_found_on_pages(client, owner, make_workspace):
    workspace, browser, csrf = owner
    stranger = await make_workspace(company="Stranger Salon")
    location = await api(client, stranger, "locations", {"name": "Theirs"})
    service = await api(
        client, stranger, "services", {"name": "Theirs", "duration_minutes": 30, "price": "1"}
    )
    master = await api(
        client, stranger, "masters", {"location_id": location["id"], "name": "Theirs"}
    )
    base = catalog(workspace)
    for path in [
        f"/salons/{location['id']}",
        f"/services/{service['id']}",
        f"/masters/{master['id']}",
        "/masters/not-an-id",
    ]:
        assert (await browser.get(base + path)).status_code == 404, path
    changed = await browser.post(
        f"{base}/services/{service['id']}",
        data={"csrf_token": csrf, "name": "Mine", "duration_minutes": "30", "price": "1"},
    )
    assert changed.status_code == 404
    archived = await browser.post(
        f"{base}/masters/{master['id']}/archive", data={"csrf_token": csrf}
    )
    assert archived.status_code == 404
    theirs = (
        await client.get(f"/api/v1/salon/masters/{master['id']}", headers=stranger["headers"])
    ).json()
    assert theirs["archived"] is False
    # Nor their workspace's pages at all.
    other = await browser.get(f"{catalog(stranger)}/services")
    assert other.status_code == 404
