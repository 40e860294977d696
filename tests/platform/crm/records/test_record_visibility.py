"""An employee sees and edits the records they own; managers, admins and owners see all."""

import uuid

import pytest


@pytest.fixture(scope="module")
async def team(make_workspace):
    return await make_workspace(company="Visibility Windows", vertical="fieldservice")


async def test_an_employee_sees_only_their_own_contacts_until_shared(client, team, join, sign_in):
    slug = team["tenant"]["slug"]
    employee = await join(team, "employee")
    as_employee = await sign_in(employee["email"], slug=slug)

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
    assert (await as_employee.get("/api/v1/audit")).status_code == 403

    everyone = {
        c["first_name"]
        for c in (await client.get("/api/v1/contacts", headers=team["headers"])).json()["items"]
    }
    assert {"Owner's client", "Employee's client"} <= everyone


async def test_teams_share_records_and_managers_see_their_teams_records(
    client, make_workspace, join, sign_in
):
    shop = await make_workspace(company="Team Windows", vertical="fieldservice")
    slug = shop["tenant"]["slug"]
    people = {name: await join(shop, role) for name, role in (
        ("anna", "employee"), ("boris", "employee"), ("vera", "employee"),
        ("max", "manager"), ("admin", "admin"),
    )}  # fmt: skip
    browsers = {name: await sign_in(p["email"], slug=slug) for name, p in people.items()}
    north = await client.post(
        "/api/v1/teams",
        json={
            "name": "North",
            "member_ids": [people[n]["user_id"] for n in ("anna", "boris", "max")],
        },
        headers=shop["headers"],
    )
    assert north.status_code == 201, north.text
    north_id = north.json()["id"]

    def names(answer):
        assert answer.status_code == 200, answer.text
        return {item["first_name"] for item in answer.json()["items"]}

    private = await browsers["anna"].post("/api/v1/contacts", json={"first_name": "Anna private"})
    shared = await browsers["anna"].post(
        "/api/v1/contacts", json={"first_name": "Anna shared", "team_id": north_id}
    )
    assert shared.status_code == 201 and shared.json()["team_id"] == north_id
    await browsers["vera"].post("/api/v1/contacts", json={"first_name": "Vera's own"})

    # A teammate sees (and may edit) what is shared with the team, not the rest.
    assert names(await browsers["boris"].get("/api/v1/contacts")) == {"Anna shared"}
    edited = await browsers["boris"].patch(
        f"/api/v1/contacts/{shared.json()['id']}", json={"notes": "called back"}
    )
    assert edited.status_code == 200, edited.text
    assert (
        await browsers["boris"].get(f"/api/v1/contacts/{private.json()['id']}")
    ).status_code == 404
    # Outside the team: nothing of Anna's.
    assert names(await browsers["vera"].get("/api/v1/contacts")) == {"Vera's own"}
    # The team's manager sees all its members own, shared or not, but not other teams'.
    assert names(await browsers["max"].get("/api/v1/contacts")) == {"Anna private", "Anna shared"}
    assert (
        await browsers["max"].get(f"/api/v1/contacts/{private.json()['id']}")
    ).status_code == 200
    found = await browsers["max"].get("/api/v1/search", params={"q": "vera"})
    assert found.json()["items"] == []
    # Admins see everything.
    assert {"Anna private", "Anna shared", "Vera's own"} <= names(
        await browsers["admin"].get("/api/v1/contacts")
    )
    # Sharing with a team one is not in is refused, naming the field.
    refused = await browsers["vera"].post(
        "/api/v1/contacts", json={"first_name": "Sneaky", "team_id": north_id}
    )
    assert refused.status_code == 422 and refused.json()["field"] == "team_id"
    # Deleting the team unshares its records; nothing else is lost.
    gone = await client.delete(f"/api/v1/teams/{north_id}", headers=shop["headers"])
    assert gone.status_code == 204
    assert names(await browsers["boris"].get("/api/v1/contacts")) == set()
    assert names(await browsers["anna"].get("/api/v1/contacts")) == {"Anna private", "Anna shared"}


async def test_teams_are_managed_by_admins_and_hold_only_members(
    client, make_workspace, join, sign_in
):
    shop = await make_workspace(company="Team Rules")
    employee = await join(shop, "employee")
    as_employee = await sign_in(employee["email"], slug=shop["tenant"]["slug"])
    refused = await as_employee.post("/api/v1/teams", json={"name": "Mine"})
    assert refused.status_code == 403
    stranger = await client.post(
        "/api/v1/teams",
        json={"name": "Ghosts", "member_ids": ["00000000-0000-4000-8000-000000000001"]},
        headers=shop["headers"],
    )
    assert stranger.status_code == 422 and stranger.json()["field"] == "member_ids[0]"
    made = await client.post("/api/v1/teams", json={"name": "Sales"}, headers=shop["headers"])
    assert made.status_code == 201
    again = await client.post("/api/v1/teams", json={"name": "sales"}, headers=shop["headers"])
    assert again.status_code == 409
    listed = await as_employee.get("/api/v1/teams")
    assert [team["name"] for team in listed.json()["items"]] == ["Sales"]


