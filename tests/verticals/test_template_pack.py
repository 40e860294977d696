"""A pack made from tests/verticals/template_pack (one table, one page, one job) installs,
migrates and shows in a new workspace with nothing edited outside its folder: the test copies
the folder into a directory of its own with its entry point line beside it (a dist-info) and runs
real `atrium` processes with that directory on PYTHONPATH, on a database of its own (the
suite's processes do not know the pack, and would find its revision in every workspace)."""

import os
import re
import secrets
import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from tests.conftest import ATRIUM, serving
from tests.helpers import STRONG_PASSWORD

TEMPLATE = Path(__file__).parent / "template_pack"
REVISION = "tinypack0001"


def install_template_pack(directory: Path) -> Path:
    """The template as the package ``tinypack`` and its entry point; the directory to put on
    PYTHONPATH."""
    site = directory / "site"
    shutil.copytree(TEMPLATE, site / "tinypack", ignore=shutil.ignore_patterns("__pycache__"))
    info = site / "tinypack-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: tinypack\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[atrium.packs]\ntinypack = tinypack:PACK\n")
    return site


@pytest.fixture
def database(migrated):
    server = sa.make_url(os.environ["ATRIUM_TEST_SERVER_URL"])
    name = f"{os.environ['ATRIUM_TEST_DATABASE']}_tinypack"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield server.set(database=name).render_as_string(False)
    with admin.connect() as connection:  # its workspace roles go with the test run's
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def _atrium(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [ATRIUM, *args], env={**env, "COLUMNS": "200"}, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def _schema_versions(engine, slug: str) -> tuple[str, frozenset[str]]:
    with engine.connect() as connection:
        schema = connection.scalar(
            sa.text("SELECT schema_name FROM atrium.tenants WHERE slug = :slug"), {"slug": slug}
        )
        versions = connection.scalars(
            sa.text(f'SELECT version_num FROM "{schema}".alembic_version')
        )
        return schema, frozenset(versions)


def _columns(engine, schema: str) -> list[tuple]:
    with engine.connect() as connection:
        return connection.execute(
            sa.text(
                "SELECT column_name, data_type, is_nullable, column_default "
                "FROM information_schema.columns WHERE table_schema = :schema "
                "AND table_name = 'tinypack_notes' ORDER BY column_name"
            ),
            {"schema": schema},
        ).all()


def test_a_pack_from_the_template_installs_migrates_and_shows_in_a_new_workspace(
    database, tmp_path
):
    plain = {**os.environ, "DATABASE_URL": database}
    path = [str(install_template_pack(tmp_path)), os.environ.get("PYTHONPATH", "")]
    with_pack = {**plain, "PYTHONPATH": os.pathsep.join(path)}
    engine = sa.create_engine(database)
    try:
        # A workspace made before the pack was installed.
        _atrium(plain, "migrate")
        made = _atrium(
            plain, "tenants", "create", "--company", "Before Tiny", "--vertical", "general",
            "--email", f"before-{secrets.token_hex(4)}@example.com", "--password", STRONG_PASSWORD,
        )  # fmt: skip
        before_slug = re.search(r"Created workspace (\S+) for", made)[1]
        before_schema, versions = _schema_versions(engine, before_slug)
        assert REVISION not in versions

        # Installed: `atrium migrate` runs the pack's branch in the workspace made without it.
        migrated = _atrium(with_pack, "migrate", "--parallel", "1")
        assert "0 at head already, 1 upgraded, 0 failed" in migrated
        _, versions = _schema_versions(engine, before_slug)
        assert REVISION in versions
        assert _columns(engine, before_schema)

        with serving(
            tmp_path,
            **{key: with_pack[key] for key in ("DATABASE_URL", "PYTHONPATH")},
            ATRIUM_EMBEDDED_WORKER="true",  # its job runs in this process's worker
            ATRIUM_JOBS_NAMESPACE=f"atrium-tinypack-{secrets.token_hex(4)}",
            ATRIUM_RELAY_SWEEP_S="1",
        ) as base:
            _sign_up_and_use_the_pack(base, engine, before_schema, versions)

        again = _atrium(with_pack, "migrate")
        assert "2 at head already, 0 upgraded, 0 failed" in again
    finally:
        engine.dispose()


def _sign_up_and_use_the_pack(base: str, engine, before_schema: str, heads: frozenset[str]):
    email = f"tiny-{secrets.token_hex(4)}@example.com"
    with httpx.Client(base_url=base, timeout=30) as browser:
        signed_up = browser.post(
            "/api/v1/signup",
            json={"company": "Tiny Notes", "email": email, "password": STRONG_PASSWORD,
                  "vertical": "tinypack", "locale": "en"},
        )  # fmt: skip
        assert signed_up.status_code == 201, signed_up.text
        slug = signed_up.json()["tenant"]["slug"]
        schema, versions = _schema_versions(engine, slug)
        assert versions == heads  # provisioning stamped every head, the pack's among them
        # The table made from the model is the table the pack's revision made.
        assert _columns(engine, schema) == _columns(engine, before_schema)

        login = browser.post(
            "/api/v1/auth/login", json={"email": email, "password": STRONG_PASSWORD}
        )
        assert login.status_code == 200, login.text
        browser.headers["X-CSRF-Token"] = login.json()["csrf_token"]
        home = browser.get(f"/w/{slug}/")
        assert home.status_code == 200
        assert f"/w/{slug}/tinypack/notes" in home.text  # the pack's section in the navigation
        page = browser.get(f"/w/{slug}/tinypack/notes")
        assert page.status_code == 200, page.text
        assert "<h1>Notes</h1>" in page.text and "No notes yet." in page.text

        added = browser.post(f"/w/{slug}/tinypack/notes", data={"text": "Call the printer"})
        assert added.status_code in (302, 303), added.text
        deadline = time.monotonic() + 30
        while "Call the printer — done" not in (
            text := browser.get(f"/w/{slug}/tinypack/notes").text
        ):
            assert time.monotonic() < deadline, f"the pack's job did not finish the note: {text}"
            time.sleep(0.3)
    with engine.connect() as connection:
        done = connection.scalar(
            sa.text(f'SELECT done_at IS NOT NULL FROM "{schema}".tinypack_notes')
        )
    assert done
