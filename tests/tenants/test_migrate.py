"""`atrium migrate` over workspace schemas: skip those at head, upgrade the rest, report failures.

Other tests share this database, so every workspace in it takes part in these runs. The extra
revision lives in a temporary copy of the tenant history; afterwards each workspace is put back
at the real head without the extra column, so the tests that follow see what they expect.
"""

import asyncio
import io
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from rich.console import Console
from sqlalchemy import select, text

from atrium.platform.tenancy.models import Tenant
from atrium.tenants.migrate import MIGRATED_STATUSES, MigrationReport, migrate_workspaces
from atrium.tenants.migrations import core_head, stamp_text, tenant_heads
from atrium.tenants.models import MigrationLedgerEntry
from tests.bench.common import NOTE_REVISION, history_with_note


@pytest.fixture
def note_history(tmp_path, settings):
    """The tenant history plus one revision that adds ``workspace_settings.note``."""
    yield history_with_note(tmp_path)
    _back_to_the_real_head(settings.database_url)


def _back_to_the_real_head(database_url: str) -> None:
    engine = sa.create_engine(database_url)
    with engine.begin() as connection:
        schemas = connection.scalars(
            text(
                "SELECT table_schema FROM information_schema.columns "
                "WHERE table_name = 'workspace_settings' AND column_name = 'note'"
            )
        ).all()
        for schema in schemas:
            connection.execute(text(f'ALTER TABLE "{schema}".workspace_settings DROP COLUMN note'))
            connection.execute(
                text(
                    f'UPDATE "{schema}".alembic_version SET version_num = :head '
                    "WHERE version_num = :note"
                ),
                {"head": core_head(), "note": NOTE_REVISION},
            )
    engine.dispose()


async def _schema_of(db, body: dict) -> str:
    async with db.shared_transaction() as session:
        return await session.scalar(
            select(Tenant.schema_name).where(Tenant.id == uuid.UUID(body["tenant"]["id"]))
        )


async def _migrated_schemas(db) -> set[str]:
    async with db.shared_transaction() as session:
        return set(
            await session.scalars(
                select(Tenant.schema_name).where(Tenant.status.in_(MIGRATED_STATUSES))
            )
        )


async def _versions(db, schema: str) -> frozenset[str]:
    async with db.shared_transaction() as session:
        return frozenset(
            await session.scalars(text(f'SELECT version_num FROM "{schema}".alembic_version'))
        )


async def _has_note(db, schema: str) -> bool:
    async with db.shared_transaction() as session:
        found = await session.scalar(
            text(
                "SELECT count(*) FROM information_schema.columns WHERE table_schema = :schema "
                "AND table_name = 'workspace_settings' AND column_name = 'note'"
            ),
            {"schema": schema},
        )
    return found == 1


async def _sql(db, statement: str) -> None:
    """DDL as the login role (a superuser here), behind the workspace role's back."""
    async with db.shared_transaction() as session:
        await session.execute(text(statement))


async def _ledger(db, run_id: uuid.UUID) -> dict[str, MigrationLedgerEntry]:
    async with db.shared_transaction() as session:
        rows = await session.scalars(
            select(MigrationLedgerEntry).where(MigrationLedgerEntry.run_id == run_id)
        )
        return {row.schema_name: row for row in rows}


async def _migrate(settings, **options) -> MigrationReport:
    return await asyncio.to_thread(migrate_workspaces, settings.database_url, **options)


async def test_workspaces_at_head_are_skipped_and_nothing_is_upgraded(db, make_workspace, settings):
    await make_workspace("Noop Salon")

    report = await _migrate(settings, parallel=2)

    assert report.upgraded == []
    assert report.failed == {}
    assert report.skipped == len(await _migrated_schemas(db))
    assert await _ledger(db, report.run_id) == {}


async def test_a_new_revision_reaches_every_workspace_once(
    db, make_workspace, settings, note_history, client
):
    owner = await make_workspace("Note Salon")
    await make_workspace("Note Repairs", vertical="fieldservice")
    schemas = await _migrated_schemas(db)

    report = await _migrate(settings, parallel=2, history=note_history)

    assert sorted(report.upgraded) == sorted(schemas)
    assert report.failed == {}
    assert report.skipped == 0
    for schema in schemas:
        assert await _versions(db, schema) == tenant_heads(note_history)
        assert NOTE_REVISION in tenant_heads(note_history)
        assert await _has_note(db, schema)
    ledger = await _ledger(db, report.run_id)
    assert set(ledger) == schemas
    assert {(row.status, row.from_version, row.to_version) for row in ledger.values()} == {
        ("upgraded", stamp_text(tenant_heads()), stamp_text(tenant_heads(note_history)))
    }
    assert all(row.tenant_id is not None and row.finished_at for row in ledger.values())
    # The workspace still answers through the API after its schema changed under it.
    response = await client.get("/api/v1/workspace", headers=owner["headers"])
    assert response.status_code == 200

    again = await _migrate(settings, parallel=2, history=note_history)
    assert again.upgraded == []
    assert again.skipped == len(schemas)
    assert await _ledger(db, again.run_id) == {}


