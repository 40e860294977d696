"""Contacts: the customer card a salon administrator or a sales rep opens every day."""

import pytest

CARD = {
    "first_name": "Мария",
    "last_name": "Иванова",
    "phones": [{"number": "8 (916) 123-45-67"}],
    "emails": [{"address": "Maria.Ivanova@Example.com"}],
    "birthday": "1990-03-05",
    "gender": "female",
    "source": "website",
    "marketing_consent": True,
    "consent_channel": "sms",
    "tags": ["VIP", "vip", "Окрашивание"],
}


@pytest.fixture(scope="module")
async def salon(make_workspace):
    return await make_workspace(company="Contacts Salon", vertical="salon", locale="ru")


async def test_a_new_contact_gets_e164_phones_lowercased_emails_and_tags(client, salon):
    answer = await client.post("/api/v1/contacts", json=CARD, headers=salon["headers"])
    assert answer.status_code == 201, answer.text
    card = answer.json()
    assert card["display_name"] == "Иванова Мария"
    assert card["phones"] == [{"number": "+79161234567", "kind": "mobile"}]
    assert card["emails"] == [{"address": "maria.ivanova@example.com", "kind": "work"}]
    assert card["tags"] == ["VIP", "Окрашивание"]
    assert card["owner_id"] == salon["user"]["id"]
    assert card["consent_at"] is not None
    again = await client.get(f"/api/v1/contacts/{card['id']}", headers=salon["headers"])
    assert again.json() == card


async def test_a_duplicate_phone_is_a_409_naming_the_existing_contact_unless_forced(client, salon):
    first = await client.post(
        "/api/v1/contacts",
        json={"first_name": "Анна", "phones": [{"number": "+7 903 111-22-33"}]},
        headers=salon["headers"],
    )
    duplicate = {"first_name": "Аня", "phones": [{"number": "89031112233"}]}
    answer = await client.post("/api/v1/contacts", json=duplicate, headers=salon["headers"])
    assert answer.status_code == 409
    assert first.json()["id"] in answer.json()["detail"]
    assert "Анна" in answer.json()["detail"]
    forced = await client.post(
        "/api/v1/contacts?force=true", json=duplicate, headers=salon["headers"]
    )
    assert forced.status_code == 201


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"phones": [{"number": "12345"}]}, "phones[0]"),
        ({"emails": [{"address": "not-an-email"}]}, "emails[0]"),
        ({"gender": "robot"}, "gender"),
        ({"birthday": "2999-01-01"}, "birthday"),
        ({"first_name": "x" * 101}, "first_name"),
        ({"tags": [""]}, "tags"),
        ({"custom": {"nope": 1}}, "custom.nope"),
        ({"companies": [{"company_id": "00000000-0000-0000-0000-000000000000"}]}, "companies"),
    ],
)
async def test_bad_input_is_a_422_naming_the_field_and_writes_nothing(client, salon, change, field):
    before = (await client.get("/api/v1/contacts?limit=200", headers=salon["headers"])).json()
    answer = await client.post(
        "/api/v1/contacts", json={"first_name": "Bad", **change}, headers=salon["headers"]
    )
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["field"] == field
    after = (await client.get("/api/v1/contacts?limit=200", headers=salon["headers"])).json()
    assert len(after["items"]) == len(before["items"])


async def test_unknown_fields_and_wrong_types_are_400(client, salon):
    unknown = await client.post(
        "/api/v1/contacts", json={"first_name": "A", "shoe_size": 42}, headers=salon["headers"]
    )
    assert unknown.status_code == 400 and "shoe_size" in unknown.json()["detail"]
    wrong = await client.post("/api/v1/contacts", json={"first_name": 42}, headers=salon["headers"])
    # A Russian workspace: the field by its Russian label, its key in ``field``.
    assert wrong.status_code == 400 and "«Имя»" in wrong.json()["detail"]
    assert wrong.json()["field"] == "first_name"


async def test_changes_are_audited_field_by_field(client, salon):
    created = (
        await client.post(
            "/api/v1/contacts",
            json={"first_name": "Ольга", "phones": [{"number": "+7 905 000-00-01"}]},
            headers=salon["headers"],
        )
    ).json()
    changed = await client.patch(
        f"/api/v1/contacts/{created['id']}",
        json={"last_name": "Петрова", "birthday": "1985-12-31", "tags": ["Новая"]},
        headers=salon["headers"],
    )
    assert changed.status_code == 200
    assert changed.json()["display_name"] == "Петрова Ольга"
    trail = (
        await client.get(
            f"/api/v1/audit?record_type=contact&record_id={created['id']}",
            headers=salon["headers"],
        )
    ).json()["items"]
    by_field = {entry["field"]: entry for entry in trail if entry["action"] == "updated"}
    assert (
        by_field["last_name"]["old_value"] == "" and by_field["last_name"]["new_value"] == "Петрова"
    )
    assert by_field["birthday"]["new_value"] == "1985-12-31"
    assert by_field["tags"]["new_value"] == ["Новая"]
    assert trail[-1]["action"] == "created"
    assert all(entry["actor_id"] == salon["user"]["id"] for entry in trail)


