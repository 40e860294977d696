"""Test set-up: a fresh database on the real PostgreSQL (or the embedded one), real Redis,
and the app served over ASGI. Each session (each pytest-xdist worker) gets its own database
and drops it at the end, and its own Redis db."""

import asyncio
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
import pytest
import sqlalchemy as sa
from redis import Redis

from tests.helpers import STRONG_PASSWORD, free_port

ROOT = Path(__file__).resolve().parent.parent
WAIT_S = 8.0  # how long a test waits for the worker to drain its queues


# Under pytest-xdist ("make test"), a worker's id ("gw0", "gw1"...); None in a plain run and in
# the xdist controller, which runs no test itself.
WORKER = os.environ.get("PYTEST_XDIST_WORKER")


def _prepare_environment() -> None:
    """Point the settings at a fresh test database before anything reads them. The xdist
    controller starts the servers (the embedded ones too, before any worker could race it to
    them); each worker then takes a database, a Redis db and a Stripe port of its own."""
    # Once a process: `from tests.conftest import ...` runs this file again, under another
    # module name, and a second database name would replace the one pytest_configure creates.
    if os.environ.get("ATRIUM_TEST_PROCESS") == str(os.getpid()):
        return
    os.environ["ATRIUM_TEST_PROCESS"] = str(os.getpid())
    os.environ.setdefault("ATRIUM_ENV", "test")
    os.environ.setdefault("ATRIUM_DATA_DIR", str(ROOT / ".atrium" / "test"))
    os.environ.setdefault("ATRIUM_SPARE_WORKSPACES", "0")
    os.environ.setdefault("ATRIUM_EMBEDDED_WORKER", "false")
    # One secret for the app and the test worker: what one seals, the other unseals.
    os.environ.setdefault("ATRIUM_SECRET_KEY", secrets.token_urlsafe(48))
    # Stripe is localstripe on this port, started by tests/billing's fixture when needed.
    os.environ.setdefault("STRIPE_API_KEY", "sk_test_atrium")
    os.environ.setdefault("STRIPE_WEBHOOK_SECRET", f"whsec_{secrets.token_hex(16)}")
    if WORKER:
        # The controller's picks came along in os.environ: a worker needs its own.
        os.environ["STRIPE_API_BASE"] = f"http://127.0.0.1:{free_port()}"
        server_url = sa.make_url(os.environ["ATRIUM_TEST_SERVER_URL"])
        # db 0 stays the product's; worker gwN uses db N + 1.
        redis_url = _redis_db(os.environ["ATRIUM_TEST_REDIS_URL"], int(WORKER[2:]) + 1)
    else:
        os.environ.setdefault("STRIPE_API_BASE", f"http://127.0.0.1:{free_port()}")
        from atrium.platform.config import load_settings
        from atrium.platform.runtime import start_runtime

        runtime = start_runtime(load_settings())
        server_url = sa.make_url(runtime.database_url)
        redis_url = runtime.redis_url
        os.environ["ATRIUM_TEST_SERVER_URL"] = server_url.render_as_string(False)
        os.environ["ATRIUM_TEST_REDIS_URL"] = redis_url
    # Created in pytest_configure (never in the xdist controller), dropped at the end.
    name = f"atrium_test_{secrets.token_hex(4)}"
    os.environ["DATABASE_URL"] = server_url.set(database=name).render_as_string(False)
    os.environ["REDIS_URL"] = redis_url
    os.environ["ATRIUM_TEST_DATABASE"] = name


