"""Segments: saved filters over contacts that stay current — tags, sources, spend, birthday
month, marketing consent per channel, custom fields, owner, company, having a phone or an
e-mail — with counts, checked conditions, and other workspaces out of reach."""

import pytest


async def contact(client, workspace, **fields) -> str:
    answer = await client.post("/api/v1/contacts", json=fields, headers=workspace["headers"])
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


async def won_deal(client, workspace, contact_id: str, amount: str) -> None:
    pipelines = await client.get("/api/v1/pipelines", headers=workspace["headers"])
    pipeline = pipelines.json()["items"][0]
    won = next(stage for stage in pipeline["stages"] if stage["kind"] == "won")
    deal = await client.post(
        "/api/v1/deals",
        json={"title": "Visit", "pipeline_id": pipeline["id"], "contact_id": contact_id,
              "amount": amount},
        headers=workspace["headers"],
    )  # fmt: skip
    moved = await client.post(
        f"/api/v1/deals/{deal.json()['id']}/move",
        json={"stage_id": won["id"]},
        headers=workspace["headers"],
    )
    assert moved.status_code == 200, moved.text


async def members(client, workspace, conditions) -> set[str]:
    saved = await client.post(
        "/api/v1/segments",
        json={"name": "Test", "conditions": conditions},
        headers=workspace["headers"],
    )
    assert saved.status_code == 201, saved.text
    listed = await client.get(
        f"/api/v1/segments/{saved.json()['id']}/contacts", headers=workspace["headers"]
    )
    assert listed.json()["count"] == saved.json()["count"]
    return {item["display_name"] for item in listed.json()["items"]}


@pytest.fixture(scope="module")
async def shop(make_workspace, client):
    workspace = await make_workspace(company="Segment Shop")
    field = await client.post(
        "/api/v1/custom-fields",
        json={"object_type": "contact", "key": "visits", "label": "Visits", "field_type": "number"},
        headers=workspace["headers"],
    )
    assert field.status_code in (200, 201), field.text
    anna = await contact(client, workspace, first_name="Anna", tags=["vip"], source="instagram",
                         birthday="1990-03-05", marketing_consent=True, custom={"visits": 12},
                         emails=[{"address": "anna@example.com"}])  # fmt: skip
    company = await client.post(
        "/api/v1/companies", json={"name": "Romashka LLC"}, headers=workspace["headers"]
    )
    assert company.status_code == 201, company.text
    await contact(client, workspace, first_name="Boris", source="website",
                  birthday="1985-03-20", marketing_consent=True, marketing_opt_outs=["email"],
                  custom={"visits": 2}, phones=[{"number": "+79160000077"}],
                  companies=[{"company_id": company.json()["id"], "role": "buyer"}])  # fmt: skip
    vera = await contact(client, workspace, first_name="Vera", tags=["vip", "new"],
                         birthday="1992-07-01")  # fmt: skip
    await won_deal(client, workspace, anna, "12000")
    await won_deal(client, workspace, vera, "2500")
    return workspace


@pytest.mark.parametrize(
    ("conditions", "expected"),
    [
        ([{"field": "tag", "op": "has", "value": "VIP"}], {"Anna", "Vera"}),
        ([{"field": "tag", "op": "has_not", "value": "vip"}], {"Boris"}),
        ([{"field": "source", "op": "is", "value": "Website"}], {"Boris"}),
        ([{"field": "first_name", "op": "contains", "value": "er"}], {"Vera"}),
        ([{"field": "spend", "op": "at_least", "value": "10000"}], {"Anna"}),
        ([{"field": "spend", "op": "less_than", "value": "3000"}], {"Boris", "Vera"}),
        ([{"field": "birthday_month", "op": "is", "value": 3}], {"Anna", "Boris"}),
        ([{"field": "consent", "op": "allows", "value": "email"}], {"Anna"}),
        ([{"field": "consent", "op": "allows", "value": "sms"}], {"Anna", "Boris"}),
        ([{"field": "custom.visits", "op": "at_least", "value": "10"}], {"Anna"}),
        ([{"field": "last_visit", "op": "within_days", "value": 30}], {"Anna", "Vera"}),
        ([{"field": "last_visit", "op": "not_within_days", "value": 30}], {"Boris"}),
        ([{"field": "company", "op": "is", "value": "romashka llc"}], {"Boris"}),
        ([{"field": "company", "op": "contains", "value": "Mash"}], {"Boris"}),
        ([{"field": "company", "op": "contains", "value": "Lyutik"}], set()),
        ([{"field": "company", "op": "empty"}], {"Anna", "Vera"}),
        ([{"field": "company", "op": "not_empty"}], {"Boris"}),
        ([{"field": "phone", "op": "not_empty"}], {"Boris"}),
        ([{"field": "phone", "op": "empty"}], {"Anna", "Vera"}),
        ([{"field": "email", "op": "not_empty"}], {"Anna"}),
        ([{"field": "email", "op": "empty"}], {"Boris", "Vera"}),
        ([{"field": "owner", "op": "not_empty"}], {"Anna", "Boris", "Vera"}),  # the creator
        ([{"field": "owner", "op": "empty"}], set()),
        (
            [
                {"field": "consent", "op": "allows", "value": "sms"},
                {"field": "phone", "op": "not_empty"},
            ],
            {"Boris"},
        ),  # fmt: skip
        (
            [
                {"field": "tag", "op": "has", "value": "vip"},
                {"field": "spend", "op": "less_than", "value": "5000"},
            ],
            {"Vera"},
        ),  # fmt: skip
    ],
)
async def test_conditions_pick_the_right_contacts(client, shop, conditions, expected):
    assert await members(client, shop, conditions) == expected


