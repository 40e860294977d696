"""The salon's catalogue through /api/v1/salon: salons, services with consumables, masters with
their services, hours, breaks and time off, stock, and the salon settings; bad input refused
naming the field with nothing written, employees reading only, plans without the pack refused,
and another workspace's records unreachable."""

import uuid

import pytest

from tests.platform.conftest import join, mails_to, new_browser, sign_in  # noqa: F401

PROBLEM = "application/problem+json"


@pytest.fixture
async def salon(make_workspace):
    return await make_workspace(company="Catalog Salon")


async def post(client, workspace, path, body, status=201):
    answer = await client.post(f"/api/v1/salon/{path}", json=body, headers=workspace["headers"])
    assert answer.status_code == status, answer.text
    return answer.json()


async def get(client, workspace, path, status=200):
    answer = await client.get(f"/api/v1/salon/{path}", headers=workspace["headers"])
    assert answer.status_code == status, answer.text
    return answer.json()


def refused(answer, status: int, field: str) -> None:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith(PROBLEM)
    assert answer.json()["field"] == field, answer.json()


async def add_location(client, workspace, name="Tverskaya", **more):
    return await post(client, workspace, "locations", {"name": name, **more})


async def add_service(client, workspace, name="Haircut", **more):
    body = {"name": name, "duration_minutes": 60, "price": "1500", **more}
    return await post(client, workspace, "services", body)


async def add_master(client, workspace, location, name="Anna", **more):
    return await post(
        client, workspace, "masters", {"location_id": location["id"], "name": name, **more}
    )


# Salons


async def test_a_salon_gets_its_address_from_its_name_and_it_can_be_changed(client, salon):
    first = await add_location(client, salon, "Салон на Тверской", timezone="Europe/Moscow")
    assert first["slug"] == "salon-na-tverskoi"
    assert (first["slot_step_minutes"], first["cancel_window_hours"]) == (15, 24)
    second = await add_location(client, salon, "Салон на Тверской")
    assert second["slug"] == "salon-na-tverskoi-2"

    taken = await client.patch(
        f"/api/v1/salon/locations/{second['id']}",
        json={"slug": first["slug"]},
        headers=salon["headers"],
    )
    refused(taken, 409, "slug")
    renamed = await client.patch(
        f"/api/v1/salon/locations/{second['id']}",
        json={
            "slug": "arbat",
            "slot_step_minutes": 30,
            "loyalty_discount_percent": "5",
            "loyalty_threshold": "20000",
            "timezone": None,
        },
        headers=salon["headers"],
    )
    assert renamed.status_code == 200, renamed.text
    body = renamed.json()
    assert (body["slug"], body["slot_step_minutes"], body["timezone"]) == ("arbat", 30, None)
    assert float(body["loyalty_discount_percent"]) == 5

    archived = await client.delete(
        f"/api/v1/salon/locations/{first['id']}", headers=salon["headers"]
    )
    assert archived.status_code == 200 and archived.json()["archived"] is True
    listed = await get(client, salon, "locations")
    assert [item["slug"] for item in listed["items"]] == ["arbat"]
    everything = await get(client, salon, "locations?archived=true")
    assert len(everything["items"]) == 2


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("timezone", "Mars/Olympus"),
        ("cancel_window_hours", 169),
        ("slot_step_minutes", 7),
        ("slot_step_minutes", 90),
        ("booking_horizon_days", 0),
        ("loyalty_threshold", "-1"),
        ("loyalty_discount_percent", "120"),
        ("loyalty_points_percent", "-3"),
        ("slug", "Not a slug!"),
        ("name", "   "),
    ],
)
async def test_bad_salon_rules_are_refused_naming_the_field_and_nothing_is_written(
    client, salon, field, value
):
    answer = await client.post(
        "/api/v1/salon/locations", json={"name": "Salon", field: value}, headers=salon["headers"]
    )
    refused(answer, 422, field)
    assert (await get(client, salon, "locations?archived=true"))["items"] == []


# Services