async def test_a_record_owner_must_be_a_member_of_the_workspace(client, make_workspace):
    shop = await make_workspace(company="Owner Rules")
    other = await make_workspace(company="Other Owner Rules")
    for path, body in (
        ("/api/v1/contacts", {"first_name": "X"}),
        ("/api/v1/companies", {"name": "X"}),
    ):
        answer = await client.post(
            path, json={**body, "owner_id": other["user"]["id"]}, headers=shop["headers"]
        )
        assert answer.status_code == 422, answer.text
        assert answer.json()["field"] == "owner_id"


async def test_no_write_of_a_contact_company_or_deal_gives_it_to_an_outsider(
    client, make_workspace
):
    shop = await make_workspace(company="Owner Rules Everywhere")
    other = await make_workspace(company="Other Owner Rules Everywhere")
    headers, outsider = shop["headers"], other["user"]["id"]
    pipelines = (await client.get("/api/v1/pipelines", headers=headers)).json()["items"]
    for path, body in (
        ("/api/v1/contacts", {"first_name": "X"}),
        ("/api/v1/companies", {"name": "X"}),
        ("/api/v1/deals", {"title": "X", "pipeline_id": pipelines[0]["id"]}),
    ):
        refused = await client.post(path, json={**body, "owner_id": outsider}, headers=headers)
        assert refused.status_code == 422 and refused.json()["field"] == "owner_id", refused.text
        made = await client.post(path, json=body, headers=headers)
        assert made.status_code == 201, made.text
        record = f"{path}/{made.json()['id']}"
        for owner in (outsider, str(uuid.uuid4())):
            changed = await client.patch(record, json={"owner_id": owner}, headers=headers)
            assert changed.status_code == 422 and changed.json()["field"] == "owner_id"
        mine = await client.patch(record, json={"owner_id": shop["user"]["id"]}, headers=headers)
        assert mine.status_code == 200, mine.text
        assert (await client.get(record, headers=headers)).json()["owner_id"] == shop["user"]["id"]


async def test_another_workspaces_team_is_unreachable(client, make_workspace):
    shop = await make_workspace(company="Team Tenancy")
    other = await make_workspace(company="Team Tenancy Other")
    team = await client.post("/api/v1/teams", json={"name": "Ours"}, headers=shop["headers"])
    team_id = team.json()["id"]
    assert (
        await client.get(f"/api/v1/teams/{team_id}", headers=other["headers"])
    ).status_code == 404
    assert (
        await client.delete(f"/api/v1/teams/{team_id}", headers=other["headers"])
    ).status_code == 404
    shared = await client.post(
        "/api/v1/contacts", json={"first_name": "Y", "team_id": team_id}, headers=other["headers"]
    )
    assert shared.status_code == 422 and shared.json()["field"] == "team_id"
    assert (
        await client.get(f"/api/v1/teams/{team_id}", headers=shop["headers"])
    ).status_code == 200


async def test_the_duplicate_check_names_a_contact_only_to_those_who_may_see_it(
    client, team, join, sign_in, new_browser
):
    slug = team["tenant"]["slug"]
    employee = await join(team, "employee")
    as_employee = await sign_in(employee["email"], slug=slug)
    phones = [{"number": "+7 916 555-44-33"}]
    hidden = await client.post(
        "/api/v1/contacts",
        json={"first_name": "Secret", "last_name": "Client", "phones": phones},
        headers=team["headers"],
    )
    assert hidden.status_code == 201
    refused = await as_employee.post(
        "/api/v1/contacts",
        json={"first_name": "Mine", "phones": [{"number": "+7 916 555-44-33"}]},
    )
    assert refused.status_code == 409, refused.text
    assert "Secret" not in refused.text and hidden.json()["id"] not in refused.text
    assert refused.json()["detail"].startswith("A contact not shared with you already has")
    # The page says as much, with no link to the card and no merge.
    page_browser = await sign_in(employee["email"])
    csrf = page_browser.headers.pop("X-CSRF-Token")
    form = await page_browser.post(
        f"/w/{slug}/contacts",
        data={"csrf_token": csrf, "first_name": "Mine", "phone": "+7 916 555-44-33"},
    )
    assert form.status_code == 409
    assert "A contact not shared with you already has this phone or e-mail." in form.text
    assert "Secret" not in form.text and hidden.json()["id"] not in form.text
    # Whoever may see it is told whose it is, as before.
    owners = await client.post(
        "/api/v1/contacts",
        json={"first_name": "Again", "phones": [{"number": "+7 916 555-44-33"}]},
        headers=team["headers"],
    )
    assert owners.status_code == 409 and "Client Secret" in owners.json()["detail"]
    assert hidden.json()["id"] in owners.json()["detail"]
