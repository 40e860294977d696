"""Companies, and the people linked to them with their role there."""


async def test_a_company_with_its_people_and_their_roles(client, make_workspace):
    firm = await make_workspace(company="Okna Firm", vertical="fieldservice", locale="ru")
    created = await client.post(
        "/api/v1/companies",
        json={"name": "ООО Ромашка", "phone": "8 495 123 45 67", "tags": ["B2B"]},
        headers=firm["headers"],
    )
    assert created.status_code == 201, created.text
    company = created.json()
    assert company["phone"] == "+74951234567" and company["tags"] == ["B2B"]

    person = await client.post(
        "/api/v1/contacts",
        json={
            "first_name": "Пётр",
            "companies": [{"company_id": company["id"], "role": "Закупщик"}],
        },
        headers=firm["headers"],
    )
    assert person.json()["companies"] == [{"company_id": company["id"], "role": "Закупщик"}]

    renamed = await client.patch(
        f"/api/v1/companies/{company['id']}",
        json={"name": "ООО «Ромашка»"},
        headers=firm["headers"],
    )
    assert renamed.json()["name"] == "ООО «Ромашка»"
    found = await client.get("/api/v1/companies?q=ромашка", headers=firm["headers"])
    assert [c["id"] for c in found.json()["items"]] == [company["id"]]

    assert (
        await client.delete(f"/api/v1/companies/{company['id']}", headers=firm["headers"])
    ).status_code == 204
    after = await client.get(f"/api/v1/contacts/{person.json()['id']}", headers=firm["headers"])
    assert after.json()["companies"] == []


async def test_a_company_needs_a_name_and_a_real_phone(client, make_workspace):
    firm = await make_workspace(company="Nameless Firm")
    nameless = await client.post("/api/v1/companies", json={"name": " "}, headers=firm["headers"])
    assert nameless.status_code == 422 and nameless.json()["field"] == "name"
    bad_phone = await client.post(
        "/api/v1/companies", json={"name": "X", "phone": "12"}, headers=firm["headers"]
    )
    assert bad_phone.status_code == 422 and bad_phone.json()["field"] == "phone"


async def test_another_workspaces_company_is_a_404_and_cannot_be_linked(client, make_workspace):
    mine = await make_workspace(company="Mine Ltd")
    theirs = await make_workspace(company="Theirs Ltd")
    their_company = (
        await client.post("/api/v1/companies", json={"name": "Secret"}, headers=theirs["headers"])
    ).json()
    for method in ("GET", "PATCH", "DELETE"):
        answer = await client.request(
            method,
            f"/api/v1/companies/{their_company['id']}",
            json={"name": "Stolen"} if method == "PATCH" else None,
            headers=mine["headers"],
        )
        assert answer.status_code == 404, method
    link = await client.post(
        "/api/v1/contacts",
        json={"first_name": "Spy", "companies": [{"company_id": their_company["id"]}]},
        headers=mine["headers"],
    )
    assert link.status_code == 422 and link.json()["field"] == "companies"
    kept = await client.get(f"/api/v1/companies/{their_company['id']}", headers=theirs["headers"])
    assert kept.json()["name"] == "Secret"
