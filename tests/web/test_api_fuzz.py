"""Property-based tests of the REST API from its own OpenAPI document, with schemathesis,
and the smallest reproductions of what they found.

The fuzzer reaches the app in-process through schemathesis' ASGI transport, which runs the
app (and its database pool) on an event loop thread of its own; so the fuzz tests are
synchronous and use an app of their own, apart from the session's `app` and `client` (whose
pools live in the litestar test client's loop). It authenticates with a second API key of a
fresh workspace, so revoking the signup key is just another request, and it comes from an
address of its own, so its failed sign-ins never throttle other tests (Redis outlives runs).

Every answer must be no 5xx, and either a 2xx in the declared content type and shape, or an
RFC 9457 problem (application/problem+json with status, title and detail).

Why not `schemathesis.pytest.from_fixture`: with pytest 9.2 its lazy loader fails on
``request.node._nodeid``; loading the schema from the app's OpenAPI object at import time
(which connects to nothing) and passing the app to each call works, one test per operation.
"""

import base64
import json
import secrets

import pytest
import schemathesis
import sqlalchemy as sa
from hypothesis import HealthCheck, assume, settings
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from atrium.platform.config import get_settings
from atrium.web.pages.field_labels import field_label
from tests.helpers import STRONG_PASSWORD
from tests.platform.support import random_ip

# Hypothesis warns when the global `random` state moves during a draw. It warned only in the
# full suite, never with this module alone, so (not proven) threads that earlier tests leave
# running move it, not the strategies.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Do not use the `random` module inside strategies"
    ":hypothesis.errors.HypothesisDeprecationWarning"
)
API = "/api/v1"
PROBLEM_JSON = "application/problem+json"
SEED = 20261123
FUZZ = settings(
    max_examples=20,  # per operation, in the fuzzing phase
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def closed_request_bodies(document: dict) -> dict:
    """The document with ``additionalProperties: false`` on every object a request body uses.

    Every input struct forbids unknown fields (a typo is a 400, not silently dropped), but the
    generated document does not say so; without this, nearly every "valid" body the fuzzer
    made carried an extra field and stopped at the decoder, never reaching the services.
    """
    schemas = document.get("components", {}).get("schemas", {})
    seen: set[str] = set()

    def close(node) -> None:
        if isinstance(node, list):
            for item in node:
                close(item)
        elif isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/components/schemas/"):
                name = ref.rsplit("/", 1)[1]
                if name not in seen:
                    seen.add(name)
                    close(schemas[name])
            if "properties" in node:
                node.setdefault("additionalProperties", False)
            for value in node.values():
                close(value)

    for item in document.get("paths", {}).values():
        for operation in item.values():
            if isinstance(operation, dict) and "requestBody" in operation:
                close(operation["requestBody"])
    return document


def _build_app():
    from atrium.web.app import create_app

    return create_app()


# The time goes to the app (~11 ms a request on 2 cores), so within ~60 s: the fuzzing
# phase in both modes, and the coverage phase's valid boundary values only; its invalid
# values (one per field and type) and its probes with undeclared methods all end in the
# same decoder and router answers, covered once by the tests below.
CONFIG = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        "phases": {"coverage": {"generation": {"mode": "positive"}, "unexpected-methods": []}},
    }
)
APP = _build_app()
schema = schemathesis.openapi.from_dict(
    closed_request_bodies(APP.openapi_schema.to_schema()), config=CONFIG
)


class Addressed:
    """The app as seen from one client address (the ASGI scope's ``client``)."""

    def __init__(self, app, ip: str) -> None:
        self.app = app
        self.ip = ip

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] in ("http", "websocket"):
            scope = {**scope, "client": (self.ip, 50000)}
        await self.app(scope, receive, send)


@pytest.fixture(scope="module")
def fuzz_app(migrated, localstripe):
    yield Addressed(APP, random_ip())
    asgi.shutdown_lifespans()  # the app's shutdown: pools closed


def _without_plan_limits(slug: str) -> None:
    """The fuzzer sends thousands of calls a minute: its workspace is one billing never
    limited (a plan's API rate would turn most of the run into 429s)."""
    engine = sa.create_engine(get_settings().database_url)
    with engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE atrium.tenants SET entitlements = NULL WHERE slug = :slug"),
            {"slug": slug},
        )
    engine.dispose()


@pytest.fixture(scope="module")
def fuzz_key(fuzz_app):
    """A second API key of a fresh workspace's owner: the credential the fuzzer uses."""
    with asgi.get_client(fuzz_app) as client:
        signup = client.post(
            f"{API}/signup",
            json={
                "company": "Fuzz Salon",
                "email": f"fuzz-{secrets.token_hex(6)}@example.com",
                "password": STRONG_PASSWORD,
                "vertical": "salon",
            },
        )
        assert signup.status_code == 201, signup.text
        _without_plan_limits(signup.json()["tenant"]["slug"])
        owner = {"Authorization": f"Bearer {signup.json()['api_key']}"}
        created = client.post(f"{API}/api-keys", json={"name": "fuzzer"}, headers=owner)
        assert created.status_code == 201, created.text
        key = created.json()
        headers = {"Authorization": f"Bearer {key['key']}"}
        yield {"id": key["id"], "headers": headers}
        # The run stayed meaningful: the fuzzer's key still works after all it sent.
        me = client.get(f"{API}/me", headers=headers)
        assert me.status_code == 200, me.text


def answers_as_declared(ctx, response, case) -> None:
    """2xx: the declared content type and shape; 4xx and 5xx: an RFC 9457 problem."""
    if response.status_code < 400:
        content_type_conformance(ctx, response, case)
        response_schema_conformance(ctx, response, case)
        return
    content_type = (response.headers.get("content-type") or [""])[0]
    assert content_type.split(";")[0].strip() == PROBLEM_JSON, (
        f"{response.status_code} answered as {content_type!r}, not {PROBLEM_JSON}"
    )
    body = json.loads(response.content)
    assert isinstance(body, dict), f"a problem is a JSON object, got {body!r}"
    assert body.get("status") == response.status_code, f"status {body.get('status')!r} in {body}"
    assert isinstance(body.get("title"), str) and body["title"], f"no title in {body}"
    assert isinstance(body.get("detail"), str) and body["detail"], f"no detail in {body}"


CHECKS = [not_a_server_error, answers_as_declared]


@schema.exclude(path=f"{API}/signup").parametrize()
@FUZZ
def test_api_answers_every_input_without_a_5xx(case, fuzz_app, fuzz_key):
    # The fuzzer may find its own key's id in the list of keys; revoking it would turn the
    # rest of the run into 401s. Revoking any other key (the signup key too) is fine.
    if case.method == "DELETE" and case.path == f"{API}/api-keys/{{key_id}}":
        assume(str(case.path_parameters.get("key_id")) != fuzz_key["id"])
    case.call_and_validate(app=fuzz_app, headers=fuzz_key["headers"], checks=CHECKS)


@schema.include(path=f"{API}/signup").parametrize()
@settings(FUZZ, max_examples=20)
def test_signup_answers_every_input_without_a_5xx(case, fuzz_app):
    # Capped: each signup that gets through creates a workspace schema.
    case.call_and_validate(app=fuzz_app, checks=CHECKS)


# What the fuzzer found, each as the smallest request that showed it.


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