async def test_custom_fields_are_validated_on_write(client, salon):
    defined = await client.post(
        "/api/v1/custom-fields",
        json={
            "object_type": "contact",
            "key": "hair_type",
            "label": "Hair type",
            "field_type": "choice",
            "choices": ["straight", "curly"],
        },
        headers=salon["headers"],
    )
    assert defined.status_code == 201, defined.text
    good = await client.post(
        "/api/v1/contacts",
        json={"first_name": "Ира", "custom": {"hair_type": "curly"}},
        headers=salon["headers"],
    )
    assert good.status_code == 201 and good.json()["custom"] == {"hair_type": "curly"}
    bad = await client.post(
        "/api/v1/contacts",
        json={"first_name": "Ира", "custom": {"hair_type": "purple"}},
        headers=salon["headers"],
    )
    assert bad.status_code == 422 and bad.json()["field"] == "custom.hair_type"
    again = await client.post(
        "/api/v1/custom-fields",
        json={"object_type": "contact", "key": "hair_type", "label": "X", "field_type": "text"},
        headers=salon["headers"],
    )
    assert again.status_code == 409


async def test_the_list_searches_filters_sorts_and_pages(client, make_workspace):
    shop = await make_workspace(company="List Shop", vertical="retail")
    for last, phone in [
        ("Smith", "+1 650 253 0001"),
        ("Adams", "+1 650 253 0002"),
        ("Brown", "+1 650 253 0003"),
    ]:
        await client.post(
            "/api/v1/contacts",
            json={"last_name": last, "phones": [{"number": phone}], "tags": ["club"]},
            headers=shop["headers"],
        )
    names, cursor = [], None
    while True:
        params = {"sort": "last_name", "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/api/v1/contacts", params=params, headers=shop["headers"])).json()
        names += [item["last_name"] for item in page["items"]]
        if not (cursor := page["next_cursor"]):
            break
    assert names == ["Adams", "Brown", "Smith"]
    newest_first, cursor = [], None
    while True:  # the default order, newest first, one a page
        params = {"limit": 1, **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/api/v1/contacts", params=params, headers=shop["headers"])).json()
        newest_first += [item["last_name"] for item in page["items"]]
        if not (cursor := page["next_cursor"]):
            break
    assert newest_first == ["Brown", "Adams", "Smith"]
    by_digits = await client.get("/api/v1/contacts?q=2530002", headers=shop["headers"])
    assert [c["last_name"] for c in by_digits.json()["items"]] == ["Adams"]
    by_tag = await client.get("/api/v1/contacts?tag=CLUB", headers=shop["headers"])
    assert len(by_tag.json()["items"]) == 3
    bad_sort = await client.get("/api/v1/contacts?sort=shoe_size", headers=shop["headers"])
    assert bad_sort.status_code == 422 and bad_sort.json()["field"] == "sort"


async def test_another_workspaces_contact_is_a_404_and_untouched(client, salon, make_workspace):
    other = await make_workspace(company="Other Salon")
    theirs = (
        await client.post(
            "/api/v1/contacts", json={"first_name": "Чужой"}, headers=other["headers"]
        )
    ).json()
    for method in ("GET", "PATCH", "DELETE"):
        answer = await client.request(
            method,
            f"/api/v1/contacts/{theirs['id']}",
            json={"first_name": "Взломано"} if method == "PATCH" else None,
            headers=salon["headers"],
        )
        assert answer.status_code == 404, method
    mine = await client.get(f"/api/v1/contacts/{theirs['id']}", headers=other["headers"])
    assert mine.json()["first_name"] == "Чужой"
    listed = (await client.get("/api/v1/contacts?q=Чужой", headers=salon["headers"])).json()
    assert listed["items"] == []


async def test_a_contact_can_be_created_for_another_owner(client, salon):
    owner = salon["user"]["id"]
    answer = await client.post(
        "/api/v1/contacts",
        json={"first_name": "Передана", "owner_id": owner},
        headers=salon["headers"],
    )
    assert answer.status_code == 201 and answer.json()["owner_id"] == owner
