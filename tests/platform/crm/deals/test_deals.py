"""Deals on pipelines: a window company's deal from the first call to installation."""

from datetime import datetime, timedelta

import pytest


@pytest.fixture(scope="module")
async def windows(make_workspace):
    return await make_workspace(company="Deal Windows", vertical="fieldservice", locale="ru")


async def _pipeline(client, workspace):
    pipelines = (await client.get("/api/v1/pipelines", headers=workspace["headers"])).json()
    return pipelines["items"][0]


async def test_a_new_workspace_starts_with_its_verticals_pipeline(client, windows, make_workspace):
    pipeline = await _pipeline(client, windows)
    assert pipeline["name"] == "Окна"
    assert [s["name"] for s in pipeline["stages"]][:3] == [
        "Уточнение потребности",
        "Замер",
        "Расчёт стоимости",
    ]
    assert [s["kind"] for s in pipeline["stages"]][-2:] == ["won", "lost"]
    shop = await make_workspace(company="Deal Shop", vertical="retail", locale="en")
    assert (await _pipeline(client, shop))["name"] == "Orders"


async def test_a_deal_moves_through_stages_with_who_and_when_and_needs_a_reason_to_be_lost(
    client, windows
):
    headers = windows["headers"]
    pipeline = await _pipeline(client, windows)
    stages = {s["name"]: s for s in pipeline["stages"]}
    customer = (
        await client.post("/api/v1/contacts", json={"first_name": "Игорь"}, headers=headers)
    ).json()
    created = await client.post(
        "/api/v1/deals",
        json={
            "title": "Три окна на дачу",
            "pipeline_id": pipeline["id"],
            "contact_id": customer["id"],
            "amount": "84500.50",
        },
        headers=headers,
    )
    assert created.status_code == 201, created.text
    deal = created.json()
    assert deal["stage_id"] == stages["Уточнение потребности"]["id"]
    assert deal["amount"] == "84500.50" and deal["currency"] == "RUB"

    moved = await client.post(
        f"/api/v1/deals/{deal['id']}/move",
        json={"stage_id": stages["Замер"]["id"]},
        headers=headers,
    )
    assert moved.status_code == 200 and moved.json()["stage_id"] == stages["Замер"]["id"]

    no_reason = await client.post(
        f"/api/v1/deals/{deal['id']}/move",
        json={"stage_id": stages["Не реализовано"]["id"]},
        headers=headers,
    )
    assert no_reason.status_code == 422 and no_reason.json()["field"] == "lost_reason"
    lost = await client.post(
        f"/api/v1/deals/{deal['id']}/move",
        json={"stage_id": stages["Не реализовано"]["id"], "lost_reason": "Дорого"},
        headers=headers,
    )
    assert lost.json()["lost_reason"] == "Дорого" and lost.json()["closed_at"] is not None

    moves = (await client.get(f"/api/v1/deals/{deal['id']}/moves", headers=headers)).json()
    assert [m["to_stage_id"] for m in moves] == [
        stages["Уточнение потребности"]["id"],
        stages["Замер"]["id"],
        stages["Не реализовано"]["id"],
    ]
    assert all(m["actor_id"] == windows["user"]["id"] for m in moves)

    timeline = (
        await client.get(f"/api/v1/contacts/{customer['id']}/timeline", headers=headers)
    ).json()["items"]
    deal_entries = [e for e in timeline if e["kind"].startswith("deal.")]
    assert [e["data"]["stage"] for e in deal_entries] == [
        "Не реализовано",
        "Замер",
        "Уточнение потребности",
    ]


async def test_a_stage_of_another_pipeline_or_a_bad_amount_is_refused(client, windows):
    headers = windows["headers"]
    other = await client.post(
        "/api/v1/pipelines",
        json={
            "name": "Сервис",
            "stages": [
                {"name": "Заявка"},
                {"name": "Готово", "kind": "won", "probability": 100},
                {"name": "Отказ", "kind": "lost"},
            ],
        },
        headers=headers,
    )
    assert other.status_code == 201, other.text
    main = await _pipeline(client, windows)
    deal = (
        await client.post(
            "/api/v1/deals", json={"title": "X", "pipeline_id": main["id"]}, headers=headers
        )
    ).json()
    wrong = await client.post(
        f"/api/v1/deals/{deal['id']}/move",
        json={"stage_id": other.json()["stages"][0]["id"]},
        headers=headers,
    )
    assert wrong.status_code == 422 and wrong.json()["field"] == "stage_id"
    for amount in ("-1", "12.345", "1e30"):
        bad = await client.patch(
            f"/api/v1/deals/{deal['id']}", json={"amount": amount}, headers=headers
        )
        assert bad.status_code in (400, 422), amount
    half_made = await client.post(
        "/api/v1/pipelines", json={"name": "Пусто", "stages": [{"name": "A"}]}, headers=headers
    )
    assert half_made.status_code == 422 and half_made.json()["field"] == "stages"


