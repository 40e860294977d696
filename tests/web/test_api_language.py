"""The API answers in the caller's language: ``Accept-Language`` first, else the language of
the credential's workspace, else English; fields are named by their label, never their key."""

import uuid

import pytest

from tests.verticals.salon.conftest import build_salon

RU = {"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"}
EN = {"Accept-Language": "en-GB,en;q=0.8"}


@pytest.fixture(scope="module")
async def russian(make_workspace):
    return await make_workspace(company="Язык", vertical="salon", locale="ru")


@pytest.fixture(scope="module")
async def english(make_workspace):
    return await make_workspace(company="Language", vertical="salon", locale="en")


async def test_a_service_refusal_comes_in_russian_naming_the_field_by_its_label(client, english):
    answer = await client.post(
        "/api/v1/contacts", json={"first_name": "x" * 1000}, headers={**english["headers"], **RU}
    )
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["detail"] == "Поле «Имя» — не длиннее 100 символов."
    assert problem["title"] == "Неверные данные"
    assert problem["field"] == "first_name"  # the key stays for programs
    assert answer.headers["content-language"] == "ru"


async def test_the_same_refusal_in_english_names_the_label_too(client, russian):
    answer = await client.post(
        "/api/v1/contacts", json={"first_name": "x" * 1000}, headers={**russian["headers"], **EN}
    )
    assert answer.json()["detail"] == "First name must be at most 100 characters."
    assert answer.json()["title"] == "Invalid input"


async def test_a_request_of_the_wrong_shape_is_told_in_russian(client, english):
    headers = {**english["headers"], **RU}
    wrong_type = await client.post("/api/v1/contacts", json={"first_name": 5}, headers=headers)
    assert wrong_type.status_code == 400
    assert wrong_type.json()["detail"] == "В поле «Имя» нужен текст."
    assert wrong_type.json()["title"] == "Неверный запрос"
    bad_id = await client.post("/api/v1/contacts", json={"owner_id": "zz"}, headers=headers)
    assert bad_id.json()["detail"] == "В поле «Владелец» — не идентификатор."
    bad_date = await client.post("/api/v1/contacts", json={"birthday": "zz"}, headers=headers)
    assert bad_date.json()["detail"] == "В поле «День рождения» нужна дата (ГГГГ-ММ-ДД)."
    unknown = await client.post("/api/v1/contacts", json={"nope": 1}, headers=headers)
    assert unknown.json()["detail"] == "Поля nope здесь нет."
    not_json = await client.post(
        "/api/v1/contacts",
        content=b"{",
        headers={**headers, "Content-Type": "application/json"},
    )
    assert not_json.json()["detail"] == "Тело запроса — не правильный JSON."
    query = await client.get("/api/v1/contacts?limit=abc", headers=headers)
    assert query.json()["detail"] == "В поле «Лимит» нужно целое число."


async def test_a_phone_that_is_not_one_is_told_in_russian(client, english):
    answer = await client.post(
        "/api/v1/contacts",
        json={"first_name": "Олег", "phones": [{"number": "abc"}]},
        headers={**english["headers"], **RU},
    )
    assert answer.json()["detail"] == "abc — не номер телефона."


async def test_a_missing_record_and_a_missing_key_are_told_in_russian(client, english):
    headers = {**english["headers"], **RU}
    missing = await client.get(f"/api/v1/contacts/{uuid.uuid4()}", headers=headers)
    assert missing.status_code == 404
    assert missing.json() == {
        "type": "about:blank",
        "title": "Не найдено",
        "status": 404,
        "detail": "Такого клиента нет.",
    }
    signed_out = await client.get("/api/v1/contacts", headers=RU)
    assert signed_out.status_code == 401
    assert signed_out.json()["title"] == "Вход не выполнен"
    assert signed_out.json()["detail"].startswith("Войдите")


async def test_without_accept_language_the_workspace_language_is_used(client, russian, english):
    answer = await client.post(
        "/api/v1/contacts", json={"first_name": 5}, headers=russian["headers"]
    )
    assert answer.json()["detail"] == "В поле «Имя» нужен текст."
    answer = await client.post(
        "/api/v1/contacts", json={"first_name": 5}, headers=english["headers"]
    )
    assert answer.json()["detail"] == "First name must be text."


