"""An employee sees and edits the records they own; managers, admins and owners see all."""

import pytest


@pytest.fixture(scope="module")
async def team(make_workspace):
    return await make_workspace(company="Visibility Windows", vertical="fieldservice")


async def test_an_employee_sees_only_their_own_contacts_and_a_manager_sees_all(
    client, team, join, sign_in
):
    slug = team["tenant"]["slug"]
    employee = await join(team, "employee")
    manager = await join(team, "manager")
    as_employee = await sign_in(employee["email"], slug=slug)
    as_manager = await sign_in(manager["email"], slug=slug)

    owners = await client.post(
        "/api/v1/contacts", json={"first_name": "Owner's client"}, headers=team["headers"]
    )
    mine = await as_employee.post("/api/v1/contacts", json={"first_name": "Employee's client"})
    assert mine.status_code == 201, mine.text

    seen = {c["first_name"] for c in (await as_employee.get("/api/v1/contacts")).json()["items"]}
    assert seen == {"Employee's client"}
    hidden = await as_employee.get(f"/api/v1/contacts/{owners.json()['id']}")
    assert hidden.status_code == 404
    changed = await as_employee.patch(
        f"/api/v1/contacts/{owners.json()['id']}", json={"first_name": "Taken"}
    )
    assert changed.status_code == 404
    refused = await as_employee.delete(f"/api/v1/contacts/{mine.json()['id']}")
    assert refused.status_code == 403

    everyone = {c["first_name"] for c in (await as_manager.get("/api/v1/contacts")).json()["items"]}
    assert {"Owner's client", "Employee's client"} <= everyone
    assert (await as_manager.get("/api/v1/audit")).status_code == 200
    assert (await as_employee.get("/api/v1/audit")).status_code == 403
