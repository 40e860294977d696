"""`atrium migrate` over N workspaces: a no-op run, then an added column with one workspace broken.

Run: atrium bench migrate [--workspaces 1000] [--parallel 4]
     (or python -m tests.bench.bench_migrate from the repository root)
Uses DATABASE_URL's server (embedded PostgreSQL when unset) and a scratch database it drops,
with the workspace roles it made. Targets: no-op <= 15 s, added column <= 60 s for 1,000.
"""

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from rich.console import Console

from atrium.platform.config import load_settings
from atrium.platform.db import Database
from atrium.platform.runtime import start_runtime
from atrium.tenants.migrate import MigrationReport, migrate_workspaces
from atrium.tenants.migrations import PLATFORM_HISTORY, alembic_config
from atrium.tenants.provisioning import make_spare_workspace

try:
    from tests.bench.common import drop_database, history_with_note, scratch_database
except ModuleNotFoundError:  # run as a file: python tests/bench/bench_migrate.py
    from common import drop_database, history_with_note, scratch_database

NOOP_TARGET_S = 15.0
COLUMN_TARGET_S = 60.0


async def _make_workspaces(url: str, count: int, at_once: int = 8) -> None:
    db = Database(url, pool_size=at_once)
    gate = asyncio.Semaphore(at_once)

    async def one() -> None:
        async with gate:
            await make_spare_workspace(db)

    try:
        await asyncio.gather(*(one() for _ in range(count)))
    finally:
        await db.dispose()


def _sabotage_one(url: str) -> str:
    """Give one workspace the column the new revision adds, so its upgrade must fail."""
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        schema = connection.scalar(sa.text("SELECT min(schema_name) FROM atrium.tenants"))
        connection.execute(
            sa.text(f'ALTER TABLE "{schema}".workspace_settings ADD COLUMN note text')
        )
    engine.dispose()
    return schema


def _report(label: str, report: MigrationReport, count: int, target: float) -> bool:
    met = report.seconds <= target
    print(
        f"{label:<34} {report.seconds:6.1f} s  {report.seconds / count * 1000:6.1f} ms/workspace  "
        f"skipped={report.skipped} upgraded={len(report.upgraded)} failed={len(report.failed)}  "
        f"(target <= {target:.0f} s: {'met' if met else 'MISSED'})"
    )
    return met


def _run(url: str, count: int, parallel: int, console: Console | None) -> bool:
    command.upgrade(alembic_config(PLATFORM_HISTORY, url), "head")
    started = time.perf_counter()
    asyncio.run(_make_workspaces(url, count))
    made = time.perf_counter() - started
    print(f"made {count} spare workspaces in {made:.1f} s ({made / count * 1000:.0f} ms each)")

    noop = migrate_workspaces(url, parallel=parallel, console=console)
    ok = _report(f"no-op, {count} at head", noop, count, NOOP_TARGET_S)
    ok = ok and not noop.upgraded and not noop.failed and noop.skipped == count

    broken = _sabotage_one(url)
    with tempfile.TemporaryDirectory() as directory:
        history = history_with_note(Path(directory))
        added = migrate_workspaces(url, parallel=parallel, console=console, history=history)
    column_ok = _report("added column, 1 workspace broken", added, count, COLUMN_TARGET_S)
    print(f"failures reported: {len(added.failed)} (expected exactly 1: {broken})")
    return ok and column_ok and list(added.failed) == [broken]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workspaces", type=int, default=1000)
    parser.add_argument("--parallel", type=int, default=None, help="default: migrate_parallel")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    args = parser.parse_args(argv)
    settings = load_settings()
    parallel = args.parallel or settings.migrate_parallel
    server_url = settings.database_url or start_runtime(settings).database_url
    url, name = scratch_database(server_url)
    print(f"scratch database {name}, {args.workspaces} workspaces, parallel={parallel}")
    try:
        ok = _run(url, args.workspaces, parallel, None if args.quiet else Console(stderr=True))
    finally:
        roles = drop_database(server_url, name)
        print(f"dropped {name} and its {roles} workspace roles")
    if not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
