"""Jobs through the outbox and dramatiq: no-op events per second, end to end.

Run: atrium bench jobs [--events 5000] [--workers 2] [--threads 8]
Records events in one workspace's outbox (committed in batches of 100, as requests would),
then starts `atrium worker` processes (each a relay and a dramatiq worker) and times until
every event was published, dispatched once and marked dispatched. The events have no handler:
the time is the machinery's. Target: >= 500 per second.
"""

import argparse
import asyncio
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from litestar.testing import AsyncTestClient
from redis import Redis

from atrium.platform.config import load_settings
from atrium.platform.db import Database
from atrium.platform.events.models import OutboxEvent
from atrium.platform.events.service import record_event
from atrium.platform.runtime import Runtime, start_runtime
from atrium.platform.tenancy.models import Tenant
from atrium.tenants.migrations import PLATFORM_HISTORY, alembic_config
from atrium.web.app import create_app
from tests.bench.common import drop_database, scratch_database

os.environ["ATRIUM_SPARE_WORKSPACES"] = "0"
os.environ["ATRIUM_EMBEDDED_WORKER"] = "false"
os.environ.setdefault("ATRIUM_LOG_LEVEL", "WARNING")
BATCH = 100


async def _signup(app) -> str:
    async with AsyncTestClient(app) as client:
        answer = await client.post(
            "/api/v1/signup",
            json={
                "company": "Bench Jobs",
                "email": f"bench-jobs-{secrets.token_hex(3)}@example.com",
                "password": "Velvet-Otter-42-Lantern",
                "vertical": "salon",
            },
        )
        return answer.json()["tenant"]["slug"]


def _start_worker(atrium: Path, env: dict, threads: int) -> subprocess.Popen:
    return subprocess.Popen(
        [str(atrium), "worker", "--threads", str(threads)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def _dispatched(db: Database, schema) -> int:
    async with db.tenant_transaction(schema) as session:
        return await session.scalar(
            sa.select(sa.func.count()).where(OutboxEvent.dispatched_at.is_not(None))
        )


async def _run(events: int, workers: int, threads: int) -> None:
    settings = load_settings()
    base = start_runtime(settings)
    url, name = scratch_database(base.database_url)
    namespace = f"atrium-bench-{secrets.token_hex(4)}"
    processes: list[subprocess.Popen] = []
    db = Database(url, pool_size=2)
    try:
        command.upgrade(alembic_config(PLATFORM_HISTORY, url), "head")
        runtime = Runtime(url, base.redis_url, base.secret_key, base.embedded)
        slug = await _signup(create_app(settings, runtime))
        async with db.shared_transaction() as session:
            schema = (await session.scalar(sa.select(Tenant).where(Tenant.slug == slug))).schema
        started = time.perf_counter()
        for first in range(0, events, BATCH):
            async with db.tenant_transaction(schema) as session:
                for n in range(first, min(first + BATCH, events)):
                    await record_event(session, "bench.noop", {"n": n})
        recorded = time.perf_counter() - started
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "REDIS_URL": base.redis_url,
            "ATRIUM_SECRET_KEY": base.secret_key,
            "ATRIUM_JOBS_NAMESPACE": namespace,
        }
        atrium = Path(sys.executable).with_name("atrium")
        started = time.perf_counter()
        processes += [_start_worker(atrium, env, threads) for _ in range(workers)]
        first_seen, first_done = None, 0
        while (done := await _dispatched(db, schema)) < events:
            if time.perf_counter() - started > 600:
                raise SystemExit(f"only {done} of {events} dispatched in 600 s")
            if done and first_seen is None:
                first_seen, first_done = time.perf_counter(), done
            await asyncio.sleep(0.1)
        finished = time.perf_counter()
        elapsed = finished - started
        steady = (events - first_done) / (finished - first_seen) if first_seen else float("nan")
        print(f"recorded {events} events in {recorded:.1f} s ({events / recorded:.0f} per second)")
        print(
            f"published and dispatched once each in {elapsed:.1f} s (worker start-up included):"
            f" {events / elapsed:.0f} jobs per second (target >= 500;"
            f" {workers} worker processes x {threads} threads)"
        )
        print(f"once running (from the first dispatched event): {steady:.0f} jobs per second")
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(15)
        await db.dispose()
        redis = Redis.from_url(base.redis_url)
        keys = list(redis.scan_iter(f"{namespace}:*"))
        if keys:
            redis.delete(*keys)
        redis.close()
        drop_database(base.database_url, name)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args(argv)
    asyncio.run(_run(args.events, args.workers, args.threads))


if __name__ == "__main__":
    main()
