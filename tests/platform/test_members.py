"""Members: everyone sees who is in the workspace; owners and admins change roles and remove
people, never beyond what they may grant and never leaving the workspace without an owner."""

from sqlalchemy import select

from atrium.platform.auth.models import ApiKey, Membership

MISSING = "00000000-0000-4000-8000-000000000000"


async def _roles(db, slug_owner: dict) -> dict[str, str]:
    async with db.shared_transaction() as session:
        rows = await session.execute(
            select(Membership.user_id, Membership.role).where(
                Membership.tenant_id == slug_owner["tenant"]["id"]
            )
        )
        return {str(user_id): role.value for user_id, role in rows}


async def test_members_are_listed_with_their_roles(client, sign_in, join, make_workspace):
    owner = await make_workspace()
    employee = await join(owner, "employee")
    as_employee = await sign_in(employee["email"], slug=owner["tenant"]["slug"])
    answer = await as_employee.get("/api/v1/members")
    assert answer.status_code == 200
    body = answer.json()
    assert body["next_cursor"] is None
    assert [(m["email"], m["role"]) for m in body["items"]] == [
        (owner["user"]["email"], "owner"),
        (employee["email"], "employee"),
    ]
    assert body["items"][1]["user_id"] == employee["user_id"]
    assert body["items"][1]["name"] == "Employee"


async def test_members_are_listed_page_by_page(client, join, make_workspace):
    owner = await make_workspace()
    for _ in range(2):
        await join(owner, "employee")
    first = (await client.get("/api/v1/members?limit=2", headers=owner["headers"])).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = await client.get(
        "/api/v1/members",
        params={"limit": 2, "cursor": first["next_cursor"]},
        headers=owner["headers"],
    )
    assert len(rest.json()["items"]) == 1 and rest.json()["next_cursor"] is None


async def test_an_owner_changes_a_role(client, join, make_workspace, db):
    owner = await make_workspace()
    member = await join(owner, "employee")
    answer = await client.patch(
        f"/api/v1/members/{member['user_id']}", json={"role": "manager"}, headers=owner["headers"]
    )
    assert answer.status_code == 200
    assert answer.json()["role"] == "manager" and answer.json()["email"] == member["email"]
    assert (await _roles(db, owner))[member["user_id"]] == "manager"


async def test_an_admin_cannot_make_owners_or_touch_them(sign_in, join, make_workspace, db):
    owner = await make_workspace()
    admin, employee = await join(owner, "admin"), await join(owner, "employee")
    as_admin = await sign_in(admin["email"], slug=owner["tenant"]["slug"])
    promote = await as_admin.patch(f"/api/v1/members/{employee['user_id']}", json={"role": "owner"})
    demote = await as_admin.patch(
        f"/api/v1/members/{owner['user']['id']}", json={"role": "employee"}
    )
    remove = await as_admin.delete(f"/api/v1/members/{owner['user']['id']}")
    assert promote.status_code == demote.status_code == remove.status_code == 403
    roles = await _roles(db, owner)
    assert roles[owner["user"]["id"]] == "owner" and roles[employee["user_id"]] == "employee"
    fine = await as_admin.patch(f"/api/v1/members/{employee['user_id']}", json={"role": "manager"})
    assert fine.status_code == 200


async def test_employees_and_managers_cannot_manage_members(sign_in, join, make_workspace):
    owner = await make_workspace()
    employee, manager = await join(owner, "employee"), await join(owner, "manager")
    for member in (employee, manager):
        browser = await sign_in(member["email"], slug=owner["tenant"]["slug"])
        change = await browser.patch(
            f"/api/v1/members/{owner['user']['id']}", json={"role": "employee"}
        )
        remove = await browser.delete(f"/api/v1/members/{owner['user']['id']}")
        assert change.status_code == remove.status_code == 403


async def test_the_last_owner_can_be_neither_demoted_nor_removed(client, join, make_workspace, db):
    owner = await make_workspace()
    me = owner["user"]["id"]
    demote = await client.patch(
        f"/api/v1/members/{me}", json={"role": "admin"}, headers=owner["headers"]
    )
    remove = await client.delete(f"/api/v1/members/{me}", headers=owner["headers"])
    assert demote.status_code == remove.status_code == 409
    assert "owner" in demote.json()["detail"]
    assert (await _roles(db, owner))[me] == "owner"

    second = await join(owner, "owner")
    assert (
        await client.patch(
            f"/api/v1/members/{me}", json={"role": "admin"}, headers=owner["headers"]
        )
    ).status_code == 200
    assert (await _roles(db, owner))[second["user_id"]] == "owner"


async def test_a_removed_member_loses_access_and_their_api_keys(
    client, sign_in, join, make_workspace, db
):
    owner = await make_workspace()
    member = await join(owner, "admin")
    browser = await sign_in(member["email"], slug=owner["tenant"]["slug"])
    key = (await browser.post("/api/v1/api-keys", json={"name": "Mine"})).json()["key"]
    answer = await client.delete(f"/api/v1/members/{member['user_id']}", headers=owner["headers"])
    assert answer.status_code == 204
    assert (await browser.get("/api/v1/me")).status_code == 401
    bearer = {"Authorization": f"Bearer {key}"}
    assert (await client.get("/api/v1/me", headers=bearer)).status_code == 401
    async with db.shared_transaction() as session:
        keys = await session.scalars(select(ApiKey.id).where(ApiKey.user_id == member["user_id"]))
        assert keys.all() == []
    assert member["user_id"] not in await _roles(db, owner)


async def test_another_workspaces_member_is_not_found_and_not_changed(
    client, join, make_workspace, db
):
    mine, theirs = await make_workspace(), await make_workspace()
    their_member = await join(theirs, "admin")
    for user_id in (their_member["user_id"], theirs["user"]["id"]):
        change = await client.patch(
            f"/api/v1/members/{user_id}", json={"role": "employee"}, headers=mine["headers"]
        )
        remove = await client.delete(f"/api/v1/members/{user_id}", headers=mine["headers"])
        missing = await client.delete(f"/api/v1/members/{MISSING}", headers=mine["headers"])
        assert change.status_code == remove.status_code == missing.status_code == 404
        assert change.json() == remove.json() == missing.json()
    roles = await _roles(db, theirs)
    assert roles == {theirs["user"]["id"]: "owner", their_member["user_id"]: "admin"}
    listed = (await client.get("/api/v1/members", headers=mine["headers"])).json()["items"]
    assert [m["email"] for m in listed] == [mine["user"]["email"]]


async def test_an_unknown_role_is_refused(client, join, make_workspace):
    owner = await make_workspace()
    member = await join(owner, "employee")
    answer = await client.patch(
        f"/api/v1/members/{member['user_id']}", json={"role": "king"}, headers=owner["headers"]
    )
    assert answer.status_code == 422 and answer.json()["field"] == "role"
