"""Importing contacts: the files Russian Excel, CRMs and phones write, read right."""

import pytest

from tests.crm.import_support import csv_bytes, imported, xlsx_bytes

HEADERS = ["Фамилия", "Имя", "Телефон", "Эл. почта", "Дата рождения"]
ROWS = [
    ["Иванова", "Мария", "8 (916) 123-45-67", "Maria@Example.com", "05.03.1990"],
    ["Ёлкин", "Пётр", "+7 926 000-11-22", "", ""],
]


@pytest.fixture
async def salon(make_workspace):
    return await make_workspace(company="Import Salon", locale="ru")


async def _contacts(client, workspace, **query):
    answer = await client.get("/api/v1/contacts", params={"limit": 200, **query}, headers=workspace["headers"])
    return answer.json()["items"]


async def test_a_cp1251_semicolon_file_with_russian_headers_imports_intact(client, db, salon):
    content = csv_bytes([HEADERS, *ROWS], encoding="cp1251", delimiter=";")
    batch = await imported(client, db, salon, content)
    assert batch["status"] == "done", batch
    assert batch["mapping"] == ["last_name", "first_name", "phone", "email", "birthday"]
    assert (batch["created"], batch["rejected"], batch["rows_done"]) == (2, 0, 2)
    cards = {c["display_name"]: c for c in await _contacts(client, salon)}
    assert set(cards) == {"Иванова Мария", "Ёлкин Пётр"}
    maria = cards["Иванова Мария"]
    assert maria["phones"] == [{"number": "+79161234567", "kind": "mobile"}]
    assert maria["emails"] == [{"address": "maria@example.com", "kind": "work"}]
    assert maria["birthday"] == "1990-03-05"
