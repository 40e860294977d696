"""The database rights Atrium needs (README, Database rights): a user with LOGIN and CREATEROLE
that owns its database migrates, signs workspaces up and serves; `atrium serve` in production
warns when its user is a superuser, which would void the workspace roles."""

import os
import secrets
import signal
import subprocess
import time

import httpx
import sqlalchemy as sa

from tests.conftest import ATRIUM
from tests.helpers import STRONG_PASSWORD, free_port


def _serve_until_up(env: dict, port: int) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [ATRIUM, "serve", "--port", str(port)], env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read()
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process, f"http://127.0.0.1:{port}"
        except httpx.TransportError:
            time.sleep(0.3)
    process.kill()
    raise AssertionError("atrium serve did not come up")


def _stop(process: subprocess.Popen) -> str:
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=30)
    return output


def test_an_owner_of_its_database_with_createrole_is_enough_and_a_superuser_is_warned_of(
    migrated,
):
    server = sa.make_url(os.environ["ATRIUM_TEST_SERVER_URL"])
    user, database = f"atrium_app_{secrets.token_hex(3)}", f"atrium_rights_{secrets.token_hex(3)}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE ROLE "{user}" LOGIN CREATEROLE')
        connection.exec_driver_sql(f'CREATE DATABASE "{database}" OWNER "{user}"')
        # Its workspace roles are dropped with the test run's (named by this database).
    app_url = server.set(username=user, database=database).render_as_string(False)
    env = {**os.environ, "DATABASE_URL": app_url, "ATRIUM_ENV": "production",
           "ATRIUM_EMBEDDED_WORKER": "false"}  # fmt: skip
    try:
        migrated_ok = subprocess.run(
            [ATRIUM, "migrate"], env=env, capture_output=True, text=True, timeout=120
        )
        assert migrated_ok.returncode == 0, migrated_ok.stdout + migrated_ok.stderr
        process, base = _serve_until_up(env, free_port())
        try:
            signup = httpx.post(
                f"{base}/api/v1/signup",
                json={"company": "Rights Salon", "email": f"{user}@example.com",
                      "password": STRONG_PASSWORD, "vertical": "salon", "locale": "en"},
                timeout=60,
            )  # fmt: skip
            assert signup.status_code == 201, signup.text
            key = {"Authorization": f"Bearer {signup.json()['api_key']}"}
            made = httpx.post(f"{base}/api/v1/contacts", json={"first_name": "Anna"}, headers=key)
            assert made.status_code == 201, made.text
        finally:
            output = _stop(process)
        assert "superuser" not in output

        as_superuser = {
            **env,
            "DATABASE_URL": server.set(database=database).render_as_string(False),
        }
        process, _ = _serve_until_up(as_superuser, free_port())
        output = _stop(process)
        assert f"the database user {server.username} is a superuser" in " ".join(output.split())
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            for (role,) in connection.exec_driver_sql(
                "SELECT r.rolname FROM pg_roles r JOIN pg_shdescription d ON d.objoid = r.oid "
                f"WHERE d.description = 'atrium:{database}'"
            ).fetchall():
                connection.exec_driver_sql(f'DROP ROLE IF EXISTS "{role}"')
            connection.exec_driver_sql(f'DROP ROLE IF EXISTS "{user}"')
        admin.dispose()
