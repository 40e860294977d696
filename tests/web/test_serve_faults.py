"""Faults between `atrium serve` and what it depends on, made by the fault proxy of the test kit
(tests/faults.py) in front of PostgreSQL, Redis, SMTP and an SMS gateway: with one down or slow
mid-request the app answers 503 problem+json with Retry-After or queues the work, writes all or
nothing, and recovers by itself when it comes back."""

import asyncio
import json
import os
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from atrium.platform.notify.sms import HttpGateway
from tests.conftest import serving
from tests.faults import FaultProxy
from tests.helpers import STRONG_PASSWORD, free_port

TIMEOUT_S = 3  # the served process's timeouts on its database and Redis (see the fixture)


class Mailbox:
    def __init__(self) -> None:
        self.recipients: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        self.recipients.extend(envelope.rcpt_tos)
        return "250 Message accepted for delivery"


@pytest.fixture(scope="module")
def mailbox():
    """An SMTP server on loopback that keeps who it was sent to."""
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield box, controller.port
    controller.stop()


class Gateway(BaseHTTPRequestHandler):
    """An SMS gateway that takes every message."""

    received: list = []

    def do_POST(self):  # noqa: N802 - http.server's name
        Gateway.received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        answer = json.dumps({"id": f"m-{len(Gateway.received)}"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def gateway():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()


@pytest.fixture(scope="module")
def proxies(mailbox, gateway):
    database = sa.make_url(os.environ["DATABASE_URL"])
    redis = httpx.URL(os.environ["REDIS_URL"])
    every = {
        "postgres": FaultProxy(database.host, database.port).start(),
        "redis": FaultProxy(redis.host, redis.port).start(),
        "smtp": FaultProxy("127.0.0.1", mailbox[1]).start(),
        "sms": FaultProxy("127.0.0.1", gateway).start(),
    }
    yield every
    for proxy in every.values():
        proxy.stop()


@pytest.fixture(scope="module")
def behind(migrated, proxies, tmp_path_factory):
    """`atrium serve` reaching PostgreSQL and Redis only through the proxies."""
    database = sa.make_url(os.environ["DATABASE_URL"]).set(port=proxies["postgres"].port)
    with serving(
        tmp_path_factory.mktemp("faults"),
        DATABASE_URL=database.render_as_string(False),
        REDIS_URL=proxies["redis"].address("redis", "/0"),
        ATRIUM_REQUEST_TIMEOUT_S=str(TIMEOUT_S),
        ATRIUM_CONNECT_TIMEOUT_S=str(TIMEOUT_S),
        # Its job worker and outbox relay, on the same proxies, in a namespace of their own.
        ATRIUM_EMBEDDED_WORKER="true",
        ATRIUM_JOBS_NAMESPACE=f"atrium-faults-{secrets.token_hex(4)}",
        ATRIUM_RELAY_SWEEP_S="1",
        SMTP_URL=proxies["smtp"].address("smtp"),
        ATRIUM_MAIL_RETRY_S="1",  # a failed send is tried again after 1, 2, 4... seconds
    ) as base:
        yield base


@pytest.fixture(autouse=True)
def passing(proxies):
    for proxy in proxies.values():
        proxy.pass_()
    yield
    for proxy in proxies.values():
        proxy.pass_()


@pytest.fixture(scope="module")
def owner(behind):
    answer = httpx.post(
        f"{behind}/api/v1/signup",
        json={"company": "Faulty Salon", "email": f"faults-{secrets.token_hex(4)}@example.com",
              "password": STRONG_PASSWORD, "vertical": "salon", "locale": "en"},
        timeout=60,
    )  # fmt: skip
    assert answer.status_code == 201, answer.text
    body = answer.json()
    return {"Authorization": f"Bearer {body['api_key']}", "email": body["user"]["email"],
            "slug": body["tenant"]["slug"]}  # fmt: skip


def api(owner: dict) -> dict:
    return {"Authorization": owner["Authorization"]}


@pytest.fixture(scope="module")
def direct():
    """The test database without the proxy, to see what was really stored."""
    engine = sa.create_engine(sa.make_url(os.environ["DATABASE_URL"]), poolclass=sa.NullPool)
    yield engine
    engine.dispose()


def card(name: str) -> dict:
    return {
        "first_name": name,
        "phones": [{"number": f"+7916{secrets.randbelow(10**7):07d}"}],
        "emails": [{"address": f"{name.lower()}@example.com"}],
        "tags": ["VIP", f"tag-{name}"],
    }


def stored(direct, name: str) -> dict | None:
    """The contact named so with its phones, e-mails and tags, as the database has them."""
    with direct.connect() as connection:
        schemas = connection.exec_driver_sql(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE 't\\_%%'"
        ).scalars()
        for schema in schemas:
            row = connection.exec_driver_sql(
                f'SELECT id FROM "{schema}".contacts WHERE first_name = %(name)s', {"name": name}
            ).first()
            if row is None:
                continue
            count = {
                table: connection.exec_driver_sql(
                    f'SELECT count(*) FROM "{schema}".{table} WHERE contact_id = %(id)s',
                    {"id": row.id},
                ).scalar()
                for table in ("contact_phones", "contact_emails", "contact_tags")
            }
            return count
    return None


def wait_for_backend(direct, state: str, query_like: str, timeout_s: float = 20) -> None:
    """Wait until a server process of the test database is in ``state`` after a statement."""
    deadline = time.monotonic() + timeout_s
    with direct.connect() as connection:
        while True:
            found = connection.exec_driver_sql(
                "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() "
                "AND state = %(state)s AND query LIKE %(like)s AND pid <> pg_backend_pid()",
                {"state": state, "like": query_like},
            ).first()
            connection.rollback()  # the activity view is a snapshot per transaction
            if found:
                return
            assert time.monotonic() < deadline, f"no backend {state} after {query_like}"
            time.sleep(0.02)


def assert_unavailable(answer: httpx.Response) -> None:
    assert answer.status_code == 503, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert int(answer.headers["retry-after"]) > 0
    assert "not answering" in answer.json()["detail"]


async def test_the_database_reset_mid_write_is_a_503_and_nothing_half_written(
    behind, owner, proxies, direct
):
    async with httpx.AsyncClient(base_url=behind, headers=api(owner), timeout=30) as http:
        proxies["postgres"].delay(0.05)  # each packet waits: the write is caught mid-way
        name = f"Reset{secrets.token_hex(3)}"
        writing = asyncio.create_task(http.post("/api/v1/contacts", json=card(name)))
        await asyncio.to_thread(
            wait_for_backend, direct, "idle in transaction", "INSERT INTO %contacts%"
        )
        proxies["postgres"].reset()
        assert_unavailable(await writing)
        assert stored(direct, name) is None

        proxies["postgres"].pass_()  # the same request again, the server not restarted
        await created_again(http, direct, name)


async def test_a_database_gone_silent_mid_write_is_a_503_in_time_and_nothing_half_written(
    behind, owner, proxies, direct
):
    async with httpx.AsyncClient(base_url=behind, headers=api(owner), timeout=60) as http:
        proxies["postgres"].delay(0.05)  # slow, yet within the request's time limit
        name = f"Silent{secrets.token_hex(3)}"
        writing = asyncio.create_task(http.post("/api/v1/contacts", json=card(name)))
        await asyncio.to_thread(
            wait_for_backend, direct, "idle in transaction", "INSERT INTO %contacts%"
        )
        proxies["postgres"].blackhole()  # accepts, never answers: no error, only silence
        started = time.monotonic()
        assert_unavailable(await writing)
        # The request's time limit, plus psycopg's cancel of the query (5 s at most).
        assert time.monotonic() - started < TIMEOUT_S + 12

        proxies["postgres"].pass_()
        wait_for_no_backend(direct, "idle in transaction")  # the server rolled it back
        assert stored(direct, name) is None
        await created_again(http, direct, name)


async def test_a_silent_database_before_the_request_is_a_503_in_time(behind, owner, proxies):
    async with httpx.AsyncClient(base_url=behind, headers=api(owner), timeout=60) as http:
        assert (await http.get("/api/v1/contacts")).status_code == 200
        proxies["postgres"].blackhole()
        started = time.monotonic()
        assert_unavailable(await http.get("/api/v1/contacts"))
        assert time.monotonic() - started < TIMEOUT_S + 12
        proxies["postgres"].pass_()
        assert (await eventually(http, "GET", "/api/v1/contacts")).status_code == 200


async def test_a_page_with_the_database_down_says_to_try_again_in_the_users_language(
    behind, owner, proxies
):
    sign_in = {"email": owner["email"], "password": STRONG_PASSWORD}
    async with httpx.AsyncClient(base_url=behind, timeout=60) as browser:
        assert (await browser.post("/api/v1/auth/login", json=sign_in)).status_code == 200
        contacts = f"/w/{owner['slug']}/contacts?lang=ru"
        assert (await browser.get(contacts)).status_code == 200
        proxies["postgres"].reset()
        page = await browser.get(contacts)
        assert page.status_code == 503
        assert page.headers["content-type"].startswith("text/html")
        assert int(page.headers["retry-after"]) > 0
        assert "Попробуйте через минуту" in page.text and "<title>" in page.text
        proxies["postgres"].pass_()
        assert (await eventually(browser, "GET", contacts)).status_code == 200


async def test_a_slow_upload_is_not_cut_by_the_time_limit(behind, owner):
    body = json.dumps(card(f"Slow{secrets.token_hex(3)}")).encode()

    async def slowly():
        for start in range(0, len(body), 20):  # the whole body takes twice the time limit
            yield body[start : start + 20]
            await asyncio.sleep(2 * TIMEOUT_S / (len(body) / 20))

    async with httpx.AsyncClient(base_url=behind, headers=api(owner), timeout=60) as http:
        answer = await http.post(
            "/api/v1/contacts", content=slowly(), headers={"Content-Type": "application/json"}
        )
        assert answer.status_code == 201, answer.text


async def eventually(http: httpx.AsyncClient, method: str, path: str, **kwargs) -> httpx.Response:
    """The answer once the server has noticed its dependency is back: a connection lost while
    it was away fails one request each, never more than a few."""
    for _ in range(3):
        answer = await http.request(method, path, **kwargs)
        if answer.status_code != 503:
            return answer
    return answer


async def created_again(http: httpx.AsyncClient, direct, name: str) -> None:
    again = await eventually(http, "POST", "/api/v1/contacts", json=card(name))
    assert again.status_code == 201, again.text
    assert stored(direct, name) == {"contact_phones": 1, "contact_emails": 1, "contact_tags": 2}


def wait_for_no_backend(direct, state: str, timeout_s: float = 20) -> None:
    deadline = time.monotonic() + timeout_s
    with direct.connect() as connection:
        while connection.exec_driver_sql(
            "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() "
            "AND state = %(state)s AND pid <> pg_backend_pid()",
            {"state": state},
        ).first():
            connection.rollback()
            assert time.monotonic() < deadline, f"a backend still {state}"
            time.sleep(0.05)


async def test_without_redis_sign_in_is_a_503_and_page_writes_wait_in_the_outbox(
    behind, owner, proxies, direct
):
    sign_in = {"email": owner["email"], "password": STRONG_PASSWORD}
    async with httpx.AsyncClient(base_url=behind, timeout=60) as browser:
        signed_in = await browser.post("/api/v1/auth/login", json=sign_in)
        assert signed_in.status_code == 200, signed_in.text
        csrf = signed_in.json()["csrf_token"]

        proxies["redis"].delay(0.1)  # slow, within the time limits: signing in only waits
        async with httpx.AsyncClient(base_url=behind, timeout=60) as stranger:
            assert (await stranger.post("/api/v1/auth/login", json=sign_in)).status_code == 200
        for fault in (proxies["redis"].reset, proxies["redis"].blackhole):
            fault()
            started = time.monotonic()
            async with httpx.AsyncClient(base_url=behind, timeout=60) as stranger:
                assert_unavailable(await stranger.post("/api/v1/auth/login", json=sign_in))
            assert time.monotonic() - started < TIMEOUT_S + 5

        # Signed in already, the owner keeps working: a page write needs no Redis; its event
        # waits in the outbox while the relay cannot publish it.
        name = f"Queued{secrets.token_hex(3)}"
        created = await browser.post(
            f"/w/{owner['slug']}/contacts",
            data={"csrf_token": csrf, "first_name": name, "phone": "+7 916 765-43-21",
                  "tags": "vip, regular"},
        )  # fmt: skip
        assert created.status_code == 302, created.text
        contact_id = created.headers["location"].rstrip("/").rsplit("/", 1)[1]
        await asyncio.sleep(TIMEOUT_S + 1)  # a sweep or two meet the silent Redis
        assert event_of(direct, contact_id) == (None, None)  # not published, not dispatched

        proxies["redis"].pass_()  # back: the relay publishes it, the worker dispatches it
        deadline = time.monotonic() + 30
        while event_of(direct, contact_id)[1] is None:
            assert time.monotonic() < deadline, "the event was not dispatched after Redis came back"
            await asyncio.sleep(0.2)
        async with httpx.AsyncClient(base_url=behind, timeout=60) as again:
            back = await eventually(again, "POST", "/api/v1/auth/login", json=sign_in)
            assert back.status_code == 200, back.text


def event_of(direct, contact_id: str) -> tuple:
    """(published_at, dispatched_at) of the contact's contact.created event."""
    with direct.connect() as connection:
        for schema in connection.exec_driver_sql(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE 't\\_%%'"
        ).scalars():
            row = connection.exec_driver_sql(
                f'SELECT published_at, dispatched_at FROM "{schema}".outbox_events '
                "WHERE name = 'contact.created' AND payload::text LIKE %(id)s",
                {"id": f"%{contact_id}%"},
            ).first()
            if row is not None:
                return tuple(row)
    raise AssertionError(f"no contact.created event for {contact_id}")


async def test_mail_waits_while_smtp_is_down_and_is_delivered_when_it_returns(
    behind, owner, proxies, mailbox, direct
):
    box, _ = mailbox
    proxies["smtp"].reset()
    async with httpx.AsyncClient(base_url=behind, timeout=60) as http:
        started = time.monotonic()
        asked = await http.post("/api/v1/auth/password-reset", json={"email": owner["email"]})
        assert asked.status_code == 202, asked.text
        assert time.monotonic() - started < 2  # the request does not wait for SMTP
    await asyncio.sleep(8)  # several sweeps meet the reset: the mail stays queued
    status, attempts = mail_to(direct, owner["email"])
    assert status == "queued" and attempts >= 2, (status, attempts)
    assert owner["email"] not in box.recipients

    proxies["smtp"].pass_()
    deadline = time.monotonic() + 30
    while owner["email"] not in box.recipients:
        assert time.monotonic() < deadline, f"not delivered: {mail_to(direct, owner['email'])}"
        await asyncio.sleep(0.2)
    assert mail_to(direct, owner["email"])[0] == "sent"


def mail_to(direct, address: str) -> tuple[str, int]:
    """(status, attempts) of the last system mail to ``address``."""
    with direct.connect() as connection:
        return tuple(
            connection.exec_driver_sql(
                "SELECT status, attempts FROM atrium.system_mail WHERE to_address = %(to)s "
                "ORDER BY id DESC LIMIT 1",
                {"to": address},
            ).one()
        )


async def test_a_silent_sms_gateway_times_out_and_the_message_goes_when_it_is_back(
    behind, owner, proxies
):
    async with httpx.AsyncClient(base_url=behind, headers=api(owner), timeout=60) as http:
        configured = await http.put(
            "/api/v1/settings/sms",
            json={"gateway_url": proxies["sms"].address("http", "/send"), "token": "gw-token",
                  "sender": "Salon", "monthly_quota": 100},
        )  # fmt: skip
        assert configured.status_code == 200, configured.text
        proxies["sms"].blackhole()
        started = time.monotonic()
        sent = await http.post("/api/v1/sms", json={"to": "+79161112233", "text": "Hello"})
        assert sent.status_code == 202, sent.text
        assert time.monotonic() - started < 2  # the request only queues it

        async def last_sms() -> dict:
            answer = await http.get("/api/v1/sms")
            assert answer.status_code == 200  # nobody's page waits for the gateway either
            assert time.monotonic() - asked < 2
            return answer.json()["items"][0]

        deadline = time.monotonic() + HttpGateway.timeout_s + 10
        while True:  # the send times out, is logged, and waits for its retry
            asked = time.monotonic()
            sms = await last_sms()
            if sms["status"] == "queued" and sms["error"]:
                break
            assert time.monotonic() < deadline, sms
            await asyncio.sleep(0.2)
        assert "Timeout" in sms["error"] and "gw-token" not in sms["error"]
        assert Gateway.received == []

        proxies["sms"].pass_()
        deadline = time.monotonic() + 30
        while sms["status"] != "sent":
            assert time.monotonic() < deadline, sms
            await asyncio.sleep(0.2)
            asked = time.monotonic()
            sms = await last_sms()
        assert [message["to"] for message in Gateway.received] == ["+79161112233"]
