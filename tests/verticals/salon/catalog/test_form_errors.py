"""The salon catalogue's forms explain themselves: every too long or missing text of a submit
beside its field at once, named by its label in the user's language, the typed values kept,
and the services' limits on the inputs as maxlength."""

from tests.platform.conftest import new_browser, sign_in  # noqa: F401
from tests.verticals.salon.catalog.test_pages import api, catalog, owner  # noqa: F401
from tests.web.test_form_errors import described_error, maxlength_of


async def test_a_service_form_shows_every_error_at_once_by_label(owner):  # noqa: F811
    workspace, browser, csrf = owner
    form = (await browser.get(f"{catalog(workspace)}/services/new")).text
    assert (maxlength_of(form, "name"), maxlength_of(form, "category")) == (200, 100)
    assert maxlength_of(form, "description") == 5000
    typed = {"name": "Стрижка" * 30, "category": "К" * 101, "duration_minutes": "60",
             "price": "", "description": "Мытьё и укладка"}  # fmt: skip
    refused = await browser.post(
        f"{catalog(workspace)}/services?lang=ru", data={"csrf_token": csrf, **typed}
    )
    assert refused.status_code == 422
    assert described_error(refused.text, "name") == (
        "В поле «Название» — не больше 200 символов, а введено 210."
    )
    assert described_error(refused.text, "category").startswith("В поле «Категория» — не больше")
    assert described_error(refused.text, "price") == "Заполните поле «Цена»."
    assert typed["name"] in refused.text and "Мытьё и укладка</textarea>" in refused.text
    assert "«name»" not in refused.text and "«price»" not in refused.text


async def test_a_stock_item_and_a_receipt_note_are_explained_beside_their_fields(
    client,
    owner,  # noqa: F811
):
    workspace, browser, csrf = owner
    location = await api(client, workspace, "locations", {"name": "Tverskaya"})
    stock = f"{catalog(workspace)}/stock?location={location['id']}"
    page = (await browser.get(stock)).text
    assert maxlength_of(page, "item_name") == 200 and maxlength_of(page, "item_unit") == 20
    refused = await browser.post(
        f"{catalog(workspace)}/stock/items?lang=en",
        data={"csrf_token": csrf, "location_id": location["id"], "item_name": "",
              "item_unit": "bottle" * 4, "item_kind": "consumable"},
    )  # fmt: skip
    assert refused.status_code == 422
    assert described_error(refused.text, "item_name") == "Fill in “Name”."
    assert described_error(refused.text, "item_unit") == (
        "“Unit” holds at most 20 characters; this has 24."
    )
    assert 'value="bottlebottlebottlebottle"' in refused.text
    added = await browser.post(
        f"{catalog(workspace)}/stock/items",
        data={"csrf_token": csrf, "location_id": location["id"], "item_name": "Dye",
              "item_unit": "ml", "item_kind": "consumable"},
    )  # fmt: skip
    assert added.status_code == 302, added.text
    page = (await browser.get(stock)).text
    assert maxlength_of(page, "note") == 1000  # the receipt's note, now that there is an item


async def test_a_salon_forms_number_field_is_named_by_its_label_not_its_key(owner):  # noqa: F811
    workspace, browser, csrf = owner
    form = {"csrf_token": csrf, "name": "Арбат", "cancel_window_hours": "24",
            "slot_step_minutes": "15", "booking_horizon_days": "60"}  # fmt: skip
    long = await browser.post(
        f"{catalog(workspace)}/salons?lang=ru", data={**form, "address": "А" * 501}
    )
    assert long.status_code == 422
    assert described_error(long.text, "address").startswith("В поле «Адрес» — не больше 500")
    negative = await browser.post(
        f"{catalog(workspace)}/salons?lang=en", data={**form, "loyalty_threshold": "-5"}
    )
    assert negative.status_code == 422
    said = described_error(negative.text, "loyalty_threshold")
    assert said.startswith("Spend for a discount card must be"), said


async def test_the_desks_booking_form_explains_every_error_and_books_nothing(db, salon, sign_in):  # noqa: F811
    from sqlalchemy import func, select

    from atrium.verticals.salon.models import Visit

    http = await sign_in(salon.workspace["user"]["email"])
    csrf = http.headers.pop("X-CSRF-Token")
    journal = f"/w/{salon.slug}/salon/journal"
    form = (await http.get(f"{journal}/new?location={salon.location_id}")).text
    assert (maxlength_of(form, "first_name"), maxlength_of(form, "comment")) == (100, 2000)
    refused = await http.post(
        f"{journal}/visits?lang=ru",
        data={"csrf_token": csrf, "location": str(salon.location_id),
              "master_id": str(salon.boris), "start": f"{salon.day.isoformat()}T10:00",
              "service_id": str(salon.cut), "first_name": "О" * 101, "phone": "+7 916 555-44-33",
              "comment": "К" * 2001},
    )  # fmt: skip
    assert refused.status_code == 422
    assert described_error(refused.text, "first_name").startswith("В поле «Имя» — не больше 100")
    assert described_error(refused.text, "comment").startswith(
        "В поле «Комментарий» — не больше 2000"
    )
    assert "К" * 2001 in refused.text and 'value="+7 916 555-44-33"' in refused.text
    async with db.tenant_transaction(salon.schema) as session:
        assert await session.scalar(select(func.count()).select_from(Visit)) == 0