async def test_a_service_keeps_its_consumables_and_they_are_replaced_as_a_set(client, salon):
    dye = await post(client, salon, "stock/items", {"name": "Hair dye", "unit": "ml"})
    foil = await post(client, salon, "stock/items", {"name": "Foil", "unit": "pcs"})
    colouring = await add_service(
        client,
        salon,
        "Colouring",
        category="Colour",
        repeat_after_days=42,
        consumables=[{"item_id": dye["id"], "quantity": "60"}],
    )
    assert colouring["consumables"][0]["name"] == "Hair dye"
    assert float(colouring["consumables"][0]["quantity"]) == 60
    assert colouring["repeat_after_days"] == 42 and colouring["currency"] == "USD"

    changed = await client.patch(
        f"/api/v1/salon/services/{colouring['id']}",
        json={"consumables": [{"item_id": foil["id"], "quantity": "10"}], "price": "3200.50"},
        headers=salon["headers"],
    )
    assert changed.status_code == 200, changed.text
    assert [c["name"] for c in changed.json()["consumables"]] == ["Foil"]
    assert changed.json()["price"] in ("3200.50", 3200.5)

    await add_service(client, salon, "Men's cut", category="Cuts")
    by_category = await get(client, salon, "services?category=colour")
    assert [s["name"] for s in by_category["items"]] == ["Colouring"]
    everything = await get(client, salon, "services")
    assert [s["name"] for s in everything["items"]] == ["Colouring", "Men's cut"]

    gone = await client.delete(
        f"/api/v1/salon/services/{colouring['id']}", headers=salon["headers"]
    )
    assert gone.status_code == 200 and gone.json()["archived"] is True
    assert [s["name"] for s in (await get(client, salon, "services"))["items"]] == ["Men's cut"]
    assert len((await get(client, salon, "services?archived=true"))["items"]) == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"duration_minutes": 4}, "duration_minutes"),
        ({"duration_minutes": 721}, "duration_minutes"),
        ({"price": "-1"}, "price"),
        ({"price": "10.005"}, "price"),
        ({"repeat_after_days": 0}, "repeat_after_days"),
        ({"repeat_after_days": 731}, "repeat_after_days"),
        (
            {"consumables": [{"item_id": str(uuid.uuid4()), "quantity": "1"}]},
            "consumables[0].item_id",
        ),
    ],
)
async def test_bad_services_are_refused_naming_the_field_and_nothing_is_written(
    client, salon, body, field
):
    answer = await client.post(
        "/api/v1/salon/services",
        json={"name": "Cut", "duration_minutes": 30, "price": "900", **body},
        headers=salon["headers"],
    )
    refused(answer, 422, field)
    assert (await get(client, salon, "services?archived=true"))["items"] == []


async def test_a_consumable_of_no_quantity_is_refused_and_the_service_keeps_its_set(client, salon):
    dye = await post(client, salon, "stock/items", {"name": "Dye", "unit": "ml"})
    service = await add_service(
        client, salon, consumables=[{"item_id": dye["id"], "quantity": "5"}]
    )
    answer = await client.patch(
        f"/api/v1/salon/services/{service['id']}",
        json={"name": "Renamed", "consumables": [{"item_id": dye["id"], "quantity": "0"}]},
        headers=salon["headers"],
    )
    refused(answer, 422, "consumables[0].quantity")
    kept = await get(client, salon, f"services/{service['id']}")
    assert kept["name"] == "Haircut" and float(kept["consumables"][0]["quantity"]) == 5


# Masters


async def test_a_master_does_services_at_own_prices_and_works_a_week_with_breaks(client, salon):
    location = await add_location(client, salon)
    cut = await add_service(client, salon, "Cut", duration_minutes=45, price="1200")
    colour = await add_service(client, salon, "Colour", duration_minutes=120, price="4000")
    anna = await add_master(
        client,
        salon,
        location,
        position="Stylist",
        phone="+7 (916) 123-45-67",
        commission_percent="35",
        color="#FF8800",
    )
    assert anna["phone"] == "+79161234567" and anna["color"] == "#ff8800"
    assert float(anna["commission_percent"]) == 35 and anna["online"] is True

    services = await client.put(
        f"/api/v1/salon/masters/{anna['id']}/services",
        json={
            "services": [
                {"service_id": cut["id"]},
                {"service_id": colour["id"], "price": "4500", "duration_minutes": 150},
            ]
        },
        headers=salon["headers"],
    )
    assert services.status_code == 200, services.text
    offers = {o["name"]: o for o in services.json()["services"]}
    assert float(offers["Cut"]["price"]) == 1200 and offers["Cut"]["duration_minutes"] == 45
    assert float(offers["Colour"]["price"]) == 4500 and offers["Colour"]["duration_minutes"] == 150
    assert offers["Cut"]["own_price"] is None

    week = {
        "hours": [
            {"weekday": 0, "starts": "09:00", "ends": "13:00"},
            {"weekday": 0, "starts": "14:00", "ends": "19:00"},
            {"weekday": 2, "starts": "10:00", "ends": "20:00"},
        ],
        "breaks": [
            {"starts": "15:00", "ends": "15:30"},
            {"weekday": 2, "starts": "12:00", "ends": "12:45"},
        ],
    }
    hours = await client.put(
        f"/api/v1/salon/masters/{anna['id']}/hours", json=week, headers=salon["headers"]
    )
    assert hours.status_code == 200, hours.text
    shown = await get(client, salon, f"masters/{anna['id']}")
    assert [(h["weekday"], h["starts"], h["ends"]) for h in shown["hours"]] == [
        (0, "09:00", "13:00"),
        (0, "14:00", "19:00"),
        (2, "10:00", "20:00"),
    ]
    assert [(b["weekday"], b["starts"]) for b in shown["breaks"]] == [(None, "15:00"), (2, "12:00")]

    listed = await get(client, salon, f"masters?location_id={location['id']}")
    assert [m["name"] for m in listed["items"]] == ["Anna"]
    assert len(listed["items"][0]["services"]) == 2


