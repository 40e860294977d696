"""Importing contacts: the files Russian Excel, CRMs and phones write, read right; bad rows
reported with their number and reason; duplicates skipped, updated or added as asked."""

import pytest

from tests.platform.crm.imports.support import csv_bytes, imported, upload, xlsx_bytes

HEADERS = ["Фамилия", "Имя", "Телефон", "Эл. почта", "Дата рождения"]
ROWS = [
    ["Иванова", "Мария", "8 (916) 123-45-67", "Maria@Example.com", "05.03.1990"],
    ["Ёлкин", "Пётр", "+7 926 000-11-22", "", ""],
]


@pytest.fixture
async def salon(make_workspace):
    return await make_workspace(company="Import Salon", locale="ru")


async def _contacts(client, workspace, **query) -> dict:
    answer = await client.get(
        "/api/v1/contacts", params={"limit": 200, **query}, headers=workspace["headers"]
    )
    return {card["display_name"]: card for card in answer.json()["items"]}


async def _rejected(client, workspace, batch) -> list[tuple]:
    answer = await client.get(
        f"/api/v1/imports/{batch['id']}/rejected-rows", headers=workspace["headers"]
    )
    return [(row["row"], row["column"], row["detail"]) for row in answer.json()["items"]]


async def test_a_cp1251_semicolon_file_with_russian_headers_imports_intact(client, db, salon):
    content = csv_bytes([HEADERS, *ROWS], encoding="cp1251", delimiter=";")
    batch = await imported(client, db, salon, content)
    assert batch["status"] == "done", batch
    assert batch["mapping"] == ["last_name", "first_name", "phone", "email", "birthday"]
    assert (batch["created"], batch["rejected"], batch["rows_done"]) == (2, 0, 2)
    cards = await _contacts(client, salon)
    assert set(cards) == {"Иванова Мария", "Ёлкин Пётр"}
    maria = cards["Иванова Мария"]
    assert maria["phones"] == [{"number": "+79161234567", "kind": "mobile"}]
    assert maria["emails"] == [{"address": "maria@example.com", "kind": "work"}]
    assert maria["birthday"] == "1990-03-05"
    assert maria["owner_id"] == salon["user"]["id"]
    timeline = await client.get(
        f"/api/v1/contacts/{maria['id']}/timeline", headers=salon["headers"]
    )
    assert [entry["kind"] for entry in timeline.json()["items"]] == ["contact.created"]
    found = await client.get("/api/v1/contacts", params={"q": "ёлкин"}, headers=salon["headers"])
    assert [card["display_name"] for card in found.json()["items"]] == ["Ёлкин Пётр"]


async def test_utf8_with_a_bom_and_english_headers_imports(client, db, salon):
    rows = [["First name", "Last name", "Mobile", "Email", "Tags", "Company"],
            ["Anna", "Smith", "+44 20 7946 0958", "anna@example.com", '"vip, new"', "Acme Ltd"],
            ["Олег", "Сидоров", "89031234567", "", "vip", "acme ltd"]]  # fmt: skip
    batch = await imported(client, db, salon, csv_bytes(rows, bom=True), name="export.csv")
    assert batch["mapping"] == ["first_name", "last_name", "phone", "email", "tags", "company"]
    assert batch["created"] == 2
    cards = await _contacts(client, salon)
    anna = cards["Smith Anna"]
    assert anna["phones"][0]["number"] == "+442079460958"
    assert anna["tags"] == ["new", "vip"]
    oleg = cards["Сидоров Олег"]
    assert oleg["phones"][0]["number"] == "+79031234567"
    assert anna["companies"] == oleg["companies"]  # one company, found by name either way
    companies = await client.get("/api/v1/companies", headers=salon["headers"])
    assert [c["name"] for c in companies.json()["items"]] == ["Acme Ltd"]


async def test_an_xlsx_with_numbers_and_dates_in_cells_imports(client, db, salon):
    from datetime import datetime

    content = xlsx_bytes(
        [["ФИО", "Телефон", "Дата рождения", "Пол"],
         ["Кузнецова Анна Сергеевна", 79161112233, datetime(1985, 7, 1), "ж"],
         ["Cher", 79162223344, None, ""]]
    )  # fmt: skip
    batch = await imported(client, db, salon, content, name="clients.xlsx")
    assert batch["created"] == 2, batch
    cards = await _contacts(client, salon)
    anna = cards["Кузнецова Анна Сергеевна"]
    assert (anna["last_name"], anna["first_name"], anna["middle_name"]) == (
        "Кузнецова", "Анна", "Сергеевна",
    )  # fmt: skip
    assert anna["birthday"] == "1985-07-01" and anna["gender"] == "female"
    assert anna["phones"][0]["number"] == "+79161112233"
    assert cards["Cher"]["phones"][0]["number"] == "+79162223344"


async def test_bad_rows_are_reported_with_row_and_reason_and_the_rest_imports(client, db, salon):
    rows = [
        HEADERS,
        ["Хорошая", "Анна", "8 916 555-00-01", "", ""],
        ["Плохой", "Телефон", "12-34", "", ""],
        ["Плохая", "Почта", "", "not-an-email", ""],
        ["", "", "", "", ""],
        ["", "", "", "", "01.01.1990"],
        ["Будущий", "Гость", "", "", "01.01.2999"],
        ["Ещё", "Хорошая", "", "ok@example.com", "31.12.1999"],
    ]
    batch = await imported(client, db, salon, csv_bytes(rows, delimiter=";"))
    assert batch["status"] == "done"
    assert (batch["created"], batch["rejected"]) == (2, 4)
    assert await _rejected(client, salon, batch) == [
        (3, "Телефон", "12-34 is not a phone number."),
        (4, "Эл. почта", "not-an-email is not an e-mail address."),
        (6, "Имя", "A contact needs a name, a phone or an e-mail."),
        (7, "Дата рождения", "The birthday must be between 1900 and today."),
    ]
    assert set(await _contacts(client, salon)) == {"Хорошая Анна", "Ещё Хорошая"}


