"""`atrium serve` behind fault proxies (tests/faults.py) in front of PostgreSQL, Redis, an SMTP
server and an SMS gateway, with short timeouts; and what the fault tests look at."""

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
    yield server.server_address[1], Gateway.received
    server.shutdown()


@pytest.fixture(scope="module")
def database(migrated):
    """A database of this module's own: the suite's job worker sweeps every workspace of the
    test database (outbox, mail), and would publish or send what these tests hold back."""
    from alembic import command

    from atrium.tenants.migrations import PLATFORM_HISTORY, alembic_config

    server = sa.make_url(os.environ["ATRIUM_TEST_SERVER_URL"])
    name = f"{os.environ['ATRIUM_TEST_DATABASE']}_faults"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = server.set(database=name)
    command.upgrade(alembic_config(PLATFORM_HISTORY, url.render_as_string(False)), "head")
    yield url
    with admin.connect() as connection:  # its workspace roles go with the test run's
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture(scope="module")
def proxies(mailbox, gateway, database):
    redis = httpx.URL(os.environ["REDIS_URL"])
    every = {
        "postgres": FaultProxy(database.host, database.port).start(),
        "redis": FaultProxy(redis.host, redis.port).start(),
        "smtp": FaultProxy("127.0.0.1", mailbox[1]).start(),
        "sms": FaultProxy("127.0.0.1", gateway[0]).start(),
    }
    yield every
    for proxy in every.values():
        proxy.stop()


@pytest.fixture(scope="module")
def behind(database, proxies, tmp_path_factory):
    """`atrium serve` reaching PostgreSQL and Redis only through the proxies."""
    proxied = database.set(port=proxies["postgres"].port)
    with serving(
        tmp_path_factory.mktemp("faults"),
        DATABASE_URL=proxied.render_as_string(False),
        # The test process's Redis db (an xdist worker's own), through the proxy.
        REDIS_URL=proxies["redis"].address("redis", httpx.URL(os.environ["REDIS_URL"]).path),
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
def direct(database):
    """The module's database without the proxy, to see what was really stored."""
    engine = sa.create_engine(database, poolclass=sa.NullPool)
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