async def test_a_segment_stays_current_when_a_contact_changes(client, shop):
    saved = await client.post(
        "/api/v1/segments",
        json={"name": "Newcomers", "conditions": [{"field": "tag", "op": "has", "value": "new"}]},
        headers=shop["headers"],
    )
    assert saved.json()["count"] == 1
    boris = (await client.get("/api/v1/contacts?q=Boris", headers=shop["headers"])).json()
    boris_id = boris["items"][0]["id"]
    await client.patch(
        f"/api/v1/contacts/{boris_id}", json={"tags": ["new"]}, headers=shop["headers"]
    )
    again = await client.get(f"/api/v1/segments/{saved.json()['id']}", headers=shop["headers"])
    assert again.json()["count"] == 2


@pytest.mark.parametrize(
    "condition",
    [
        {"field": "height", "op": "is", "value": "1"},
        {"field": "tag", "op": "at_least", "value": "1"},
        {"field": "spend", "op": "at_least", "value": "lots"},
        {"field": "birthday_month", "op": "is", "value": 13},
        {"field": "consent", "op": "allows", "value": "pigeon"},
        {"field": "custom.nope", "op": "is", "value": "x"},
        {"field": "owner", "op": "is", "value": "Olga"},
        {"field": "owner", "op": "contains", "value": "a"},
        {"field": "phone", "op": "is", "value": "+79160000077"},
        {"field": "email", "op": "contains", "value": "@"},
        {"field": "company", "op": "has", "value": "Romashka"},
    ],
)
async def test_a_bad_condition_is_refused_and_names_itself(client, shop, condition):
    answer = await client.post(
        "/api/v1/segments", json={"name": "Bad", "conditions": [condition]},
        headers=shop["headers"],
    )  # fmt: skip
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert "conditions[0]" in answer.text


async def test_another_workspaces_segment_is_not_found(client, shop, make_workspace):
    other = await make_workspace(company="Other Segment Shop")
    mine = await client.post(
        "/api/v1/segments", json={"name": "Mine", "conditions": []}, headers=shop["headers"]
    )
    for path in (f"/api/v1/segments/{mine.json()['id']}",
                 f"/api/v1/segments/{mine.json()['id']}/contacts"):  # fmt: skip
        assert (await client.get(path, headers=other["headers"])).status_code == 404
    everyone = await client.post(
        "/api/v1/segments", json={"name": "All", "conditions": []}, headers=other["headers"]
    )
    assert everyone.json()["count"] == 0  # the other workspace has no contacts


async def test_owner_picks_the_contacts_a_member_is_responsible_for(client, make_workspace, join):
    office = await make_workspace(company="Segment Owners Office")
    manager = await join(office, "manager")
    for name in ("Alla", "Bella"):
        await contact(client, office, first_name=name, owner_id=manager["user_id"])
    await contact(client, office, first_name="Clara")  # the owner's own
    theirs = [{"field": "owner", "op": "is", "value": manager["user_id"]}]
    assert await members(client, office, theirs) == {"Alla", "Bella"}
    others = [{"field": "owner", "op": "is_not", "value": manager["user_id"]}]
    assert await members(client, office, others) == {"Clara"}
    mine = [{"field": "owner", "op": "is", "value": office["user"]["id"]}]
    assert await members(client, office, mine) == {"Clara"}


async def test_owner_and_company_conditions_never_reach_another_workspace(
    client, shop, make_workspace
):
    other = await make_workspace(company="Other Owners Shop")
    company = await client.post(
        "/api/v1/companies", json={"name": "Their Company"}, headers=other["headers"]
    )
    await contact(client, other, first_name="Stranger",
                  companies=[{"company_id": company.json()["id"]}])  # fmt: skip
    # Their owner and their company, asked from the shop: nobody there matches.
    assert await members(client, shop, [{"field": "owner", "op": "is",
                                          "value": other["user"]["id"]}]) == set()  # fmt: skip
    assert await members(client, shop, [{"field": "company", "op": "is",
                                          "value": "Their Company"}]) == set()  # fmt: skip
    # And the shop's own company is unknown to them.
    assert await members(client, other, [{"field": "company", "op": "contains",
                                           "value": "Romashka"}]) == set()  # fmt: skip
