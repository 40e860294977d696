"""Property-based tests of the REST API from its own OpenAPI document, with schemathesis
(what they found is in test_api_fuzz_findings.py).

The fuzzer reaches the app in-process through schemathesis' ASGI transport, which runs the
app (and its database pool) on an event loop thread of its own; so the fuzz tests are
synchronous and use an app of their own, apart from the session's `app` and `client` (whose
pools live in the litestar test client's loop). It authenticates with a second API key of a
fresh workspace, so revoking the signup key is just another request, and it comes from an
address of its own, so its failed sign-ins never throttle other tests (Redis outlives runs).

Every answer must be no 5xx, and either a 2xx in the declared content type and shape, or an
RFC 9457 problem (application/problem+json with status, title and detail).

Sign-in and sign-up are fuzzed too, without the key, and reach past "unknown e-mail" and
"link not usable": a third of their bodies are real (a member's e-mail and password, a live
invitation or reset link, a fresh e-mail with a strong password and a real trade) and a third
are generated ones with the real fields put in; the last test checks that each got through.

Why not `schemathesis.pytest.from_fixture`: with pytest 9.2 its lazy loader fails on
``request.node._nodeid``; loading the schema from the app's OpenAPI object at import time
(which connects to nothing) and passing the app to each call works, one test per operation.
"""

import collections
import json
import secrets

import pytest
import schemathesis
import sqlalchemy as sa
from hypothesis import HealthCheck, assume, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from atrium.platform.config import get_settings
from tests.helpers import STRONG_PASSWORD
from tests.platform.support import random_email, random_ip, token_in

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


# Sign-in and sign-up: the routes, the real bodies the `sign_in_bodies` fixture makes for
# them, and which statuses they answered.
LOGIN, RESET, CONFIRM, ACCEPT, SIGNUP = (
    f"{API}/auth/login",
    f"{API}/auth/password-reset",
    f"{API}/auth/password-reset/confirm",
    f"{API}/invitations/accept",
    f"{API}/signup",
)
REAL_BODIES: dict[str, list[dict]] = {}
ANSWERED: collections.Counter = collections.Counter()


@schema.hook
def flatmap_body(ctx, body):
    real = REAL_BODIES.get(ctx.operation.path) if ctx.operation is not None else None
    if not real or not isinstance(body, dict):
        return st.just(body)
    return st.one_of(
        st.just(body),
        st.sampled_from(real).map(lambda values: {**body, **values}),
        st.sampled_from(real),
    )


def counts_sign_in(ctx, response, case) -> None:
    if case.path in (LOGIN, RESET, CONFIRM, ACCEPT, SIGNUP):
        ANSWERED[(case.path, response.status_code)] += 1


def _system_mail(address: str) -> str:
    engine = sa.create_engine(get_settings().database_url)
    with engine.connect() as connection:
        body = connection.scalar(
            sa.text(
                "SELECT text_body FROM atrium.system_mail WHERE to_address = :address "
                "ORDER BY id DESC LIMIT 1"
            ),
            {"address": address},
        )
    engine.dispose()
    return body


@pytest.fixture(scope="module")
def sign_in_bodies(fuzz_app):
    """A workspace whose owner signs in, three live invitations, three members with a live
    reset link each, and two fresh e-mails to sign up with."""
    with asgi.get_client(fuzz_app) as client:

        def ok(answer, status: int) -> dict:
            assert answer.status_code == status, answer.text
            return answer.json() if answer.content else {}

        owner = random_email("fuzz-owner")
        signed_up = ok(
            client.post(
                SIGNUP,
                json={
                    "company": "Fuzz Sign-in",
                    "email": owner,
                    "password": STRONG_PASSWORD,
                    "vertical": "retail",
                },
            ),
            201,
        )
        key = {"Authorization": f"Bearer {signed_up['api_key']}"}

        def invite(label: str) -> tuple[str, str]:
            email = random_email(label)
            ok(
                client.post(
                    f"{API}/invitations", json={"email": email, "role": "employee"}, headers=key
                ),
                201,
            )
            return email, token_in(_system_mail(email))

        invited = [invite("fuzz-invited") for _ in range(3)]
        resetting = []
        for _ in range(3):
            email, token = invite("fuzz-member")
            ok(
                client.post(
                    ACCEPT, json={"token": token, "password": STRONG_PASSWORD, "name": "M"}
                ),
                200,
            )
            ok(client.post(RESET, json={"email": email}), 202)
            resetting.append((email, token_in(_system_mail(email))))
    REAL_BODIES.update(
        {
            LOGIN: [
                {"email": owner, "password": STRONG_PASSWORD},
                {"email": owner.upper(), "password": STRONG_PASSWORD},
                {"email": owner, "password": "Not-The-Password-77"},
                {"email": invited[0][0], "password": STRONG_PASSWORD},
            ],
            RESET: [{"email": owner}, {"email": invited[0][0]}],
            CONFIRM: [
                {"token": token, "password": "Copper-Heron-81-Meadow"} for _, token in resetting
            ],
            ACCEPT: [
                {"token": token, "password": STRONG_PASSWORD, "name": "Fuzz"}
                for _, token in invited
            ],
            SIGNUP: [
                {
                    "company": "Fuzz New",
                    "email": random_email("fuzz-new"),
                    "password": STRONG_PASSWORD,
                    "vertical": vertical,
                }
                for vertical in ("general", "salon")
            ],
        }
    )
    yield REAL_BODIES
    REAL_BODIES.clear()


CHECKS = [not_a_server_error, answers_as_declared, counts_sign_in]


@schema.exclude(path=f"{API}/signup").parametrize()
@FUZZ
def test_api_answers_every_input_without_a_5xx(case, fuzz_app, fuzz_key, sign_in_bodies):
    # The fuzzer may find its own key's id in the list of keys; revoking it would turn the
    # rest of the run into 401s. Revoking any other key (the signup key too) is fine.
    if case.method == "DELETE" and case.path == f"{API}/api-keys/{{key_id}}":
        assume(str(case.path_parameters.get("key_id")) != fuzz_key["id"])
    signing_in = case.path in (LOGIN, RESET, CONFIRM, ACCEPT)  # as one who has no key
    headers = None if signing_in else fuzz_key["headers"]
    case.call_and_validate(app=fuzz_app, headers=headers, checks=CHECKS)


@schema.include(path=f"{API}/signup").parametrize()
@settings(FUZZ, max_examples=20)
def test_signup_answers_every_input_without_a_5xx(case, fuzz_app, sign_in_bodies):
    # Capped: each signup that gets through creates a workspace schema.
    case.call_and_validate(app=fuzz_app, checks=CHECKS)


def test_sign_in_and_sign_up_got_through(sign_in_bodies):
    # What the fuzzer sent reached the accounts and links, not only their refusals.
    if not ANSWERED:
        pytest.skip("run with the fuzz tests above")
    for path, status in [
        (LOGIN, 200),
        (LOGIN, 401),
        (RESET, 202),
        (CONFIRM, 200),
        (ACCEPT, 200),
        (SIGNUP, 201),
    ]:
        assert ANSWERED[(path, status)], f"{path} never answered {status}: {dict(ANSWERED)}"