async def test_a_language_atrium_does_not_speak_falls_back_by_the_rule(client, russian):
    headers = {**russian["headers"], "Accept-Language": "de-DE,fr;q=0.9"}
    answer = await client.post("/api/v1/contacts", json={"first_name": 5}, headers=headers)
    assert answer.json()["detail"] == "В поле «Имя» нужен текст."
    # q-values count: English preferred over Russian here.
    headers = {**russian["headers"], "Accept-Language": "ru;q=0.3, en;q=0.9"}
    answer = await client.post("/api/v1/contacts", json={"first_name": 5}, headers=headers)
    assert answer.json()["detail"] == "First name must be text."
    anonymous = await client.get("/api/v1/contacts")
    assert anonymous.json()["title"] == "Not signed in"


async def test_the_public_booking_api_answers_in_the_visitors_language(client, db, make_workspace):
    salon = await build_salon(db, await make_workspace("Salon Liza", "salon", locale="en"))
    body = {
        "location_id": str(salon.location_id),
        "service_ids": [str(salon.cut)],
        "master_id": None,
        "start": salon.at(11).isoformat(),
        "first_name": "",
        "phone": "abc",
    }
    url = f"/api/public/{salon.slug}/bookings"
    no_name = await client.post(url, json=body, headers=RU)
    assert no_name.status_code == 422
    assert no_name.json()["detail"] == "Укажите имя."
    assert no_name.json()["field"] == "first_name"
    no_phone = await client.post(url, json={**body, "first_name": "Ольга"}, headers=RU)
    assert no_phone.json()["detail"] == "abc — не номер телефона."
    in_english = await client.post(url, json=body, headers=EN)
    assert in_english.json()["detail"] == "Give your name."
    missing = await client.get(f"/api/public/{salon.slug}/services", headers=RU)
    assert missing.status_code == 400
    assert missing.json()["detail"] == "Заполните поле «Салон»."


def test_every_api_text_and_field_label_has_russian():
    from atrium.platform.http import problems, validation
    from atrium.web.pages.field_labels import FIELD_LABELS
    from atrium.web.pages.i18n import translations

    texts = {
        *problems.TITLES.values(),
        *validation._KINDS.values(),
        *(message for _, message in validation._RULES),
        "There is no field %(key)s here.",
        *FIELD_LABELS.values(),
    }
    russian = translations("ru")
    missing = sorted(text for text in texts if russian.gettext(text) == text)
    assert not missing, f"no Russian for: {missing}"


def test_a_refusal_names_the_members_role_in_the_readers_language():
    from atrium.platform.auth.models import Role
    from atrium.platform.auth.principal import Principal, Workspace
    from atrium.platform.errors import Forbidden
    from atrium.web.pages.kit import error_text

    workspace = Workspace(uuid.uuid4(), "s", "S", None, "ru", None)
    employee = Principal(uuid.uuid4(), "e@example.com", "E", workspace, Role.EMPLOYEE, "session")
    with pytest.raises(Forbidden) as refused:
        employee.require("crm.delete")
    assert error_text("ru", refused.value) == "Ваша роль (Сотрудник) не даёт права crm.delete."
    assert error_text("en", refused.value) == "Your role (Employee) does not allow crm.delete."


async def test_a_refusal_whose_values_include_a_status_is_told_not_a_500(client, english):
    headers = english["headers"]
    lead = (
        await client.post("/api/v1/leads", json={"source": "form", "name": "Олег"}, headers=headers)
    ).json()
    converted = await client.post(f"/api/v1/leads/{lead['id']}/convert", json={}, headers=headers)
    assert converted.status_code == 200, converted.text
    again = await client.post(
        f"/api/v1/leads/{lead['id']}/assign",
        json={"assignee_id": english["user"]["id"]},
        headers={**headers, **RU},
    )
    assert again.status_code == 409, again.text
    assert again.json()["detail"] == "Заявка уже в статусе «Превращена в сделку»."


def test_a_message_may_have_a_value_named_locale_or_message():
    from atrium.platform.errors import Invalid
    from atrium.web.pages.kit import error_text

    error = Invalid("Unknown locale '%(locale)s'; choose one of: en, ru.", locale="de")
    assert error_text("en", error) == "Unknown locale 'de'; choose one of: en, ru."
