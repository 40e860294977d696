"""Undo of an import batch: what it created goes unless later work hangs on it (that is kept,
and counted with the reason); what it updated gets its previous values back."""

import pytest

from tests.platform.crm.imports.support import csv_bytes, imported


@pytest.fixture
async def salon(make_workspace):
    return await make_workspace(company="Undo Salon", locale="ru")


async def _contacts(client, workspace) -> dict:
    answer = await client.get(
        "/api/v1/contacts", params={"limit": 200}, headers=workspace["headers"]
    )
    return {card["display_name"]: card for card in answer.json()["items"]}


async def _undo(client, workspace, batch) -> dict:
    answer = await client.post(f"/api/v1/imports/{batch['id']}/undo", headers=workspace["headers"])
    assert answer.status_code == 200, answer.text
    return answer.json()


async def test_undo_keeps_an_imported_contact_with_a_note_and_a_deal(client, db, salon):
    rows = [["Имя", "Телефон", "Компания"],
            ["Ольга", "+7 916 100-00-01", "Лютик"],
            ["Пётр", "+7 916 100-00-02", "Лютик"],
            ["Ирина", "+7 916 100-00-03", ""]]  # fmt: skip
    batch = await imported(client, db, salon, csv_bytes(rows))
    assert batch["created"] == 3
    cards = await _contacts(client, salon)
    olga, petr = cards["Ольга"], cards["Пётр"]
    note = await client.post(
        f"/api/v1/contacts/{olga['id']}/notes", json={"body": "Звонила"}, headers=salon["headers"]
    )
    assert note.status_code == 201, note.text
    pipeline = (await client.get("/api/v1/pipelines", headers=salon["headers"])).json()["items"][0]
    deal = await client.post(
        "/api/v1/deals",
        json={"title": "Окрашивание", "pipeline_id": pipeline["id"], "contact_id": petr["id"]},
        headers=salon["headers"],
    )
    assert deal.status_code == 201, deal.text

    undone = await _undo(client, salon, batch)
    # Ирина goes; Ольга (a note) and Пётр (a deal) stay, and so does their company Лютик.
    assert undone["undone"] == 1
    assert undone["kept"] == 3
    assert undone["kept_because"] == {"notes": 1, "deals": 1, "people": 1}
    assert set(await _contacts(client, salon)) == {"Ольга", "Пётр"}
    notes = await client.get(f"/api/v1/contacts/{olga['id']}/notes", headers=salon["headers"])
    assert [n["body"] for n in notes.json()["items"]] == ["Звонила"]
    shown = await client.get(f"/api/v1/deals/{deal.json()['id']}", headers=salon["headers"])
    assert shown.json()["contact_id"] == petr["id"]
    companies = await client.get("/api/v1/companies", headers=salon["headers"])
    assert [c["name"] for c in companies.json()["items"]] == ["Лютик"]


async def test_undo_gives_an_updated_contact_its_previous_values(client, db, salon):
    before = await client.post(
        "/api/v1/contacts",
        json={"first_name": "Анна", "last_name": "Смирнова", "source": "сайт",
              "phones": [{"number": "+7 916 200-00-01"}], "tags": ["постоянная"]},
        headers=salon["headers"],
    )  # fmt: skip
    anna = before.json()
    rows = [["Имя", "Фамилия", "Телефон", "Эл. почта", "Теги", "Источник", "Компания"],
            ["Анна", "Петрова", "+7 916 200-00-01", "anna@example.com", "vip", "выставка",
             "Ромашка"]]  # fmt: skip
    batch = await imported(client, db, salon, csv_bytes(rows), on_duplicate="update")
    assert batch["updated"] == 1
    changed = await client.get(f"/api/v1/contacts/{anna['id']}", headers=salon["headers"])
    assert changed.json()["last_name"] == "Петрова"
    # Someone edits the source after the import: undo leaves that edit alone.
    edited = await client.patch(
        f"/api/v1/contacts/{anna['id']}", json={"source": "рекомендация"}, headers=salon["headers"]
    )
    assert edited.status_code == 200, edited.text

    undone = await _undo(client, salon, batch)
    assert (undone["undone"], undone["restored"]) == (1, 1)  # the company Ромашка; Анна
    card = (await client.get(f"/api/v1/contacts/{anna['id']}", headers=salon["headers"])).json()
    assert card["last_name"] == "Смирнова" and card["display_name"] == "Смирнова Анна"
    assert card["emails"] == []
    assert card["phones"] == [{"number": "+79162000001", "kind": "mobile"}]
    assert card["tags"] == ["постоянная"]
    assert card["companies"] == []
    assert card["source"] == "рекомендация"


async def test_undo_gives_updated_companies_and_products_their_previous_values(client, db, salon):
    await client.post(
        "/api/v1/companies", json={"name": "Ромашка", "tax_id": "7701234567", "website": "a.ru"},
        headers=salon["headers"],
    )  # fmt: skip
    rows = [["Название", "ИНН", "Сайт"], ["Ромашка", "7701234567", "romashka.ru"]]
    companies = await imported(
        client, db, salon, csv_bytes(rows, delimiter=";"), kind="companies", on_duplicate="update"
    )
    await client.post(
        "/api/v1/products", json={"sku": "A-1", "name": "Шампунь", "price": "450.00"},
        headers=salon["headers"],
    )  # fmt: skip
    rows = [["Артикул", "Название", "Цена"], ["A-1", "Шампунь", "399"]]
    products = await imported(
        client, db, salon, csv_bytes(rows, delimiter=";"), kind="products", on_duplicate="update"
    )
    assert companies["updated"] == products["updated"] == 1

    assert (await _undo(client, salon, companies))["restored"] == 1
    assert (await _undo(client, salon, products))["restored"] == 1
    company = (await client.get("/api/v1/companies", headers=salon["headers"])).json()["items"]
    assert [c["website"] for c in company] == ["a.ru"]
    product = (await client.get("/api/v1/products", headers=salon["headers"])).json()["items"]
    assert [p["price"] for p in product] == ["450.00"]
