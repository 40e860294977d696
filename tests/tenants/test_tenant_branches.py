"""The tenant history's branches: the core's alone migrates a fresh schema, a workspace
stamped by the old single chain (one row, woven through the salon's revisions) is translated
once and upgraded to every head, and a pack installed later joins a workspace made without it.
"""

import asyncio
import uuid

import pytest
import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import select, text

from atrium.platform.db import WorkspaceSchema
from atrium.platform.tenancy.models import Tenant
from atrium.tenants.migrate import migrate_workspaces, upgrade_connection
from atrium.tenants.migrations import core_head, tenant_heads, tenant_scripts


async def _schema_of(db, workspace: dict) -> str:
    async with db.shared_transaction() as session:
        return await session.scalar(
            select(Tenant.schema_name).where(Tenant.id == uuid.UUID(workspace["tenant"]["id"]))
        )


def _as_workspace(engine, schema_name: str, work) -> None:
    """``work(connection)`` in the workspace's transaction, as its role."""
    schema = WorkspaceSchema(schema_name)
    with engine.connect() as connection:
        connection = connection.execution_options(schema_translate_map=schema.translate_map)
        with connection.begin():
            connection.execute(text(f'SET LOCAL ROLE "{schema.role}"'))
            work(connection)


def _downgrade(engine, schema_name: str, target: str) -> None:
    scripts = tenant_scripts()

    def down(connection) -> None:
        context = MigrationContext.configure(
            connection,
            opts={
                "version_table_schema": schema_name,
                "script": scripts,
                "fn": lambda heads, _: scripts._downgrade_revs(target, heads),
            },
        )
        with Operations.context(context):
            context.run_migrations()

    _as_workspace(engine, schema_name, down)


def _versions(engine, schema: str) -> frozenset[str]:
    with engine.connect() as connection:
        return frozenset(
            connection.scalars(text(f'SELECT version_num FROM "{schema}".alembic_version'))
        )


def _columns(engine, schema: str, table: str) -> set[str]:
    with engine.connect() as connection:
        return set(
            connection.scalars(
                text(
                    "SELECT column_name FROM information_schema.columns "
                    "WHERE table_schema = :schema AND table_name = :table"
                ),
                {"schema": schema, "table": table},
            )
        )


@pytest.fixture
def engine(settings):
    engine = sa.create_engine(settings.database_url)
    yield engine
    engine.dispose()


# The old stamp, and how far back each branch goes to stand where that stamp stood.
OLD_STAMPS = {
    "t0029": (),  # today's head: everything
    "t0028_booking": ("core@t0026",),
    "t0027": ("core@t0026", "salon@t0027"),
    "t0026": ("core@t0026", "salon@t0025"),
    "t0025": ("core@t0024", "salon@t0025"),
}


@pytest.mark.parametrize("old", OLD_STAMPS)
async def test_a_workspace_stamped_by_the_single_chain_upgrades_to_every_head(
    old, db, make_workspace, settings, engine, client
):
    workspace = await make_workspace(f"Old Chain {old}")
    schema = await _schema_of(db, workspace)
    for target in OLD_STAMPS[old]:
        _downgrade(engine, schema, target)
    # The single row the old chain left, with the schema as it stood at that revision.
    with engine.begin() as connection:
        connection.execute(text(f'DELETE FROM "{schema}".alembic_version'))
        connection.execute(
            text(f'INSERT INTO "{schema}".alembic_version VALUES (:old)'), {"old": old}
        )

    report = await asyncio.to_thread(migrate_workspaces, settings.database_url, parallel=1)

    assert report.failed == {}
    assert schema in report.upgraded
    assert _versions(engine, schema) == tenant_heads()
    # What each branch's later revisions add is there once: none ran twice, none was skipped.
    assert {"widget_sites", "phone_check"} <= _columns(engine, schema, "salon_settings")
    assert "to_call" in _columns(engine, schema, "salon_visits")
    assert "cells" in _columns(engine, schema, "import_skips")
    assert "name" in _columns(engine, schema, "appeal_subjects")
    again = await asyncio.to_thread(migrate_workspaces, settings.database_url, parallel=1)
    assert schema not in again.upgraded and again.failed == {}
    answer = await client.get(
        "/api/v1/salon/visits", params={"date_from": "2026-12-07"}, headers=workspace["headers"]
    )
    assert answer.status_code == 200, answer.text


def test_the_core_history_alone_upgrades_a_fresh_schema_and_a_pack_joins_it_later(engine):
    schema = WorkspaceSchema("t_coreonlyprobe")
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql(f"CREATE SCHEMA {schema.name}")
            bound = connection.execution_options(schema_translate_map=schema.translate_map)
            # No pack's folder among the version locations: as with no pack installed.
            assert upgrade_connection(bound, packs=False) == frozenset()
        assert _versions(engine, schema.name) == {core_head()}
        assert tenant_heads(packs=False) == {core_head()}
        with engine.connect() as connection:
            tables = set(sa.inspect(connection).get_table_names(schema=schema.name))
        assert {"contacts", "deals", "appeal_subjects", "import_skips"} <= tables
        assert not any(name.startswith("salon_") for name in tables)

        # The salon installed afterwards: its branch starts from its first revision (a lone
        # core row is not mistaken for the old chain's stamp, which had the salon's tables).
        with engine.begin() as connection:
            bound = connection.execution_options(schema_translate_map=schema.translate_map)
            assert upgrade_connection(bound) == {core_head()}
        assert _versions(engine, schema.name) == tenant_heads()
        assert "phone_check" in _columns(engine, schema.name, "salon_settings")
    finally:
        with engine.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema.name} CASCADE")
