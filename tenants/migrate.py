"""`atrium migrate`: the shared schema, then every workspace schema still behind head.

A workspace is at head when its version rows are every head of the tenant history (the
core's and each pack's branch). All workspace versions are read in one query and those at
head are skipped. The rest are
upgraded in parallel, each in its own transaction as its own role, with one ledger row per
workspace; a failing workspace is rolled back and reported, and a rerun picks up what is
still behind.

The parallel upgrades run in worker *processes*, not threads: alembic's ``op`` is a
process-wide proxy (``Operations.context`` swaps a module global), so two migrations running
at once in one process would send each other's operations to the wrong connection.
"""

import multiprocessing
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.migration import MigrationContext
from alembic.operations import Operations
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import (
    Column,
    Connection,
    Engine,
    MetaData,
    String,
    create_engine,
    delete,
    insert,
    select,
    text,
)
from sqlalchemy import Table as SqlTable
from sqlalchemy.exc import DBAPIError

from atrium.platform.config import get_settings
from atrium.platform.db import SHARED_SCHEMA, TENANT_SCHEMA, WorkspaceSchema
from atrium.platform.tenancy.models import Tenant, TenantStatus
from atrium.tenants.migrations import (
    PLATFORM_HISTORY,
    TENANT_HISTORY,
    alembic_config,
    stamp_text,
    tenant_heads,
    tenant_scripts,
)
from atrium.tenants.migrations.legacy import per_branch
from atrium.tenants.models import MigrationLedgerEntry

# Workspaces a migration run visits; ``provisioning`` ones are still being made at head.
MIGRATED_STATUSES = (TenantStatus.SPARE, TenantStatus.READY, TenantStatus.SUSPENDED)
# Each schema in the version query locks its version table and index until the query ends;
# chunks keep that well inside the server's lock table.
VERSION_QUERY_CHUNK = 1000

_version_table = SqlTable(
    "alembic_version", MetaData(schema=TENANT_SCHEMA), Column("version_num", String(32))
)


@dataclass
class MigrationReport:
    run_id: uuid.UUID
    skipped: int = 0  # workspaces already at head
    upgraded: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # schema -> error
    seconds: float = 0.0


@dataclass(frozen=True)
class WorkspaceOutcome:
    """What happened to one workspace; crosses the process boundary, so plain values only."""

    schema_name: str
    from_version: str | None  # the version rows, as one line (stamp_text)
    to_version: str | None
    error: str | None
    started_at: datetime
    finished_at: datetime

    @property
    def was_at_head(self) -> bool:
        return self.error is None and self.from_version == self.to_version


def upgrade_connection(
    connection: Connection,
    history: Path = TENANT_HISTORY,
    *,
    versions: frozenset[str] | None = None,
    packs: bool = True,
) -> frozenset[str]:
    """Bring the workspace bound to ``connection`` to every head; returns the versions it was
    at (none for an empty schema). ``versions``: its version rows, if already read.

    The connection must already be inside the workspace's transaction, acting as its role,
    with the tenant ``schema_translate_map`` set. ``packs=False``: the core's branch alone.
    """
    schema = connection.get_execution_options()["schema_translate_map"][TENANT_SCHEMA]
    scripts = tenant_scripts(history, packs=packs)
    context = MigrationContext.configure(
        connection,
        opts={
            "version_table_schema": schema,
            "script": scripts,
            "fn": lambda heads, _context: scripts._upgrade_revs("heads", heads),
        },
    )
    if versions is None:
        versions = frozenset(context.get_current_heads())
    # Once per workspace: a stamp of the old single chain becomes a row per branch.
    branched = per_branch(connection, schema, versions)
    if branched != versions:
        connection.execute(delete(_version_table))
        connection.execute(insert(_version_table), [{"version_num": v} for v in branched])
    with Operations.context(context):
        context.run_migrations()
    return versions


def migrate_everything(
    database_url: str,
    *,
    parallel: int | None = None,
    console: Console | None = None,
    history: Path = TENANT_HISTORY,
) -> MigrationReport:
    """Upgrade the shared schema with the platform history, then every workspace."""
    command.upgrade(alembic_config(PLATFORM_HISTORY, database_url), "head")
    return migrate_workspaces(database_url, parallel=parallel, console=console, history=history)