async def test_a_master_has_days_off_listed_and_deleted(client, salon):
    anna = await add_master(client, salon, await add_location(client, salon))
    path = f"masters/{anna['id']}/time-off"
    vacation = await post(
        client,
        salon,
        path,
        {"starts_on": "2027-07-01", "ends_on": "2027-07-14", "kind": "vacation", "note": "Sea"},
    )
    one_day = await post(client, salon, path, {"starts_on": "2027-03-08"})
    assert (one_day["ends_on"], one_day["kind"]) == ("2027-03-08", "day_off")
    listed = await get(client, salon, path)
    assert [row["id"] for row in listed["items"]] == [one_day["id"], vacation["id"]]
    backwards = await client.post(
        f"/api/v1/salon/{path}",
        headers=salon["headers"],
        json={"starts_on": "2027-05-02", "ends_on": "2027-05-01"},
    )
    refused(backwards, 422, "ends_on")
    unknown_kind = await client.post(
        f"/api/v1/salon/{path}",
        headers=salon["headers"],
        json={"starts_on": "2027-05-02", "kind": "party"},
    )
    refused(unknown_kind, 422, "kind")
    gone = await client.delete(f"/api/v1/salon/{path}/{vacation['id']}", headers=salon["headers"])
    assert gone.status_code == 204, gone.text
    assert [row["id"] for row in (await get(client, salon, path))["items"]] == [one_day["id"]]
    again = await client.delete(f"/api/v1/salon/{path}/{vacation['id']}", headers=salon["headers"])
    assert again.status_code == 404


@pytest.mark.parametrize(
    ("week", "field"),
    [
        ({"hours": [{"weekday": 1, "starts": "10:00", "ends": "09:00"}]}, "hours[0].ends"),
        ({"hours": [{"weekday": 7, "starts": "10:00", "ends": "18:00"}]}, "hours[0].weekday"),
        ({"hours": [{"weekday": 1, "starts": "25:00", "ends": "18:00"}]}, "hours[0].starts"),
        (
            {
                "hours": [
                    {"weekday": 1, "starts": "09:00", "ends": "14:00"},
                    {"weekday": 1, "starts": "13:00", "ends": "18:00"},
                ]
            },
            "hours[1].starts",
        ),
        (
            {
                "hours": [{"weekday": 1, "starts": "09:00", "ends": "14:00"}],
                "breaks": [{"weekday": 1, "starts": "13:30", "ends": "14:30"}],
            },
            "breaks[0].starts",
        ),
        (
            {
                "hours": [{"weekday": 1, "starts": "09:00", "ends": "14:00"}],
                "breaks": [{"weekday": 3, "starts": "10:00", "ends": "10:30"}],
            },
            "breaks[0].starts",
        ),
    ],
)
async def test_bad_weeks_are_refused_and_the_old_week_stays(client, salon, week, field):
    anna = await add_master(client, salon, await add_location(client, salon))
    path = f"/api/v1/salon/masters/{anna['id']}/hours"
    good = {"hours": [{"weekday": 4, "starts": "10:00", "ends": "18:00"}]}
    assert (await client.put(path, json=good, headers=salon["headers"])).status_code == 200
    refused(await client.put(path, json=week, headers=salon["headers"]), 422, field)
    kept = await get(client, salon, f"masters/{anna['id']}")
    assert [(h["weekday"], h["starts"]) for h in kept["hours"]] == [(4, "10:00")]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"color": "red"}, "color"),
        ({"commission_percent": "101"}, "commission_percent"),
        ({"phone": "12"}, "phone"),
        ({"user_id": str(uuid.uuid4())}, "user_id"),
        ({"location_id": str(uuid.uuid4())}, "location_id"),
        ({"name": ""}, "name"),
    ],
)
async def test_bad_masters_are_refused_naming_the_field(client, salon, body, field):
    location = await add_location(client, salon)
    answer = await client.post(
        "/api/v1/salon/masters",
        json={"location_id": location["id"], "name": "Anna", **body},
        headers=salon["headers"],
    )
    refused(answer, 422, field)
    assert (await get(client, salon, "masters?archived=true"))["items"] == []


