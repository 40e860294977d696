"""Helpers the benchmarks share: a scratch database dropped with its roles, bulk contacts,
an extra revision."""

import random
import secrets
import shutil
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import sqlalchemy as sa

from atrium.platform.crm.records.normalize import search_key
from atrium.tenants.migrations import TENANT_HISTORY, core_head


def scratch_database(server_url: str, prefix: str = "atrium_bench") -> tuple[str, str]:
    """Create an empty database beside ``server_url``'s; returns (its URL, its name)."""
    url = sa.make_url(server_url)
    name = f"{prefix}_{secrets.token_hex(4)}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return url.set(database=name).render_as_string(False), name


def drop_database(server_url: str, name: str) -> int:
    """Drop the scratch database, then its workspace roles (cluster-wide); returns how many."""
    admin = sa.create_engine(sa.make_url(server_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        roles = connection.exec_driver_sql(
            "SELECT r.rolname FROM pg_roles r JOIN pg_shdescription d ON d.objoid = r.oid "
            "WHERE d.description = %(tag)s",
            {"tag": f"atrium:{name}"},
        ).scalars()
        roles = list(roles)
        for role in roles:
            connection.exec_driver_sql(f'DROP ROLE "{role}"')
    admin.dispose()
    return len(roles)


NOTE_REVISION = "t9001"
_NOTE_SCRIPT = '''"""A note on the workspace settings (benchmarks and tests only)."""

import sqlalchemy as sa
from alembic import op

from atrium.tenants.migrations import workspace_schema

revision = "{revision}"
down_revision = "{down_revision}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("workspace_settings", sa.Column("note", sa.Text()), schema=workspace_schema())


def downgrade() -> None:
    op.drop_column("workspace_settings", "note", schema=workspace_schema())
'''


def history_with_note(directory: Path) -> Path:
    """A copy of the tenant history plus revision ``t9001`` adding ``workspace_settings.note``
    on the core's branch (the packs' branches stay in their folders)."""
    history = directory / "tenant"
    (history / "versions").mkdir(parents=True)
    for name in ("env.py", "script.py.mako"):
        shutil.copy(TENANT_HISTORY / name, history / name)
    for script in (TENANT_HISTORY / "versions").glob("*.py"):
        shutil.copy(script, history / "versions" / script.name)
    (history / "versions" / f"{NOTE_REVISION}_note.py").write_text(
        _NOTE_SCRIPT.format(revision=NOTE_REVISION, down_revision=core_head())
    )
    return history


def load_contacts(
    url: str, schema: str, owner: uuid.UUID, count: int, person, seed: int
) -> list[str]:
    """COPY ``count`` contacts (names from ``person(rng)``) with one phone each into a
    workspace schema, as a bulk import would: indexes dropped first and rebuilt after.
    Returns the phones (E.164), in the contacts' order."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    numbers = rng.sample(range(10_000_000, 100_000_000), count)
    phones = []
    dsn = sa.make_url(url).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(dsn, autocommit=True) as connection:
        indexes = connection.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = %s "
            "AND tablename IN ('contacts', 'contact_phones') AND indexname NOT LIKE 'pk_%%' "
            "AND indexname NOT LIKE 'uq_%%'",
            (schema,),
        ).fetchall()
        for name, _definition in indexes:
            connection.execute(f'DROP INDEX "{schema}"."{name}"')
        started = time.perf_counter()
        with connection.transaction():
            contacts_copy = (
                f"COPY {schema}.contacts (id, first_name, middle_name, last_name, display_name,"
                " gender, address, source, owner_id, marketing_consent, consent_channel, notes,"
                " custom, search_name, created_by, created_at, updated_at) FROM STDIN"
            )
            phones_copy = (
                f"COPY {schema}.contact_phones (id, contact_id, number, kind, position) FROM STDIN"
            )
            ids = [uuid.uuid4() for _ in range(count)]
            with connection.cursor().copy(contacts_copy) as copy:
                for contact_id in ids:
                    first, last, gender = person(rng)
                    display = f"{last} {first}"
                    copy.write_row(
                        (contact_id, first, "", last, display, gender, "", "bench", owner,
                         False, "", "", "{}", search_key(display), owner, now, now)
                    )  # fmt: skip
            with connection.cursor().copy(phones_copy) as copy:
                for contact_id, number in zip(ids, numbers, strict=True):
                    phone = f"+7916{number:08d}"[:12]
                    phones.append(phone)
                    copy.write_row((uuid.uuid4(), contact_id, phone, "mobile", 0))
        loaded = time.perf_counter() - started
        started = time.perf_counter()
        connection.execute("SET maintenance_work_mem = '1GB'")
        for _name, definition in indexes:
            connection.execute(definition)
        connection.execute(f"ANALYZE {schema}.contacts")
        connection.execute(f"ANALYZE {schema}.contact_phones")
        if count >= 100_000:
            print(
                f"loaded {count:,} contacts in {loaded:.0f} s; "
                f"{len(indexes)} indexes built in {time.perf_counter() - started:.0f} s"
            )
    return phones