def migrate_workspaces(
    database_url: str,
    *,
    parallel: int | None = None,
    console: Console | None = None,
    history: Path = TENANT_HISTORY,
) -> MigrationReport:
    """Upgrade the workspaces behind head, ``parallel`` at a time; quiet without a console."""
    started = time.perf_counter()
    report = MigrationReport(run_id=uuid.uuid4())
    parallel = get_settings().migrate_parallel if parallel is None else parallel
    heads = tenant_heads(history)
    engine = create_engine(database_url, pool_size=1, max_overflow=0)
    try:
        tenants, versioned = _workspaces(engine)
        versions = _workspace_versions(engine, versioned)
        behind = [schema for schema in tenants if versions.get(schema) != heads]
        report.skipped = len(tenants) - len(behind)
        with _progress(console if behind else None) as progress:
            task = progress.add_task("Workspaces", total=len(behind))
            for outcome in _upgrade_all(database_url, engine, behind, parallel, history):
                _record(engine, report, outcome, tenants[outcome.schema_name])
                progress.advance(task)
    finally:
        engine.dispose()
    report.seconds = time.perf_counter() - started
    if console is not None:
        _print_summary(console, report)
    return report


def _workspaces(engine: Engine) -> tuple[dict[str, uuid.UUID], list[str]]:
    """Schema -> tenant id for every migrated status, and the schemas with a version table.

    A schema left out of the second list is upgraded anyway, so its error gets reported.
    """
    has_version_table = text(
        "EXISTS (SELECT 1 FROM pg_catalog.pg_class c "
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        f"WHERE n.nspname = {SHARED_SCHEMA}.tenants.schema_name "
        "AND c.relname = 'alembic_version')"
    )
    query = (
        select(Tenant.schema_name, Tenant.id, has_version_table)
        .where(Tenant.status.in_(MIGRATED_STATUSES))
        .order_by(Tenant.schema_name)
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    tenants = {schema: tenant_id for schema, tenant_id, _ in rows}
    return tenants, [schema for schema, _, versioned in rows if versioned and _is_ours(schema)]


def _is_ours(schema_name: str) -> bool:
    try:
        WorkspaceSchema(schema_name)
    except ValueError:
        return False
    return True


def _workspace_versions(engine: Engine, schemas: list[str]) -> dict[str, frozenset[str]]:
    """Every workspace's version rows in one query (per chunk): a UNION ALL of version tables."""
    rows: dict[str, set[str]] = {}
    for first in range(0, len(schemas), VERSION_QUERY_CHUNK):
        chunk = map(WorkspaceSchema, schemas[first : first + VERSION_QUERY_CHUNK])
        # Safe to interpolate: WorkspaceSchema only admits t_ and lowercase letters and digits.
        query = " UNION ALL ".join(
            f"SELECT '{schema.name}', version_num FROM \"{schema.name}\".alembic_version"
            for schema in chunk
        )
        with engine.connect() as connection:
            for schema, version in connection.exec_driver_sql(query):
                rows.setdefault(schema, set()).add(version)
    return {schema: frozenset(versions) for schema, versions in rows.items()}


def _upgrade_all(
    database_url: str, engine: Engine, schemas: list[str], parallel: int, history: Path
) -> Iterator[WorkspaceOutcome]:
    """Outcomes as the workspaces finish: in this process for one at a time, else in a pool."""
    workers = min(parallel, len(schemas))
    if workers <= 1:
        for schema in schemas:
            yield upgrade_workspace(engine, schema, history)
        return
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=_worker_processes(),
        initializer=_start_worker,
        initargs=(database_url,),
    )
    try:
        futures = {pool.submit(_upgrade_in_worker, schema, history): schema for schema in schemas}
        for future in as_completed(futures):
            yield _outcome_of(future, futures[future], history)
    finally:
        # On Ctrl+C, workspaces not yet started stay behind for the next run.
        pool.shutdown(wait=True, cancel_futures=True)