async def test_a_master_can_be_a_member_and_archived(client, salon):
    location = await add_location(client, salon)
    owner = await add_master(client, salon, location, user_id=salon["user"]["id"])
    assert owner["user_id"] == salon["user"]["id"]
    unlinked = await client.patch(
        f"/api/v1/salon/masters/{owner['id']}", json={"user_id": None}, headers=salon["headers"]
    )
    assert unlinked.status_code == 200 and unlinked.json()["user_id"] is None
    archived = await client.delete(f"/api/v1/salon/masters/{owner['id']}", headers=salon["headers"])
    assert archived.json()["archived"] is True
    assert (await get(client, salon, "masters"))["items"] == []


async def test_a_master_cannot_take_an_archived_service(client, salon):
    anna = await add_master(client, salon, await add_location(client, salon))
    service = await add_service(client, salon)
    await client.delete(f"/api/v1/salon/services/{service['id']}", headers=salon["headers"])
    answer = await client.put(
        f"/api/v1/salon/masters/{anna['id']}/services",
        json={"services": [{"service_id": service["id"]}]},
        headers=salon["headers"],
    )
    refused(answer, 422, "services[0].service_id")


# Stock


async def test_receipts_and_counts_move_stock_and_the_reorder_list_shows_what_is_low(
    client, salon, db
):
    location = await add_location(client, salon)
    other = await add_location(client, salon, "Arbat")
    levels = [{"location_id": location["id"], "reorder_level": "100", "reorder_quantity": "500"}]
    dye = await post(client, salon, "stock/items", {"name": "Dye", "unit": "ml", "levels": levels})
    shampoo = await post(
        client,
        salon,
        "stock/items",
        {
            "name": "Shampoo",
            "kind": "retail",
            "price": "900",
            "unit": "pcs",
            "levels": [{"location_id": location["id"], "reorder_level": "3"}],
        },
    )
    assert shampoo["kind"] == "retail" and float(shampoo["price"]) == 900

    receipt = await post(
        client,
        salon,
        "stock/receipts",
        {
            "location_id": location["id"],
            "note": "Invoice 17",
            "lines": [
                {"item_id": dye["id"], "quantity": "80"},
                {"item_id": shampoo["id"], "quantity": "10"},
            ],
        },
    )
    assert [(m["reason"], float(m["change"])) for m in receipt["moves"]] == [
        ("receipt", 80),
        ("receipt", 10),
    ]
    reorder = await get(client, salon, f"stock/reorder?location_id={location['id']}")
    assert [(r["name"], float(r["suggested_quantity"])) for r in reorder["items"]] == [("Dye", 500)]
    assert (await get(client, salon, f"stock/reorder?location_id={other['id']}"))["items"] == []

    counted = await post(
        client,
        salon,
        "stock/adjustments",
        {"location_id": location["id"], "item_id": shampoo["id"], "quantity": "2"},
    )
    assert float(counted["quantity"]) == 2 and counted["low"] is True
    reorder = await get(client, salon, f"stock/reorder?location_id={location['id']}")
    suggested = {r["name"]: float(r["suggested_quantity"]) for r in reorder["items"]}
    assert suggested == {"Dye": 500, "Shampoo": 4}  # no reorder quantity: up to twice the level

    items = await get(client, salon, "stock/items")
    dye_levels = next(i for i in items["items"] if i["name"] == "Dye")["levels"]
    assert [float(level["quantity"]) for level in dye_levels] == [80]

    from sqlalchemy import select

    from atrium.platform.tenancy.models import Tenant
    from atrium.verticals.salon.models import StockMove

    async with db.shared_transaction() as session:
        tenant = await session.scalar(select(Tenant).where(Tenant.slug == salon["tenant"]["slug"]))
    async with db.tenant_transaction(tenant.schema) as session:
        moves = list(await session.scalars(select(StockMove).order_by(StockMove.created_at)))
    assert sorted((m.reason, float(m.change)) for m in moves) == [
        ("adjusted", -8),
        ("receipt", 10),
        ("receipt", 80),
    ]
    assert all(m.created_by is not None for m in moves)


