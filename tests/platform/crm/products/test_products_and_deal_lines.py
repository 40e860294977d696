"""Products and services with prices in the workspace currency, and deals priced by their lines."""

import pytest


@pytest.fixture(scope="module")
async def tools(make_workspace):
    return await make_workspace(company="Lines Tools", vertical="retail", locale="ru")


async def test_a_deal_takes_its_amount_from_qty_times_price_minus_discount(client, tools):
    headers = tools["headers"]
    saw = await client.post(
        "/api/v1/products",
        json={
            "sku": "STIHL-MS180",
            "name": "Бензопила STIHL MS 180",
            "price": "18990.00",
            "category": "Пилы",
        },
        headers=headers,
    )
    assert saw.status_code == 201, saw.text
    assert saw.json()["currency"] == "RUB" and saw.json()["category"] == "Пилы"
    oil = (
        await client.post(
            "/api/v1/products",
            json={"sku": "OIL-1L", "name": "Масло для цепи 1 л", "price": "450.50", "unit": "л"},
            headers=headers,
        )
    ).json()
    pipeline = (await client.get("/api/v1/pipelines", headers=headers)).json()["items"][0]
    deal = (
        await client.post(
            "/api/v1/deals",
            json={"title": "Пила с маслом", "pipeline_id": pipeline["id"]},
            headers=headers,
        )
    ).json()
    priced = await client.put(
        f"/api/v1/deals/{deal['id']}/lines",
        json=[
            {"product_id": saw.json()["id"], "discount": "990.00"},
            {"product_id": oil["id"], "quantity": "3"},
            {"name": "Доставка", "unit_price": "500"},
        ],
        headers=headers,
    )
    assert priced.status_code == 200, priced.text
    body = priced.json()
    assert [line["total"] for line in body["lines"]] == ["18000.00", "1351.50", "500.00"]
    assert body["deal"]["amount"] == "19851.50"
    typed = await client.patch(f"/api/v1/deals/{deal['id']}", json={"amount": "1"}, headers=headers)
    assert typed.status_code == 422 and typed.json()["field"] == "amount"


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ({"name": "X"}, "lines[0].unit_price"),
        ({"name": "X", "unit_price": "10", "quantity": "0"}, "lines[0].quantity"),
        ({"name": "X", "unit_price": "10", "discount": "11"}, "lines[0].discount"),
        ({"name": "X", "unit_price": "0.001"}, "lines[0].unit_price"),
        ({"product_id": "00000000-0000-0000-0000-000000000005"}, "lines[0].product_id"),
    ],
)
async def test_bad_lines_are_refused_and_the_amount_stays(client, tools, line, field):
    headers = tools["headers"]
    pipeline = (await client.get("/api/v1/pipelines", headers=headers)).json()["items"][0]
    deal = (
        await client.post(
            "/api/v1/deals",
            json={"title": "Bad lines", "pipeline_id": pipeline["id"], "amount": "100"},
            headers=headers,
        )
    ).json()
    answer = await client.put(f"/api/v1/deals/{deal['id']}/lines", json=[line], headers=headers)
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == field
    again = await client.get(f"/api/v1/deals/{deal['id']}", headers=headers)
    assert again.json()["amount"] == "100.00"


async def test_skus_are_unique_and_price_lists_name_their_products(client, tools):
    headers = tools["headers"]
    first = (
        await client.post(
            "/api/v1/products",
            json={"sku": "DRILL-1", "name": "Дрель", "price": "3500"},
            headers=headers,
        )
    ).json()
    twin = await client.post(
        "/api/v1/products", json={"sku": "DRILL-1", "name": "Другая", "price": "1"}, headers=headers
    )
    assert twin.status_code == 409 and twin.json()["field"] == "sku"
    wholesale = await client.post(
        "/api/v1/price-lists",
        json={"name": "Опт", "prices": [{"product_id": first["id"], "price": "2900"}]},
        headers=headers,
    )
    assert wholesale.status_code == 201
    assert wholesale.json()["prices"] == [{"product_id": first["id"], "price": "2900.00"}]
    found = await client.get("/api/v1/products?q=drill", headers=headers)
    assert [p["sku"] for p in found.json()["items"]] == ["DRILL-1"]


async def test_renaming_a_product_onto_a_taken_sku_is_a_409_and_changes_nothing(client, tools):
    headers = tools["headers"]
    for sku in ("SAW-1", "SAW-2"):
        made = await client.post(
            "/api/v1/products", json={"sku": sku, "name": f"Пила {sku}", "price": "100"},
            headers=headers,
        )  # fmt: skip
        assert made.status_code == 201, made.text
    second = made.json()
    renamed = await client.patch(
        f"/api/v1/products/{second['id']}", json={"sku": "SAW-1", "name": "Другая"},
        headers=headers,
    )  # fmt: skip
    assert renamed.status_code == 409, renamed.text
    assert renamed.json()["field"] == "sku"
    kept = await client.get(f"/api/v1/products/{second['id']}", headers=headers)
    assert (kept.json()["sku"], kept.json()["name"]) == ("SAW-2", "Пила SAW-2")
