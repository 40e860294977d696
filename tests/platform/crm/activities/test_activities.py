"""Activities: "call client Y before 10:30 on Monday", and my tasks for today and overdue."""

from datetime import UTC, datetime, timedelta

import pytest


@pytest.fixture(scope="module")
async def office(make_workspace):
    return await make_workspace(company="Activity Office", vertical="fieldservice", locale="ru")


async def test_my_tasks_today_and_overdue(client, office):
    headers = office["headers"]
    customer = (
        await client.post("/api/v1/contacts", json={"first_name": "Юрий"}, headers=headers)
    ).json()
    now = datetime.now(UTC)
    later_today = now.replace(hour=20, minute=0) if now.hour < 19 else now + timedelta(minutes=30)
    today = await client.post(
        "/api/v1/activities",
        json={
            "kind": "call",
            "title": "Позвонить по замеру",
            "contact_id": customer["id"],
            "due_at": later_today.isoformat(),
        },
        headers=headers,
    )
    assert today.status_code == 201, today.text
    assert today.json()["assignee_id"] == office["user"]["id"]
    late = (
        await client.post(
            "/api/v1/activities",
            json={
                "kind": "task",
                "title": "Отправить смету",
                "due_at": (now - timedelta(days=1)).isoformat(),
            },
            headers=headers,
        )
    ).json()
    assert late["overdue"] is True

    overdue = (
        await client.get("/api/v1/activities?assignee=me&due=overdue", headers=headers)
    ).json()
    assert [a["title"] for a in overdue["items"]] == ["Отправить смету"]
    done = await client.patch(
        f"/api/v1/activities/{late['id']}", json={"done": True}, headers=headers
    )
    assert done.json()["done"] is True and done.json()["overdue"] is False
    assert (await client.get("/api/v1/activities?assignee=me&due=overdue", headers=headers)).json()[
        "items"
    ] == []

    timeline = (
        await client.get(f"/api/v1/contacts/{customer['id']}/timeline", headers=headers)
    ).json()["items"]
    assert "activity.call" in [entry["kind"] for entry in timeline]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"kind": "party", "title": "x"}, "kind"),
        ({"kind": "task", "title": " "}, "title"),
        ({"kind": "task", "title": "x", "due_at": "2026-01-01T10:00:00"}, "due_at"),
        (
            {"kind": "task", "title": "x", "assignee_id": "00000000-0000-0000-0000-000000000009"},
            "assignee_id",
        ),
        (
            {"kind": "task", "title": "x", "deal_id": "00000000-0000-0000-0000-000000000009"},
            "deal_id",
        ),
        ({"title": "x"}, "kind"),
    ],
)
async def test_bad_activities_are_a_422_naming_the_field(client, office, payload, field):
    answer = await client.post("/api/v1/activities", json=payload, headers=office["headers"])
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == field


async def test_a_task_assigned_to_an_employee_is_theirs_to_see(client, office, join, sign_in):
    employee = await join(office, "employee")
    task = await client.post(
        "/api/v1/activities",
        json={"kind": "task", "title": "Замер в 10:30", "assignee_id": employee["user_id"]},
        headers=office["headers"],
    )
    assert task.status_code == 201, task.text
    as_employee = await sign_in(employee["email"], slug=office["tenant"]["slug"])
    mine = (await as_employee.get("/api/v1/activities?assignee=me")).json()["items"]
    assert [a["title"] for a in mine] == ["Замер в 10:30"]
    outsider = await client.post(
        "/api/v1/activities",
        json={"kind": "task", "title": "Not mine"},
        headers=office["headers"],
    )
    hidden = await as_employee.get(f"/api/v1/activities/{outsider.json()['id']}")
    assert hidden.status_code == 404


async def test_another_workspaces_activity_is_a_404(client, office, make_workspace):
    other = await make_workspace(company="Activity Rival")
    theirs = (
        await client.post(
            "/api/v1/activities", json={"kind": "task", "title": "Theirs"}, headers=other["headers"]
        )
    ).json()
    for method in ("GET", "PATCH", "DELETE"):
        answer = await client.request(
            method,
            f"/api/v1/activities/{theirs['id']}",
            json={"title": "Mine"} if method == "PATCH" else None,
            headers=office["headers"],
        )
        assert answer.status_code == 404, method
