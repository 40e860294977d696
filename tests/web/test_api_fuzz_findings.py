"""What the schemathesis fuzzer (tests/web/test_api_fuzz.py) found, each as the smallest
request that showed it."""

import base64
import json
import secrets

from atrium.web.pages.field_labels import field_label
from tests.helpers import STRONG_PASSWORD

API = "/api/v1"
PROBLEM_JSON = "application/problem+json"


def assert_problem(answer, status: int, field: str | None = None) -> dict:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == PROBLEM_JSON
    body = answer.json()
    assert body["status"] == status and body["detail"]
    if field is not None:
        assert body.get("field") == field, body
        # The detail names the field by its label; the key is in ``field``.
        assert field_label(field).lower() in body["detail"].lower(), body
    return body


def cursor_of(values) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


async def test_an_undeclared_method_is_a_405_problem(client, make_workspace):
    # The coverage phase's probes with undeclared methods are off (see CONFIG); this is them.
    owner = await make_workspace()
    answer = await client.put(f"{API}/me", headers=owner["headers"])
    assert "PUT" in assert_problem(answer, 405)["detail"]


async def test_a_query_value_of_the_wrong_type_is_a_400_naming_it(client, make_workspace):
    # And the coverage phase's invalid values: each one ends in the decoder's answer.
    owner = await make_workspace()
    answer = await client.get(f"{API}/members", params={"limit": "many"}, headers=owner["headers"])
    assert assert_problem(answer, 400, field="limit")["detail"] == "Limit must be a whole number."


async def test_contacts_searched_for_a_nul_is_a_422(client, make_workspace):
    owner = await make_workspace()
    answer = await client.get(f"{API}/contacts", params={"q": "\u0000"}, headers=owner["headers"])
    assert "NUL" in assert_problem(answer, 422, field="q")["detail"]


async def test_a_contact_with_a_nul_deep_in_its_body_is_a_422_naming_the_path(
    client, make_workspace
):
    owner = await make_workspace()
    answer = await client.post(
        f"{API}/contacts",
        json={"first_name": "Ann", "tags": ["vip", "a\u0000b"]},
        headers=owner["headers"],
    )
    assert_problem(answer, 422, field="tags[1]")
    listed = await client.get(f"{API}/contacts", headers=owner["headers"])
    assert listed.json()["items"] == []


async def test_an_escaped_backslash_before_u0000_is_plain_text(client, make_workspace):
    owner = await make_workspace()
    answer = await client.post(
        f"{API}/contacts", json={"first_name": "\\u0000"}, headers=owner["headers"]
    )
    assert answer.status_code == 201 and answer.json()["first_name"] == "\\u0000"


async def test_logout_is_documented_as_a_204_without_a_body(client):
    document = (await client.get(f"{API}/openapi.json")).json()
    answer = document["paths"][f"{API}/auth/logout"]["post"]["responses"]["204"]
    assert "content" not in answer  # it declared an application/json `null` body
    done = await client.post(f"{API}/auth/logout")
    assert done.status_code == 204 and done.content == b""
    assert "content-type" not in done.headers


async def test_login_with_a_nul_in_the_email_is_a_422(client):
    answer = await client.post(
        f"{API}/auth/login", json={"email": "ann\u0000@example.com", "password": "x"}
    )
    assert_problem(answer, 422, field="email")


async def test_password_reset_with_a_nul_in_the_email_is_a_422(client):
    answer = await client.post(f"{API}/auth/password-reset", json={"email": "ann\u0000@x.org"})
    assert_problem(answer, 422, field="email")


async def test_signup_with_a_nul_in_the_company_is_a_422(client):
    answer = await client.post(
        f"{API}/signup",
        json={
            "company": "Salon\u0000",
            "email": f"nul-{secrets.token_hex(4)}@example.com",
            "password": STRONG_PASSWORD,
            "vertical": "salon",
        },
    )
    assert_problem(answer, 422, field="company")


async def test_invitation_with_a_nul_in_the_email_is_a_422(client, make_workspace):
    owner = await make_workspace()
    answer = await client.post(
        f"{API}/invitations",
        json={"email": "bob\u0000@example.com", "role": "member"},
        headers=owner["headers"],
    )
    assert_problem(answer, 422, field="email")


async def test_custom_fields_with_a_nul_in_the_query_is_a_422(client, make_workspace):
    owner = await make_workspace()
    answer = await client.get(
        f"{API}/custom-fields", params={"object_type": "\u0000"}, headers=owner["headers"]
    )
    assert "NUL" in assert_problem(answer, 422, field="object_type")["detail"]


async def test_api_keys_with_a_cursor_of_numbers_is_a_422(client, make_workspace):
    owner = await make_workspace()
    answer = await client.get(
        f"{API}/api-keys", params={"cursor": cursor_of([1, 2])}, headers=owner["headers"]
    )
    assert_problem(answer, 422, field="cursor")


async def test_api_key_with_an_expiry_without_offset_is_a_400(client, make_workspace):
    owner = await make_workspace()
    answer = await client.post(
        f"{API}/api-keys",
        json={"name": "CI", "expires_at": "2030-01-01T00:00:00"},
        headers=owner["headers"],
    )
    problem = assert_problem(answer, 400, field="expires_at")
    assert problem["detail"] == "Expires at needs a time zone, such as +03:00."


async def test_api_key_without_a_body_is_a_400_that_says_so(client, make_workspace):
    owner = await make_workspace()
    answer = await client.post(f"{API}/api-keys", headers=owner["headers"])
    assert assert_problem(answer, 400)["detail"] == "The request needs a JSON body."


async def test_workspace_currency_of_non_latin_capitals_is_a_422(client, make_workspace):
    owner = await make_workspace()
    answer = await client.patch(
        f"{API}/workspace", json={"currency": "ÄÖÜ"}, headers=owner["headers"]
    )
    assert_problem(answer, 422, field="currency")


async def test_contact_with_an_owner_id_is_a_201(client, make_workspace):
    # It was a 500: create_contact passed owner_id to Contact() twice (fixed in 872f7e4).
    owner = await make_workspace()
    answer = await client.post(
        f"{API}/contacts",
        json={"first_name": "Ann", "owner_id": owner["user"]["id"]},
        headers=owner["headers"],
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["owner_id"] == owner["user"]["id"]


async def test_company_with_an_owner_id_is_a_201(client, make_workspace):
    # It was a 500: create_company passed owner_id to Company() twice (fixed in 872f7e4).
    owner = await make_workspace()
    answer = await client.post(
        f"{API}/companies",
        json={"name": "Acme", "owner_id": owner["user"]["id"]},
        headers=owner["headers"],
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["owner_id"] == owner["user"]["id"]


async def test_the_document_declares_errors_as_problems(client):
    document = (await client.get(f"{API}/openapi.json")).json()
    assert document["components"]["schemas"]["Problem"]["required"] == [
        "type",
        "title",
        "status",
        "detail",
    ]
    patch = document["paths"][f"{API}/contacts/{{contact_id}}"]["patch"]["responses"]
    for status in ("400", "401", "403", "404", "409", "422"):
        assert list(patch[status]["content"]) == [PROBLEM_JSON], status
    signup = document["paths"][f"{API}/signup"]["post"]["responses"]
    assert "429" in signup and "401" not in signup
