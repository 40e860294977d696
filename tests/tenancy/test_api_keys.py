"""Personal API keys: named, prefixed, shown once, revocable, optionally expiring, paginated."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from atrium.platform.auth.models import ApiKey


async def test_a_new_key_works_at_once_and_is_listed_without_its_secret(client, make_workspace):
    owner = await make_workspace()
    created = await client.post(
        "/api/v1/api-keys", json={"name": "Zapier"}, headers=owner["headers"]
    )
    assert created.status_code == 201
    key = created.json()["key"]
    assert key.startswith(f"atr_{created.json()['prefix']}_")
    me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
    assert me.json()["authenticated_by"] == "api_key"
    listed = (await client.get("/api/v1/api-keys", headers=owner["headers"])).json()
    assert {item["name"] for item in listed["items"]} == {"Signup", "Zapier"}
    assert key not in str(listed)


async def test_a_revoked_key_is_refused(client, make_workspace):
    owner = await make_workspace()
    created = (
        await client.post("/api/v1/api-keys", json={"name": "Old"}, headers=owner["headers"])
    ).json()
    used = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {created['key']}"})
    assert used.status_code == 200  # and remembered for a few seconds: revoking forgets it
    revoked = await client.delete(f"/api/v1/api-keys/{created['id']}", headers=owner["headers"])
    assert revoked.status_code == 204
    answer = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {created['key']}"})
    assert answer.status_code == 401
    assert answer.headers["content-type"] == "application/problem+json"
    assert "revoked" in answer.json()["detail"]


async def test_an_expired_key_is_refused(client, db, make_workspace):
    owner = await make_workspace()
    soon = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    created = (
        await client.post(
            "/api/v1/api-keys", json={"name": "Temp", "expires_at": soon}, headers=owner["headers"]
        )
    ).json()
    async with db.shared_transaction() as session:
        await session.execute(
            update(ApiKey)
            .where(ApiKey.id == created["id"])
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    answer = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {created['key']}"})
    assert answer.status_code == 401


async def test_an_expiry_in_the_past_or_a_blank_name_is_refused(client, make_workspace):
    owner = await make_workspace()
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    answer = await client.post(
        "/api/v1/api-keys", json={"name": "X", "expires_at": past}, headers=owner["headers"]
    )
    assert answer.status_code == 422 and "future" in answer.json()["detail"]
    answer = await client.post("/api/v1/api-keys", json={"name": "  "}, headers=owner["headers"])
    assert answer.status_code == 422 and "name" in answer.json()["detail"]


async def test_keys_are_listed_newest_first_page_by_page(client, make_workspace):
    owner = await make_workspace()
    for number in range(4):
        await client.post(
            "/api/v1/api-keys", json={"name": f"Key {number}"}, headers=owner["headers"]
        )
    names, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (
            await client.get("/api/v1/api-keys", params=params, headers=owner["headers"])
        ).json()
        names += [item["name"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert names == ["Key 3", "Key 2", "Key 1", "Key 0", "Signup"]


async def test_a_forged_cursor_or_limit_is_a_clear_422(client, make_workspace):
    owner = await make_workspace()
    forged = await client.get(
        "/api/v1/api-keys", params={"cursor": "bm9wZQ"}, headers=owner["headers"]
    )
    assert forged.status_code == 422 and "cursor" in forged.json()["detail"]
    too_many = await client.get("/api/v1/api-keys", params={"limit": 0}, headers=owner["headers"])
    assert too_many.status_code == 422 and "limit" in too_many.json()["detail"]


async def test_a_malformed_authorization_header_is_a_401_problem(client):
    for header in ("Basic abc", "Bearer ", "Bearer atr_only-two"):
        answer = await client.get("/api/v1/me", headers={"Authorization": header})
        assert answer.status_code == 401
        assert answer.headers["content-type"] == "application/problem+json"
