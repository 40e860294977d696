"""Importing companies, products and deals through their services: duplicates by tax id or
name, and by SKU; deals on their pipeline's stages with their client found by phone or e-mail;
undo of exactly what a batch created."""

import pytest

from tests.platform.crm.imports.support import csv_bytes, imported


@pytest.fixture
async def shop(make_workspace):
    return await make_workspace(company="Import Shop", vertical="retail", locale="ru")


async def _items(client, workspace, path):
    answer = await client.get(path, params={"limit": 200}, headers=workspace["headers"])
    return answer.json()["items"]


async def _rejected(client, workspace, batch):
    answer = await client.get(
        f"/api/v1/imports/{batch['id']}/rejected-rows", headers=workspace["headers"]
    )
    return [(row["row"], row["detail"]) for row in answer.json()["items"]]


async def test_companies_match_by_tax_id_then_name(client, db, shop):
    await client.post(
        "/api/v1/companies", json={"name": "Ромашка", "tax_id": "7701234567"},
        headers=shop["headers"],
    )  # fmt: skip
    rows = [["Название", "ИНН", "Телефон", "Сайт"],
            ["ООО Ромашка", "7701234567", "8 495 123-45-67", "romashka.ru"],
            ["Лютик", "", "", ""],
            ["лютик", "", "+7 495 000 00 00", ""],
            ["", "123", "", ""]]  # fmt: skip
    batch = await imported(
        client, db, shop, csv_bytes(rows, delimiter=";"), kind="companies", on_duplicate="update"
    )
    assert batch["mapping"] == ["name", "tax_id", "phone", "website"]
    assert (batch["created"], batch["updated"], batch["rejected"]) == (1, 2, 1)
    companies = {c["name"]: c for c in await _items(client, shop, "/api/v1/companies")}
    assert set(companies) == {"ООО Ромашка", "лютик"}  # the file's values, its name too
    assert companies["ООО Ромашка"]["phone"] == "+74951234567"
    assert companies["лютик"]["phone"] == "+74950000000"
    assert await _rejected(client, shop, batch) == [(5, "A company needs a name.")]


async def test_products_by_sku_skip_update_or_refuse_a_taken_sku(client, db, shop):
    rows = [["Артикул", "Название", "Цена", "Тип", "Категория"],
            ["A-1", "Шампунь", "450,00 ₽", "товар", "Уход"],
            ["S-1", "Стрижка", "1 500", "услуга", ""],
            ["B-2", "Без цены", "", "", ""]]  # fmt: skip
    first = await imported(client, db, shop, csv_bytes(rows, delimiter=";"), kind="products")
    assert await _rejected(client, shop, first) == [(4, "price is required.")]
    assert (first["created"], first["rejected"]) == (2, 1)
    assert await _rejected(client, shop, first) == [(4, "price is required.")]
    products = {p["sku"]: p for p in await _items(client, shop, "/api/v1/products")}
    assert products["A-1"]["price"] == "450.00" and products["A-1"]["category"] == "Уход"
    assert products["S-1"]["kind"] == "service"

    cheaper = [rows[0], ["A-1", "Шампунь", "399", "", ""]]
    skipped = await imported(client, db, shop, csv_bytes(cheaper), kind="products")
    assert skipped["skipped"] == 1
    updated = await imported(
        client, db, shop, csv_bytes(cheaper), kind="products", on_duplicate="update"
    )
    assert updated["updated"] == 1
    products = {p["sku"]: p for p in await _items(client, shop, "/api/v1/products")}
    assert products["A-1"]["price"] == "399.00"
    refused = await imported(
        client, db, shop, csv_bytes(cheaper), kind="products", on_duplicate="create"
    )
    assert await _rejected(client, shop, refused) == [(2, "A product with SKU A-1 exists already.")]


async def test_deals_land_on_their_stage_with_their_client(client, db, shop):
    pipelines = await _items(client, shop, "/api/v1/pipelines")
    pipeline = pipelines[0]
    stage = pipeline["stages"][1]
    contact = await client.post(
        "/api/v1/contacts",
        json={"first_name": "Анна", "phones": [{"number": "+7 916 700-00-01"}]},
        headers=shop["headers"],
    )
    rows = [["Название", "Сумма", "Воронка", "Этап", "Телефон клиента"],
            ["Свадебный образ", "12 500,50", pipeline["name"], stage["name"], "8 916 700-00-01"],
            ["Без этапа", "", "", "", ""],
            ["Чужая воронка", "", "Нет такой", "", ""],
            ["Неизвестный клиент", "", "", "", "8 916 700-00-99"],
            ["", "100", "", "", ""]]  # fmt: skip
    batch = await imported(client, db, shop, csv_bytes(rows, delimiter=";"), kind="deals")
    assert (batch["created"], batch["rejected"]) == (2, 3)
    assert await _rejected(client, shop, batch) == [
        (4, "There is no pipeline named Нет такой."),
        (5, "No contact has the phone or e-mail +79167000099."),
        (6, "A deal needs a title of 1 to 300 characters."),
    ]
    deals = {d["title"]: d for d in await _items(client, shop, "/api/v1/deals")}
    wedding = deals["Свадебный образ"]
    assert wedding["amount"] == "12500.50" and wedding["stage_id"] == stage["id"]
    assert wedding["contact_id"] == contact.json()["id"]
    assert deals["Без этапа"]["stage_id"] == pipeline["stages"][0]["id"]

    undone = await client.post(f"/api/v1/imports/{batch['id']}/undo", headers=shop["headers"])
    assert undone.status_code == 200 and undone.json()["undone"] == 2
    left = {d["title"] for d in await _items(client, shop, "/api/v1/deals")}
    assert not left & set(deals)
    assert (await client.get(f"/api/v1/contacts/{contact.json()['id']}",
                             headers=shop["headers"])).status_code == 200  # fmt: skip
