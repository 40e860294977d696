"""What a client can send before signing in, answered as a refusal and never a 500: a JSON body
nested thousands of levels deep (a few KB that would exhaust the decoder's stack)."""

import pytest

NESTED = "[" * 1500 + "]" * 1500  # about 3 KB
OPEN_ROUTES = [
    "/api/v1/auth/login",
    "/api/v1/signup",
    "/api/v1/auth/password-reset",
    "/api/v1/auth/password-reset/confirm",
    "/api/v1/invitations/accept",
    "/api/public/any-salon/bookings",
]


@pytest.mark.parametrize("path", OPEN_ROUTES)
@pytest.mark.parametrize("content_type", ["application/json", "text/plain", None])
async def test_a_deeply_nested_json_body_is_a_400_problem_not_a_500(
    client, path, content_type, capsys
):
    headers = {"Content-Type": content_type} if content_type else {}
    answer = await client.post(path, content=NESTED, headers=headers)
    assert answer.status_code == 400, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["detail"] == "The JSON body nests more than 32 levels deep."
    assert "Traceback" not in capsys.readouterr().err


async def test_the_refusal_is_in_russian_for_a_russian_caller(client):
    answer = await client.post(
        "/api/v1/auth/login", content='{"a":' * 600 + "1" + "}" * 600,
        headers={"Content-Type": "application/json", "Accept-Language": "ru"},
    )  # fmt: skip
    assert answer.status_code == 400
    assert answer.json()["detail"] == "В теле JSON больше 32 уровней вложенности."


async def test_ordinary_nesting_still_passes(client, make_workspace):
    workspace = await make_workspace(company="Nesting Shop", vertical="retail")
    deep_but_fine = {"first_name": "Anna", "custom": {}}
    value: list = []
    for _ in range(20):
        value = [value]
    deep_but_fine["notes"] = str(value)
    many = [{"number": f"+7 916 000-00-{n:02d}"} for n in range(40)]  # 40 objects: 41 brackets
    answer = await client.post(
        "/api/v1/contacts", json={**deep_but_fine, "phones": many}, headers=workspace["headers"]
    )
    assert answer.status_code == 201, answer.text