async def test_another_workspaces_deal_and_stage_are_unreachable(client, windows, make_workspace):
    other = await make_workspace(company="Deal Rival", vertical="fieldservice")
    their_pipeline = await _pipeline(client, other)
    theirs = (
        await client.post(
            "/api/v1/deals",
            json={"title": "Secret deal", "pipeline_id": their_pipeline["id"]},
            headers=other["headers"],
        )
    ).json()
    for method, path in (
        ("GET", f"/api/v1/deals/{theirs['id']}"),
        ("PATCH", f"/api/v1/deals/{theirs['id']}"),
        ("DELETE", f"/api/v1/deals/{theirs['id']}"),
        ("GET", f"/api/v1/pipelines/{their_pipeline['id']}"),
    ):
        answer = await client.request(
            method,
            path,
            json={"title": "Mine"} if method == "PATCH" else None,
            headers=windows["headers"],
        )
        assert answer.status_code == 404, (method, path)
    on_their_pipeline = await client.post(
        "/api/v1/deals",
        json={"title": "Sneaky", "pipeline_id": their_pipeline["id"]},
        headers=windows["headers"],
    )
    assert on_their_pipeline.status_code == 404
    kept = await client.get(f"/api/v1/deals/{theirs['id']}", headers=other["headers"])
    assert kept.json()["title"] == "Secret deal"


async def test_a_deal_past_its_stage_time_limit_is_stuck(client, make_workspace, settings):
    import sqlalchemy as sa

    shop = await make_workspace(company="Stuck Windows", vertical="fieldservice")
    headers = shop["headers"]
    pipeline = await client.post(
        "/api/v1/pipelines",
        json={
            "name": "Замеры",
            "stages": [
                {"name": "Замер", "kind": "open", "time_limit_hours": 48},
                {"name": "Договор", "kind": "open"},
                {"name": "Установлено", "kind": "won"},
                {"name": "Отказ", "kind": "lost"},
            ],
        },
        headers=headers,
    )
    assert pipeline.status_code == 201, pipeline.text
    deal = await client.post(
        "/api/v1/deals",
        json={"title": "Окна на дачу", "pipeline_id": pipeline.json()["id"]},
        headers=headers,
    )
    body = deal.json()
    due = datetime.fromisoformat(body["stage_due_at"])
    assert due - datetime.fromisoformat(body["stage_changed_at"]) == timedelta(hours=48)
    stuck = await client.get("/api/v1/deals", params={"stuck": "true"}, headers=headers)
    assert stuck.json()["items"] == []

    engine = sa.create_engine(settings.database_url)  # three days pass
    with engine.begin() as connection:
        schema = connection.execute(
            sa.text("SELECT schema_name FROM atrium.tenants WHERE slug = :slug"),
            {"slug": shop["tenant"]["slug"]},
        ).scalar_one()
        connection.execute(
            sa.text(
                f"UPDATE {schema}.deals SET stage_changed_at = now() - interval '3 days',"
                " stage_due_at = now() - interval '1 day'"
            )
        )
    engine.dispose()
    stuck = await client.get("/api/v1/deals", params={"stuck": "true"}, headers=headers)
    assert [d["title"] for d in stuck.json()["items"]] == ["Окна на дачу"]
    next_stage = pipeline.json()["stages"][1]["id"]
    moved = await client.post(
        f"/api/v1/deals/{body['id']}/move", json={"stage_id": next_stage}, headers=headers
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["stage_due_at"] is None  # the next stage has no limit
    stuck = await client.get("/api/v1/deals", params={"stuck": "true"}, headers=headers)
    assert stuck.json()["items"] == []
