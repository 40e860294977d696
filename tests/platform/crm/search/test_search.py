"""Global search: one box that finds a customer however the administrator types the name."""

import pytest

from atrium.platform.crm.records.normalize import search_key


@pytest.fixture(scope="module")
async def salon(make_workspace, client):
    workspace = await make_workspace(company="Search Salon", vertical="salon", locale="ru")
    people = [
        {"first_name": "Пётр", "last_name": "Иванов", "phones": [{"number": "8 916 123-45-67"}]},
        {"first_name": "Юлия", "last_name": "Щукина", "emails": [{"address": "jul@shchuka.ru"}]},
        {"first_name": "Наталья", "last_name": "Иванченко"},
        {"first_name": "Anna", "last_name": "Smith", "phones": [{"number": "+44 20 7946 0958"}]},
    ]
    for person in people:
        made = await client.post("/api/v1/contacts", json=person, headers=workspace["headers"])
        assert made.status_code == 201, made.text
    company = {"name": "ООО Окна Плюс", "tax_id": "7701234567", "phone": "+7 495 111-22-33"}
    made = await client.post("/api/v1/companies", json=company, headers=workspace["headers"])
    assert made.status_code == 201, made.text
    pipelines = await client.get("/api/v1/pipelines", headers=workspace["headers"])
    deal = {"title": "Окрашивание Ивановой", "pipeline_id": pipelines.json()["items"][0]["id"]}
    made = await client.post("/api/v1/deals", json=deal, headers=workspace["headers"])
    assert made.status_code == 201, made.text
    return workspace


async def titles(client, workspace, q, **params):
    answer = await client.get(
        "/api/v1/search", params={"q": q, **params}, headers=workspace["headers"]
    )
    assert answer.status_code == 200, answer.text
    return [(hit["type"], hit["title"]) for hit in answer.json()["items"]]


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("Юлия", "Yulia"),
        ("Юлия", "Julia"),
        ("Юлия", "Iuliia"),
        ("Пётр", "Petr"),
        ("Наталья", "Natalia"),
        ("Щукина", "Schukina"),
        ("Ксения", "Xenia"),
        ("Евгений", "Yevgeniy"),
        ("Цветкова", "Tsvetkova"),
    ],
)
def test_russian_names_and_their_latin_spellings_meet_in_one_key(cyrillic, latin):
    assert search_key(cyrillic) == search_key(latin)


async def test_latin_input_finds_a_cyrillic_name(client, salon):
    assert ("contact", "Иванов Пётр") in await titles(client, salon, "ivanov")
    assert ("contact", "Щукина Юлия") in await titles(client, salon, "yulia shchukina")


async def test_a_fragment_of_a_word_start_finds_every_name_with_it_best_first(client, salon):
    found = await titles(client, salon, "иван", types="contact")
    assert found[:2] in (
        [("contact", "Иванов Пётр"), ("contact", "Иванченко Наталья")],
        [("contact", "Иванченко Наталья"), ("contact", "Иванов Пётр")],
    )
    assert (await titles(client, salon, "ivanov petr"))[0] == ("contact", "Иванов Пётр")
    assert (await titles(client, salon, "ivanov"))[0] == ("contact", "Иванов Пётр")


async def test_a_typo_still_finds_the_name(client, salon):
    assert ("contact", "Иванов Пётр") in await titles(client, salon, "ivonov")
    assert ("contact", "Иванов Пётр") in await titles(client, salon, "иваноф")
    assert ("contact", "Щукина Юлия") in await titles(client, salon, "щукена")


async def test_phone_digits_in_any_format_find_the_contact(client, salon):
    for typed in ("8 (916) 123-45-67", "+79161234567", "4567"):
        assert await titles(client, salon, typed, types="contact") == [
            ("contact", "Иванов Пётр")
        ], typed


async def test_an_email_fragment_finds_the_contact(client, salon):
    assert await titles(client, salon, "jul@shchuka") == [("contact", "Щукина Юлия")]


async def test_companies_by_name_tax_id_and_phone_and_deals_by_title(client, salon):
    assert await titles(client, salon, "okna") == [("company", "ООО Окна Плюс")]
    assert await titles(client, salon, "7701234567") == [("company", "ООО Окна Плюс")]
    assert await titles(client, salon, "8 495 111 22 33") == [("company", "ООО Окна Плюс")]
    assert ("deal", "Окрашивание Ивановой") in await titles(client, salon, "окрашивание")


async def test_nothing_found_is_an_empty_list_and_bad_queries_are_422(client, salon):
    assert await titles(client, salon, "zzzzqqq") == []
    for params, field in (
        ({"q": "   "}, "q"),
        ({"q": "x" * 201}, "q"),
        ({"q": "anna", "types": "contact,invoice"}, "types"),
        ({"q": "anna", "limit": 0}, "limit"),
    ):
        answer = await client.get("/api/v1/search", params=params, headers=salon["headers"])
        assert answer.status_code == 422, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["field"] == field


async def test_an_employee_finds_only_their_own_records(client, salon, join, sign_in):
    employee = await join(salon, "employee")
    as_employee = await sign_in(employee["email"], slug=salon["tenant"]["slug"])
    made = await as_employee.post(
        "/api/v1/contacts", json={"first_name": "Иван", "last_name": "Свой"}
    )
    assert made.status_code == 201, made.text
    found = await as_employee.get("/api/v1/search", params={"q": "иван"})
    assert [hit["title"] for hit in found.json()["items"]] == ["Свой Иван"]


async def test_another_workspace_finds_nothing_of_this_one(client, salon, make_workspace):
    other = await make_workspace(company="Other Salon")
    assert await titles(client, other, "ivanov") == []
    assert await titles(client, other, "+79161234567") == []


async def test_the_contact_list_filter_matches_the_same_way(client, salon):
    answer = await client.get(
        "/api/v1/contacts", params={"q": "8 (916) 123-45-67"}, headers=salon["headers"]
    )
    assert [c["display_name"] for c in answer.json()["items"]] == ["Иванов Пётр"]
    answer = await client.get("/api/v1/contacts", params={"q": "ivanov"}, headers=salon["headers"])
    assert [c["display_name"] for c in answer.json()["items"]] == ["Иванов Пётр"]


async def test_a_national_phone_is_read_with_the_workspaces_current_country(client, make_workspace):
    shop = await make_workspace(company="Country Salon", locale="ru")
    headers = shop["headers"]
    made = await client.post(
        "/api/v1/contacts",
        json={"first_name": "Вера", "phones": [{"number": "+7 916 222-33-44"}]},
        headers=headers,
    )
    assert made.status_code == 201
    assert await titles(client, shop, "8 (916) 222-33-44") == [("contact", "Вера")]
    moved = await client.patch("/api/v1/workspace", json={"country": "US"}, headers=headers)
    assert moved.status_code == 200
    assert await titles(client, shop, "8 (916) 222-33-44") == []  # no longer a Russian number