async def test_a_failing_workspace_is_reported_and_the_others_still_reach_head(
    db, make_workspace, settings, note_history
):
    sabotaged = await _schema_of(db, await make_workspace("Sabotaged Salon"))
    healthy = await _schema_of(db, await make_workspace("Healthy Salon"))
    await _sql(db, f'ALTER TABLE "{sabotaged}".workspace_settings ADD COLUMN note text')
    others = await _migrated_schemas(db) - {sabotaged}
    output = io.StringIO()

    report = await _migrate(
        settings, parallel=2, history=note_history, console=Console(file=output, width=200)
    )

    assert list(report.failed) == [sabotaged]
    assert (
        'column "note" of relation "workspace_settings" already exists'
        in (report.failed[sabotaged])
    )
    assert set(report.upgraded) == others
    assert healthy in report.upgraded
    assert await _versions(db, sabotaged) == tenant_heads()
    assert await _versions(db, healthy) == tenant_heads(note_history)
    failed_row = (await _ledger(db, report.run_id))[sabotaged]
    assert failed_row.status == "failed"
    assert "already exists" in failed_row.error
    assert (failed_row.from_version, failed_row.to_version) == (
        stamp_text(tenant_heads()),
        stamp_text(tenant_heads(note_history)),
    )
    printed = output.getvalue()
    assert f"0 at head already, {len(others)} upgraded, 1 failed" in printed
    assert sabotaged in printed and "already exists" in printed

    await _sql(db, f'ALTER TABLE "{sabotaged}".workspace_settings DROP COLUMN note')
    rerun = await _migrate(settings, parallel=2, history=note_history)

    assert rerun.upgraded == [sabotaged]
    assert rerun.failed == {}
    assert rerun.skipped == len(others)
    assert await _versions(db, sabotaged) == tenant_heads(note_history)
    assert await _has_note(db, sabotaged)
    assert (await _ledger(db, rerun.run_id))[sabotaged].status == "upgraded"


async def test_a_workspace_without_its_version_table_is_reported_not_fatal(
    db, make_workspace, settings
):
    broken = await _schema_of(db, await make_workspace("Versionless Salon"))
    await _sql(db, f'ALTER TABLE "{broken}".alembic_version RENAME TO version_elsewhere')
    try:
        report = await _migrate(settings, parallel=2)
    finally:
        await _sql(db, f'ALTER TABLE "{broken}".version_elsewhere RENAME TO alembic_version')

    assert list(report.failed) == [broken]
    assert "alembic_version" in report.failed[broken]
    assert "does not exist" in report.failed[broken]
    assert report.skipped == len(await _migrated_schemas(db)) - 1
    assert (await _ledger(db, report.run_id))[broken].from_version is None


def _atrium_migrate() -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).parent / "atrium"), "migrate", "--parallel", "2"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "200"},
    )


async def test_atrium_migrate_brings_everything_to_head_and_says_so(db, make_workspace):
    await make_workspace("Command Line Salon")
    count = len(await _migrated_schemas(db))

    result = await asyncio.to_thread(_atrium_migrate)

    assert result.returncode == 0, result.stderr
    assert f"Workspaces: {count} at head already, 0 upgraded, 0 failed" in result.stderr


async def test_atrium_migrate_exits_1_and_names_the_workspace_that_failed(db, make_workspace):
    broken = await _schema_of(db, await make_workspace("Time Traveller Salon"))
    # A version this code does not know, as after rolling back a deploy.
    head = core_head()
    await _sql(
        db,
        f"UPDATE \"{broken}\".alembic_version SET version_num = 'gone' "
        f"WHERE version_num = '{head}'",
    )
    try:
        result = await asyncio.to_thread(_atrium_migrate)
    finally:
        await _sql(
            db,
            f"UPDATE \"{broken}\".alembic_version SET version_num = '{head}' "
            "WHERE version_num = 'gone'",
        )

    assert result.returncode == 1
    assert "0 upgraded, 1 failed" in result.stderr
    assert re.search(rf"{broken} .*Can't locate revision identified by 'gone'", result.stderr)
