"""Test set-up: a fresh database on the real PostgreSQL (or the embedded one), real Redis,
and the app served over ASGI. Each session gets its own database and drops it at the end."""

import os
import secrets
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.helpers import STRONG_PASSWORD, free_port

ROOT = Path(__file__).resolve().parent.parent


def _prepare_environment() -> None:
    """Point the settings at a fresh test database before anything reads them."""
    os.environ.setdefault("ATRIUM_ENV", "test")
    os.environ.setdefault("ATRIUM_DATA_DIR", str(ROOT / ".atrium" / "test"))
    os.environ.setdefault("ATRIUM_SPARE_WORKSPACES", "0")
    os.environ.setdefault("ATRIUM_EMBEDDED_WORKER", "false")
    # One secret for the app and the test worker: what one seals, the other unseals.
    os.environ.setdefault("ATRIUM_SECRET_KEY", secrets.token_urlsafe(48))
    # Stripe is localstripe on this port, started by tests/billing's fixture when needed.
    os.environ.setdefault("STRIPE_API_KEY", "sk_test_atrium")
    os.environ.setdefault("STRIPE_WEBHOOK_SECRET", f"whsec_{secrets.token_hex(16)}")
    os.environ.setdefault("STRIPE_API_BASE", f"http://127.0.0.1:{free_port()}")
    from atrium.platform.config import load_settings
    from atrium.platform.runtime import start_runtime

    runtime = start_runtime(load_settings())
    server_url = sa.make_url(runtime.database_url)
    name = f"atrium_test_{secrets.token_hex(4)}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        _drop_roles_of_gone_databases(connection)
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    os.environ["DATABASE_URL"] = server_url.set(database=name).render_as_string(False)
    os.environ["REDIS_URL"] = runtime.redis_url
    os.environ["ATRIUM_TEST_SERVER_URL"] = server_url.render_as_string(False)
    os.environ["ATRIUM_TEST_DATABASE"] = name


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
