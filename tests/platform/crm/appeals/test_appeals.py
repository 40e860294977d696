"""The appeals register: every appeal with its channel, kind, subject, result and decision."""

from datetime import UTC, datetime, timedelta

import pytest


@pytest.fixture(scope="module")
async def shop(make_workspace):
    return await make_workspace(company="Appeals Tools", vertical="retail", locale="ru")


async def test_an_appeal_is_recorded_answered_and_shown_on_the_customer_card(client, shop):
    headers = shop["headers"]
    customer = (
        await client.post("/api/v1/contacts", json={"first_name": "Сергей"}, headers=headers)
    ).json()
    recorded = await client.post(
        "/api/v1/appeals",
        json={
            "contact_id": customer["id"],
            "channel": "phone",
            "kind": "inquiry",
            "subject": "Масло для пилы STIHL 1 л",
            "summary": "Есть ли в наличии",
        },
        headers=headers,
    )
    assert recorded.status_code == 201, recorded.text
    appeal = recorded.json()
    assert appeal["employee_id"] == shop["user"]["id"]
    assert appeal["answered_at"] is None and appeal["overdue"] is False
    answered = await client.patch(
        f"/api/v1/appeals/{appeal['id']}",
        json={"result": "Есть, отложили до субботы"},
        headers=headers,
    )
    assert answered.json()["answered_at"] is not None
    timeline = (
        await client.get(f"/api/v1/contacts/{customer['id']}/timeline", headers=headers)
    ).json()["items"]
    [entry] = [e for e in timeline if e["kind"] == "appeal"]
    assert entry["data"]["subject"] == "Масло для пилы STIHL 1 л"
    assert entry["data"]["result"] == "Есть, отложили до субботы"


async def test_a_complaint_past_its_limit_is_flagged_for_the_manager(client, shop):
    headers = shop["headers"]
    two_days_ago = (datetime.now(UTC) - timedelta(days=2)).isoformat()
    late = (
        await client.post(
            "/api/v1/appeals",
            json={
                "channel": "visit",
                "kind": "complaint",
                "received_at": two_days_ago,
                "summary": "Сломался шуруповёрт",
            },
            headers=headers,
        )
    ).json()
    assert late["overdue"] is True and late["flagged_for_manager"] is True
    slow_inquiry = (
        await client.post(
            "/api/v1/appeals",
            json={
                "channel": "email",
                "kind": "inquiry",
                "received_at": two_days_ago,
                "response_limit_hours": 72,
            },
            headers=headers,
        )
    ).json()
    assert slow_inquiry["overdue"] is False
    overdue = (await client.get("/api/v1/appeals?overdue=true", headers=headers)).json()["items"]
    assert late["id"] in [a["id"] for a in overdue]
    assert slow_inquiry["id"] not in [a["id"] for a in overdue]
    decided = await client.patch(
        f"/api/v1/appeals/{late['id']}",
        json={"result": "Приняли в ремонт", "manager_decision": "Ремонт за счёт магазина"},
        headers=headers,
    )
    assert decided.json()["flagged_for_manager"] is False
    assert decided.json()["manager_decision"] == "Ремонт за счёт магазина"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"channel": "pigeon", "kind": "inquiry"}, "channel"),
        ({"channel": "phone", "kind": "rant"}, "kind"),
        (
            {"channel": "phone", "kind": "order", "received_at": "2099-01-01T00:00:00+00:00"},
            "received_at",
        ),
        (
            {"channel": "phone", "kind": "order", "received_at": "2026-01-01T10:00:00"},
            "received_at",
        ),
        ({"channel": "phone", "kind": "order", "response_limit_hours": 0}, "response_limit_hours"),
        (
            {
                "channel": "phone",
                "kind": "order",
                "contact_id": "00000000-0000-0000-0000-000000000001",
            },
            "contact_id",
        ),
    ],
)
async def test_bad_appeals_are_a_422_naming_the_field(client, shop, payload, field):
    answer = await client.post("/api/v1/appeals", json=payload, headers=shop["headers"])
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == field


async def test_an_employee_cannot_write_the_managers_decision(client, shop, join, sign_in):
    employee = await join(shop, "employee")
    as_employee = await sign_in(employee["email"], slug=shop["tenant"]["slug"])
    mine = await as_employee.post("/api/v1/appeals", json={"channel": "phone", "kind": "order"})
    assert mine.status_code == 201
    refused = await as_employee.patch(
        f"/api/v1/appeals/{mine.json()['id']}", json={"manager_decision": "Скидка 50%"}
    )
    assert refused.status_code == 403


async def test_another_workspaces_appeal_is_a_404(client, shop, make_workspace):
    other = await make_workspace(company="Appeals Rival")
    theirs = (
        await client.post(
            "/api/v1/appeals", json={"channel": "phone", "kind": "order"}, headers=other["headers"]
        )
    ).json()
    for method in ("GET", "PATCH"):
        answer = await client.request(
            method,
            f"/api/v1/appeals/{theirs['id']}",
            json={"result": "x"} if method == "PATCH" else None,
            headers=shop["headers"],
        )
        assert answer.status_code == 404


async def test_the_employee_of_an_appeal_is_a_member_of_this_workspace(
    client, shop, make_workspace, join
):
    # It was stored as given: another workspace's member (or any id) became the employee.
    other = await make_workspace(company="Appeals Stranger")
    colleague = await join(shop, "employee")
    answers = {}
    for who, user_id in [
        ("stranger", other["user"]["id"]),
        ("nobody", "6f1c5b0e-5d1f-4c55-9d7e-2a43f5d0c1aa"),
        ("colleague", colleague["user_id"]),
    ]:
        answers[who] = await client.post(
            "/api/v1/appeals",
            json={"channel": "phone", "kind": "order", "employee_id": user_id},
            headers=shop["headers"],
        )
    stranger, nobody = answers["stranger"].json(), answers["nobody"].json()
    assert answers["stranger"].status_code == answers["nobody"].status_code == 422
    assert stranger["field"] == nobody["field"] == "employee_id"
    assert stranger["detail"].replace(other["user"]["id"], "<id>") == nobody["detail"].replace(
        "6f1c5b0e-5d1f-4c55-9d7e-2a43f5d0c1aa", "<id>"
    )
    assert "не участник этого рабочего пространства" in stranger["detail"]
    assert answers["colleague"].status_code == 201
    assert answers["colleague"].json()["employee_id"] == colleague["user_id"]
    listed = (await client.get("/api/v1/appeals", headers=shop["headers"])).json()["items"]
    assert other["user"]["id"] not in {appeal["employee_id"] for appeal in listed}