def _redis_db(url: str, db: int) -> str:
    """The Redis URL with another db number: the path of redis://, ?db= of a unix:// socket."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        query = [(k, v) for k, v in parse_qsl(parts.query) if k != "db"] + [("db", str(db))]
        return urlunsplit(parts._replace(query=urlencode(query)))
    return urlunsplit(parts._replace(path=f"/{db}"))


def _drop_roles_of_gone_databases(connection) -> None:
    """Workspace roles are cluster-wide; remove those left by test runs that died."""
    rows = connection.exec_driver_sql(
        "SELECT r.rolname FROM pg_roles r JOIN pg_shdescription d ON d.objoid = r.oid "
        "WHERE d.description LIKE 'atrium:atrium_test_%%' AND NOT EXISTS ("
        "  SELECT 1 FROM pg_database WHERE 'atrium:' || datname = d.description)"
    ).fetchall()
    for (role,) in rows:
        try:
            connection.exec_driver_sql(f'DROP ROLE IF EXISTS "{role}"')
        except sa.exc.DBAPIError:
            pass  # another test run on this server dropped it at the same moment


_prepare_environment()


@pytest.hookimpl(trylast=True)  # after xdist's, which registers its controller ("dsession")
def pytest_configure(config) -> None:
    if config.pluginmanager.has_plugin("dsession"):
        return  # the xdist controller runs no test: its workers create their own databases
    server_url = sa.make_url(os.environ["ATRIUM_TEST_SERVER_URL"])
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        _drop_roles_of_gone_databases(connection)
        connection.exec_driver_sql(f'CREATE DATABASE "{os.environ["ATRIUM_TEST_DATABASE"]}"')
    admin.dispose()


def pytest_sessionfinish(session, exitstatus) -> None:
    server_url = sa.make_url(os.environ["ATRIUM_TEST_SERVER_URL"])
    name = os.environ["ATRIUM_TEST_DATABASE"]
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _drop_roles_of_gone_databases(connection)
    admin.dispose()


@pytest.fixture(scope="session")
def settings():
    from atrium.platform.config import get_settings

    return get_settings()


@pytest.fixture(scope="session")
def migrated(settings):
    """The shared schema at head (what `atrium migrate` does first)."""
    from alembic import command

    from atrium.tenants.migrations import PLATFORM_HISTORY, alembic_config

    command.upgrade(alembic_config(PLATFORM_HISTORY, settings.database_url), "head")
    return settings


@pytest.fixture(scope="session")
def app(migrated):
    from atrium.web.app import create_app

    return create_app()


@pytest.fixture(scope="session")
async def client(app):
    from litestar.testing import AsyncTestClient

    async with AsyncTestClient(app, base_url="http://127.0.0.1:8000") as client:
        yield client


@pytest.fixture(scope="session")
def db(app):
    return app.state.db


@pytest.fixture(scope="session")
def make_workspace(client):
    """Sign up through the API; returns the answer plus ready-made auth headers."""

    async def make(company: str = "Salon Liza", vertical: str = "salon", locale: str = "en"):
        email = f"owner-{secrets.token_hex(4)}@example.com"
        response = await client.post(
            "/api/v1/signup",
            json={
                "company": company,
                "email": email,
                "password": STRONG_PASSWORD,
                "vertical": vertical,
                "locale": locale,
            },
        )
        assert response.status_code == 201, response.text
        body = response.json()
        body["headers"] = {"Authorization": f"Bearer {body['api_key']}"}
        body["password"] = STRONG_PASSWORD
        return body

    return make


# The real job worker, one per test session (dramatiq keeps one per process): its broker
# under a namespace of its own in Redis, the outbox relay, and the session's database.


@pytest.fixture(scope="session")
def jobs_namespace() -> str:
    return f"atrium-test-{secrets.token_hex(4)}"


@pytest.fixture(scope="session")
def worker(migrated, settings, jobs_namespace):
    """The embedded worker (jobs + relay) as `atrium serve` runs it, with short idle timeouts."""
    from atrium.platform.jobs import build_broker
    from atrium.platform.jobs.worker import EmbeddedWorker
    from atrium.platform.runtime import Runtime

    broker = build_broker(settings.redis_url, namespace=jobs_namespace)
    runtime = Runtime(
        database_url=settings.database_url,
        redis_url=settings.redis_url,
        secret_key=settings.secret_key,
        embedded=False,
    )
    embedded = EmbeddedWorker(
        runtime, settings=settings, broker=broker, threads=2, worker_timeout_ms=100
    )
    embedded.start()
    yield embedded
    embedded.stop(timeout_s=5)
    broker.client.close()
    redis = Redis.from_url(settings.redis_url)
    keys = list(redis.scan_iter(f"{jobs_namespace}:*"))
    if keys:
        redis.delete(*keys)
    redis.close()


@pytest.fixture(scope="session")
def redis_client(settings):
    client = Redis.from_url(settings.redis_url)
    yield client
    client.close()


@pytest.fixture(scope="session")
def drained(redis_client, jobs_namespace):
    """Wait until every message sent so far was processed and acknowledged."""

    async def wait(timeout_s: float = WAIT_S) -> None:
        pending = [f"{jobs_namespace}:default.msgs", f"{jobs_namespace}:default.DQ.msgs"]
        deadline = time.monotonic() + timeout_s
        while any(redis_client.hlen(key) for key in pending):
            assert time.monotonic() < deadline, f"jobs still pending: {_pending(pending)}"
            await asyncio.sleep(0.02)

    def _pending(keys: list[str]) -> list[str]:
        """What waits (actor, retries so far): a retried job of an earlier test shows here."""
        found = []
        for key in keys:
            for raw in redis_client.hvals(key):
                message = json.loads(raw)
                found.append(f"{message['actor_name']} ({message['options'].get('retries', 0)})")
        return found

    return wait


@pytest.fixture(scope="session")
async def live_server(migrated):
    """The app served over real HTTP; its own instance, so its pools live in this loop."""
    import uvicorn

    from atrium.web.app import create_app

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 (uvicorn offers no event to wait on)
        await asyncio.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await task


# A real `atrium serve` process, for what only shows across processes and real sockets
# (races, throttles): its own pools, its own event loop, the test database.

ATRIUM = str(Path(sys.executable).with_name("atrium"))


@pytest.fixture
def served(migrated, tmp_path):
    """`atrium serve` in its own process on the test database; its base URL."""
    with serving(tmp_path) as base:
        yield base


@contextmanager
def serving(tmp_path: Path, **env: str):
    """Run `atrium serve` with the test environment plus ``env``; yields its base URL. Its
    output goes to a file: a pipe nobody reads fills up and stops the server mid-request."""
    port = free_port()
    log = tmp_path / f"serve-{port}.log"
    output = log.open("w+")
    env = {**os.environ, "ATRIUM_EMBEDDED_WORKER": "false", "ATRIUM_LOG_LEVEL": "WARNING", **env}
    process = subprocess.Popen(
        [ATRIUM, "serve", "--port", str(port)],
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90  # a loaded 2-core machine takes a while to import it all
    while True:
        assert process.poll() is None, log.read_text()
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            assert time.monotonic() < deadline, "atrium serve did not come up in 90 s"
            time.sleep(0.2)
    try:
        yield base
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        output.close()


# Stripe in tests: localstripe (a stateful fake Stripe server from PyPI) on loopback.


def _answers(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="session")
def localstripe():
    """localstripe on the port STRIPE_API_BASE names (tests/conftest.py chose it)."""
    base = os.environ["STRIPE_API_BASE"]
    port = int(base.rsplit(":", 1)[1])
    script = Path(sys.executable).with_name("localstripe")
    # --from-scratch: without it, localstripe starts from the store it pickles to a fixed file
    # in /tmp, another run's, perhaps half written by another xdist worker's localstripe.
    process = subprocess.Popen(
        [str(script), "--port", str(port), "--from-scratch"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while not _answers(port):
        assert process.poll() is None, "localstripe did not start"
        assert time.monotonic() < deadline, "localstripe did not answer"
        time.sleep(0.05)
    yield base
    process.terminate()
    process.wait(timeout=10)


# Headless Chromium for any test that asks for it, wherever its folder (tests mirror the code).
from tests.web.conftest import browser, page, phone  # noqa: E402, F401