async def test_bad_stock_input_is_refused_and_nothing_moves(client, salon):
    location = await add_location(client, salon)
    dye = await post(client, salon, "stock/items", {"name": "Dye"})
    twice = await client.post(
        "/api/v1/salon/stock/items", json={"name": "Dye"}, headers=salon["headers"]
    )
    refused(twice, 409, "name")
    kind = await client.post(
        "/api/v1/salon/stock/items", json={"name": "X", "kind": "magic"}, headers=salon["headers"]
    )
    refused(kind, 422, "kind")
    answer = await client.post(
        "/api/v1/salon/stock/receipts",
        json={
            "location_id": location["id"],
            "lines": [
                {"item_id": dye["id"], "quantity": "5"},
                {"item_id": dye["id"], "quantity": "-1"},
            ],
        },
        headers=salon["headers"],
    )
    refused(answer, 422, "lines[1].quantity")
    items = await get(client, salon, "stock/items")
    assert items["items"][0]["levels"] == []
    renamed = await client.patch(
        f"/api/v1/salon/stock/items/{dye['id']}", json={"archived": True}, headers=salon["headers"]
    )
    assert renamed.status_code == 200 and renamed.json()["archived"] is True
    assert (await get(client, salon, "stock/items"))["items"] == []


# Settings