def _outcome_of(future: Future, schema: str, history: Path) -> WorkspaceOutcome:
    try:
        return future.result()
    except Exception as error:  # the worker process died: the transaction did not commit
        now = datetime.now(UTC)
        heads = stamp_text(tenant_heads(history))
        return WorkspaceOutcome(schema, None, heads, _describe(error), now, now)


_worker_engine: Engine | None = None


def _worker_processes() -> multiprocessing.context.BaseContext:
    """Fresh interpreters (never a fork of this one and its open connections), started by a
    fork server that imports this module once, so each worker starts in milliseconds."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return context


def _start_worker(database_url: str) -> None:
    global _worker_engine
    _worker_engine = create_engine(database_url, pool_size=1, max_overflow=0)


def _upgrade_in_worker(schema_name: str, history: Path) -> WorkspaceOutcome:
    assert _worker_engine is not None, "worker started without _start_worker"
    return upgrade_workspace(_worker_engine, schema_name, history)


def upgrade_workspace(engine: Engine, schema_name: str, history: Path) -> WorkspaceOutcome:
    """One workspace to head in its own transaction, as its role; errors are returned."""
    heads = tenant_heads(history)
    started_at = datetime.now(UTC)
    before = None
    try:
        schema = WorkspaceSchema(schema_name)
        with engine.connect() as connection:
            connection = connection.execution_options(schema_translate_map=schema.translate_map)
            with connection.begin():
                connection.execute(text(f'SET LOCAL ROLE "{schema.role}"'))
                # Locking the version rows makes a concurrent run wait; read after the wait,
                # it finds them at head (rows it inserted are not seen by the locking read).
                connection.execute(select(_version_table.c.version_num).with_for_update()).all()
                before = frozenset(connection.scalars(select(_version_table.c.version_num)))
                if before != heads:
                    upgrade_connection(connection, history, versions=before)
        error = None
    except Exception as failure:
        error = _describe(failure)
    return WorkspaceOutcome(
        schema_name,
        stamp_text(before or ()),
        stamp_text(heads),
        error,
        started_at,
        datetime.now(UTC),
    )


def _describe(error: BaseException) -> str:
    if isinstance(error, DBAPIError) and error.orig is not None:
        return str(error.orig).strip()
    return f"{type(error).__name__}: {error}".strip()


def _record(
    engine: Engine, report: MigrationReport, outcome: WorkspaceOutcome, tenant_id: uuid.UUID
) -> None:
    """Count the outcome and write its ledger row in a short transaction of its own."""
    if outcome.was_at_head:  # another run got there first
        report.skipped += 1
        return
    if outcome.error is None:
        report.upgraded.append(outcome.schema_name)
    else:
        report.failed[outcome.schema_name] = outcome.error
    # A subquery, so a tenant removed meanwhile leaves a ledger row without a tenant.
    tenant = select(Tenant.id).where(Tenant.id == tenant_id).scalar_subquery()
    row = {
        "id": uuid.uuid4(),
        "run_id": report.run_id,
        "tenant_id": tenant,
        "schema_name": outcome.schema_name,
        "from_version": outcome.from_version,
        "to_version": outcome.to_version,
        "status": "failed" if outcome.error else "upgraded",
        "error": outcome.error,
        "started_at": outcome.started_at,
        "finished_at": outcome.finished_at,
    }
    with engine.begin() as connection:
        connection.execute(insert(MigrationLedgerEntry).values(row))


def _progress(console: Console | None) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=console is None,
    )


def _print_summary(console: Console, report: MigrationReport) -> None:
    console.print(
        f"Workspaces: {report.skipped} at head already, {len(report.upgraded)} upgraded, "
        f"{len(report.failed)} failed in {report.seconds:.1f} s."
    )
    if report.failed:
        table = Table("Schema", "Error", title="Workspaces that failed (still at their version)")
        for schema, error in sorted(report.failed.items()):
            table.add_row(schema, error.splitlines()[0] if error else "")
        console.print(table)
        console.print(f"Ledger run id: {report.run_id}. Fix the cause and run again.")
