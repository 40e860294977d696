"""Leads: the unsorted inbox, assignment rules, and conversion into a contact plus a deal."""

import pytest


@pytest.fixture(scope="module")
async def call_center(make_workspace):
    return await make_workspace(company="Leads Windows", vertical="fieldservice", locale="ru")


async def test_a_lead_without_a_matching_rule_waits_in_the_unsorted_inbox(client, call_center):
    lead = await client.post(
        "/api/v1/leads",
        json={
            "source": "form",
            "name": "Ирина",
            "phone": "8 926 700-00-01",
            "message": "Окно на кухню",
        },
        headers=call_center["headers"],
    )
    assert lead.status_code == 201, lead.text
    assert lead.json()["status"] == "unsorted" and lead.json()["phone"] == "+79267000001"
    inbox = (
        await client.get("/api/v1/leads?status=unsorted", headers=call_center["headers"])
    ).json()
    assert lead.json()["id"] in [item["id"] for item in inbox["items"]]


async def test_round_robin_and_least_loaded_rules_share_leads(client, call_center, join):
    first = await join(call_center, "employee")
    second = await join(call_center, "employee")
    headers = call_center["headers"]
    rule = await client.post(
        "/api/v1/assignment-rules",
        json={
            "name": "Звонки по кругу",
            "source": "call",
            "user_ids": [first["user_id"], second["user_id"]],
        },
        headers=headers,
    )
    assert rule.status_code == 201, rule.text
    made = []
    for number in range(4):
        lead = await client.post(
            "/api/v1/leads", json={"source": "call", "name": f"Звонок {number}"}, headers=headers
        )
        made.append(lead.json())
    assert [lead["assignee_id"] for lead in made] == [first["user_id"], second["user_id"]] * 2

    await client.post(
        "/api/v1/assignment-rules",
        json={
            "name": "Москва — наименее загруженному",
            "field": "city",
            "value": "Москва",
            "strategy": "least_loaded",
            "user_ids": [first["user_id"], second["user_id"]],
        },
        headers=headers,
    )
    # The second employee converts one of theirs, so has fewer open leads now.
    converted = await client.post(
        f"/api/v1/leads/{made[1]['id']}/convert", json={}, headers=headers
    )
    assert converted.status_code == 200
    chat = await client.post(
        "/api/v1/leads",
        json={"source": "chat", "name": "Чат", "fields": {"city": "Москва"}},
        headers=headers,
    )
    assert chat.json()["status"] == "assigned"
    assert chat.json()["assignee_id"] == second["user_id"]


async def test_converting_matches_an_existing_contact_and_opens_a_deal(client, call_center):
    headers = call_center["headers"]
    known = (
        await client.post(
            "/api/v1/contacts",
            json={"first_name": "Павел", "phones": [{"number": "+7 926 700-00-99"}]},
            headers=headers,
        )
    ).json()
    lead = (
        await client.post(
            "/api/v1/leads",
            json={"source": "call", "name": "Павел", "phone": "89267000099", "message": "Замер"},
            headers=headers,
        )
    ).json()
    converted = await client.post(f"/api/v1/leads/{lead['id']}/convert", json={}, headers=headers)
    assert converted.status_code == 200, converted.text
    assert converted.json()["status"] == "converted"
    assert converted.json()["contact_id"] == known["id"]
    deal = (
        await client.get(f"/api/v1/deals/{converted.json()['deal_id']}", headers=headers)
    ).json()
    assert deal["contact_id"] == known["id"] and deal["notes"] == "Замер"
    again = await client.post(f"/api/v1/leads/{lead['id']}/convert", json={}, headers=headers)
    assert again.status_code == 409

    fresh = (
        await client.post(
            "/api/v1/leads",
            json={"source": "form", "name": "Новый Клиент", "email": "new@client.example"},
            headers=headers,
        )
    ).json()
    made = (
        await client.post(f"/api/v1/leads/{fresh['id']}/convert", json={}, headers=headers)
    ).json()
    contact = (await client.get(f"/api/v1/contacts/{made['contact_id']}", headers=headers)).json()
    assert contact["first_name"] == "Новый" and contact["last_name"] == "Клиент"
    assert contact["source"] == "form"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"source": "pigeon", "name": "x"}, "source"),
        ({"source": "form"}, "name"),
        ({"source": "form", "phone": "123"}, "phone"),
        ({"source": "form", "email": "nope"}, "email"),
    ],
)
async def test_bad_leads_are_a_422_naming_the_field(client, call_center, payload, field):
    answer = await client.post("/api/v1/leads", json=payload, headers=call_center["headers"])
    assert answer.status_code == 422 and answer.json()["field"] == field


async def test_a_rule_only_assigns_members_and_another_workspaces_lead_is_a_404(
    client, call_center, make_workspace
):
    stranger = await make_workspace(company="Leads Rival")
    refused = await client.post(
        "/api/v1/assignment-rules",
        json={"name": "Чужой", "user_ids": [stranger["user"]["id"]]},
        headers=call_center["headers"],
    )
    assert refused.status_code == 422 and refused.json()["field"] == "user_ids[0]"
    theirs = (
        await client.post(
            "/api/v1/leads", json={"source": "form", "name": "X"}, headers=stranger["headers"]
        )
    ).json()
    for path in (f"/api/v1/leads/{theirs['id']}",):
        assert (await client.get(path, headers=call_center["headers"])).status_code == 404
    convert = await client.post(
        f"/api/v1/leads/{theirs['id']}/convert", json={}, headers=call_center["headers"]
    )
    assert convert.status_code == 404