async def test_duplicates_are_skipped_updated_or_added_as_asked(client, db, salon):
    existing = await client.post(
        "/api/v1/contacts",
        json={"first_name": "Анна", "phones": [{"number": "+7 916 100-00-01"}], "tags": ["old"]},
        headers=salon["headers"],
    )
    assert existing.status_code == 201
    rows = [["Имя", "Фамилия", "Телефон", "E-mail", "Теги"],
            ["Анна", "Новая", "8 916 100-00-01", "anna@example.com", "new"],
            ["Борис", "", "8 916 100-00-02", "", ""],
            ["Борис", "Борисов", "", "", ""],
            ["Боря", "", "+7 916 100-00-02", "boris@example.com", ""]]  # fmt: skip
    content = csv_bytes(rows)

    skipped = await imported(client, db, salon, content, on_duplicate="skip")
    assert (skipped["created"], skipped["skipped"], skipped["updated"]) == (2, 2, 0)
    cards = await _contacts(client, salon)
    assert set(cards) == {"Анна", "Борис", "Борисов Борис"}
    assert cards["Анна"]["tags"] == ["old"]

    updated = await imported(client, db, salon, content, on_duplicate="update")
    assert (updated["created"], updated["updated"]) == (1, 3)
    cards = await _contacts(client, salon)
    anna = cards["Новая Анна"]
    assert anna["id"] == existing.json()["id"]
    assert anna["tags"] == ["new", "old"]
    assert [e["address"] for e in anna["emails"]] == ["anna@example.com"]
    assert cards["Боря"]["emails"] == [{"address": "boris@example.com", "kind": "work"}]
    assert "Борис" not in cards  # renamed by the last row with its phone

    added = await imported(client, db, salon, content, on_duplicate="create")
    assert added["created"] == 4
    everyone = await client.get("/api/v1/contacts", headers=salon["headers"])
    assert len(everyone.json()["items"]) == 3 + 1 + 4


async def test_custom_fields_import_by_their_label(client, db, salon):
    field = await client.post(
        "/api/v1/custom-fields",
        json={"object_type": "contact", "key": "visits", "label": "Визиты", "field_type": "number"},
        headers=salon["headers"],
    )
    assert field.status_code == 201, field.text
    rows = [["Имя", "Визиты"], ["Анна", "12"], ["Олег", "много"]]
    batch = await imported(client, db, salon, csv_bytes(rows))
    assert batch["mapping"] == ["first_name", "custom.visits"]
    assert (batch["created"], batch["rejected"]) == (1, 1)
    assert (await _contacts(client, salon))["Анна"]["custom"] == {"visits": 12.0}
    assert (await _rejected(client, salon, batch))[0][2] == "Визиты must be a number."


async def test_bad_uploads_and_mappings_are_4xx_with_a_reason(client, salon):
    # The workspace is Russian; this caller asks for English (Accept-Language wins).
    salon = {**salon, "headers": {**salon["headers"], "Accept-Language": "en"}}
    content = csv_bytes([HEADERS, *ROWS])
    wrong_kind = await upload(client, salon, content, kind="pets")
    assert wrong_kind.status_code == 422
    assert "kind must be one of" in wrong_kind.json()["detail"]
    no_file = await client.post(
        "/api/v1/imports", data={"kind": "contacts"}, headers=salon["headers"]
    )
    assert no_file.status_code == 400
    header_only = await upload(client, salon, csv_bytes([HEADERS]))
    assert header_only.status_code == 422
    assert header_only.json()["detail"] == "The file has a header but no rows to import."
    too_big = await upload(client, salon, b"a,b\r\n" * (5 * 1024 * 1024))
    assert too_big.status_code == 413
    assert too_big.headers["content-type"] == "application/problem+json"
    assert "larger than 20 MB" in too_big.json()["detail"]

    draft = (await upload(client, salon, content)).json()
    assert draft["status"] == "draft" and draft["total_rows"] == 2
    start = f"/api/v1/imports/{draft['id']}/start"
    for body, detail in (
        ({"mapping": ["first_name"]}, "one entry per column"),
        ({"mapping": ["", "", "", "", ""]}, "at least one column"),
        ({"mapping": ["first_name", "first_name", "", "", ""]}, "Only one column"),
        ({"mapping": ["shoe_size", "", "", "", ""]}, "no field shoe_size"),
        ({"on_duplicate": "merge"}, "on_duplicate must be one of"),
    ):
        answer = await client.post(start, json=body, headers=salon["headers"])
        assert answer.status_code == 422, answer.text
        assert detail in answer.json()["detail"]
    started = await client.post(start, json={}, headers=salon["headers"])
    assert started.status_code == 202 and started.json()["status"] == "queued"
    again = await client.post(start, json={}, headers=salon["headers"])
    assert again.status_code == 409
    undo = await client.post(f"/api/v1/imports/{draft['id']}/undo", headers=salon["headers"])
    assert undo.status_code == 409
    assert undo.json()["detail"] == "Wait until the import finishes, then undo it."