async def test_salon_settings_start_with_defaults_and_change_within_their_rules(client, salon):
    first = await get(client, salon, "settings")
    assert first["reminder_hours"] == [24, 2]
    assert first["reminder_channels"] == ["telegram", "sms", "email"]
    assert (first["vip_quarters"], float(first["vip_spend"])) == (6, 15000)
    changed = await client.put(
        "/api/v1/salon/settings",
        json={
            "reminder_hours": [3, 48],
            "reminder_channels": ["sms"],
            "rebook_days_early": 5,
            "vip_quarters": 4,
            "vip_spend": "30000",
        },
        headers=salon["headers"],
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["reminder_hours"] == [48, 3]
    for body, field in [
        ({"reminder_hours": []}, "reminder_hours"),
        ({"reminder_hours": [1, 2, 3, 4]}, "reminder_hours"),
        ({"reminder_hours": [169]}, "reminder_hours"),
        ({"reminder_channels": ["pigeon"]}, "reminder_channels"),
        ({"reminder_channels": ["sms", "sms"]}, "reminder_channels"),
        ({"rebook_days_early": 31}, "rebook_days_early"),
        ({"vip_quarters": 9}, "vip_quarters"),
        ({"vip_spend": "-5"}, "vip_spend"),
    ]:
        answer = await client.put("/api/v1/salon/settings", json=body, headers=salon["headers"])
        refused(answer, 422, field)
    kept = await get(client, salon, "settings")
    assert (kept["reminder_hours"], kept["vip_quarters"]) == ([48, 3], 4)


# Who may


async def test_an_employee_reads_the_catalog_but_cannot_change_it(client, salon, join, sign_in):  # noqa: F811
    service = await add_service(client, salon)
    location = await add_location(client, salon)
    employee = await join(salon, "employee")
    browser = await sign_in(employee["email"], slug=salon["tenant"]["slug"])
    listed = await browser.get("/api/v1/salon/services")
    assert listed.status_code == 200 and listed.json()["items"][0]["name"] == "Haircut"
    assert (await browser.get(f"/api/v1/salon/locations/{location['id']}")).status_code == 200
    for answer in [
        await browser.patch(f"/api/v1/salon/services/{service['id']}", json={"price": "1"}),
        await browser.post(
            "/api/v1/salon/services", json={"name": "X", "duration_minutes": 30, "price": "1"}
        ),
        await browser.delete(f"/api/v1/salon/services/{service['id']}"),
        await browser.put("/api/v1/salon/settings", json={"vip_quarters": 2}),
        await browser.post(
            "/api/v1/salon/masters", json={"location_id": location["id"], "name": "Me"}
        ),
    ]:
        assert answer.status_code == 403, answer.text
    assert float((await get(client, salon, f"services/{service['id']}"))["price"]) == 1500


async def test_a_plan_without_the_salon_pack_is_refused_with_402(client, make_workspace):
    workspace = await make_workspace(company="Free Salon")
    location = await add_location(client, workspace)
    chosen = await client.put(
        "/api/v1/billing/subscription", json={"plan": "free"}, headers=workspace["headers"]
    )
    assert chosen.status_code == 200, chosen.text
    for answer in [
        await client.get("/api/v1/salon/services", headers=workspace["headers"]),
        await client.get(f"/api/v1/salon/locations/{location['id']}", headers=workspace["headers"]),
        await client.post(
            "/api/v1/salon/locations", json={"name": "B"}, headers=workspace["headers"]
        ),
        await client.get("/api/v1/salon/settings", headers=workspace["headers"]),
    ]:
        assert answer.status_code == 402, answer.text
        assert "salon" in answer.json()["detail"]


async def test_another_workspaces_salons_services_and_masters_answer_404(
    client, salon, make_workspace
):
    location = await add_location(client, salon)
    service = await add_service(client, salon)
    master = await add_master(client, salon, location)
    time_off = await post(
        client, salon, f"masters/{master['id']}/time-off", {"starts_on": "2027-01-05"}
    )
    item = await post(client, salon, "stock/items", {"name": "Dye"})
    stranger = await make_workspace(company="Other Salon")
    headers = stranger["headers"]
    for path in [
        f"locations/{location['id']}",
        f"services/{service['id']}",
        f"masters/{master['id']}",
    ]:
        assert (await client.get(f"/api/v1/salon/{path}", headers=headers)).status_code == 404
        assert (
            await client.patch(f"/api/v1/salon/{path}", json={"name": "Mine"}, headers=headers)
        ).status_code == 404
        assert (await client.delete(f"/api/v1/salon/{path}", headers=headers)).status_code == 404
    master_path = f"/api/v1/salon/masters/{master['id']}"
    assert (await client.get(f"{master_path}/time-off", headers=headers)).status_code == 404
    assert (
        await client.delete(f"{master_path}/time-off/{time_off['id']}", headers=headers)
    ).status_code == 404
    assert (
        await client.put(f"{master_path}/hours", json={"hours": []}, headers=headers)
    ).status_code == 404
    assert (
        await client.put(f"{master_path}/services", json={"services": []}, headers=headers)
    ).status_code == 404
    assert (
        await client.patch(
            f"/api/v1/salon/stock/items/{item['id']}", json={"name": "X"}, headers=headers
        )
    ).status_code == 404
    assert (
        await client.get(
            f"/api/v1/salon/stock/reorder?location_id={location['id']}", headers=headers
        )
    ).status_code == 404
    # Their ids in a body are no better than unknown ones.
    mine = await add_location(client, stranger)
    theirs = await client.post(
        "/api/v1/salon/masters", json={"location_id": location["id"], "name": "X"}, headers=headers
    )
    refused(theirs, 422, "location_id")
    receipt = await client.post(
        "/api/v1/salon/stock/receipts",
        headers=headers,
        json={"location_id": mine["id"], "lines": [{"item_id": item["id"], "quantity": "1"}]},
    )
    refused(receipt, 422, "lines[0].item_id")
    assert (await get(client, salon, f"masters/{master['id']}"))["name"] == "Anna"


async def test_renaming_a_stock_item_onto_a_taken_name_is_a_409_and_changes_nothing(
    client, make_workspace
):
    salon = await make_workspace(company="Stock Names Salon")
    headers = salon["headers"]
    made = [
        await client.post("/api/v1/salon/stock/items", json={"name": name}, headers=headers)
        for name in ("Шампунь", "Бальзам")
    ]
    assert [answer.status_code for answer in made] == [201, 201], made[1].text
    second = made[1].json()["id"]
    renamed = await client.patch(
        f"/api/v1/salon/stock/items/{second}", json={"name": "Шампунь"}, headers=headers
    )
    assert renamed.status_code == 409, renamed.text
    assert renamed.json()["field"] == "name"
    listed = await client.get("/api/v1/salon/stock/items", headers=headers)
    assert sorted(item["name"] for item in listed.json()["items"]) == ["Бальзам", "Шампунь"]
