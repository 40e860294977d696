"""Jobs through the outbox and dramatiq: no-op events per second, end to end.

Run: atrium bench jobs [--events 5000] [--threads 8]
Records events in one workspace's outbox (committed in batches, as requests would), with an
in-process worker and relay (`atrium serve`'s embedded worker) dispatching each to a handler
that does nothing; times from the first commit until every event was handled once.
Target: >= 500 per second.
"""

import argparse
import asyncio
import os
import secrets
import time

import sqlalchemy as sa
from alembic import command
from litestar.testing import AsyncTestClient

from atrium.platform.config import load_settings
from atrium.platform.db import Database
from atrium.platform.events.handlers import on_event
from atrium.platform.events.service import record_event
from atrium.platform.jobs import build_broker
from atrium.platform.jobs.worker import EmbeddedWorker
from atrium.platform.runtime import Runtime, start_runtime
from atrium.platform.tenancy.models import Tenant
from atrium.tenants.migrations import PLATFORM_HISTORY, alembic_config
from atrium.web.app import create_app
from tests.bench.common import drop_database, scratch_database

os.environ["ATRIUM_SPARE_WORKSPACES"] = "0"
os.environ["ATRIUM_EMBEDDED_WORKER"] = "false"
os.environ.setdefault("ATRIUM_LOG_LEVEL", "WARNING")
BATCH = 50
handled: set[str] = set()


@on_event("bench.noop")
async def _noop(session, event) -> None:
    handled.add(event.payload["n"])


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


async def _run(events: int, threads: int) -> None:
    settings = load_settings()
    base = start_runtime(settings)
    url, name = scratch_database(base.database_url)
    namespace = f"atrium-bench-{secrets.token_hex(4)}"
    broker = build_broker(base.redis_url, namespace=namespace)
    worker = None
    try:
        command.upgrade(alembic_config(PLATFORM_HISTORY, url), "head")
        runtime = Runtime(url, base.redis_url, base.secret_key, base.embedded)
        slug = await _signup(create_app(settings, runtime))
        db = Database(url, pool_size=4)
        async with db.shared_transaction() as session:
            schema = (await session.scalar(sa.select(Tenant).where(Tenant.slug == slug))).schema
        started = time.perf_counter()
        for first in range(0, events, BATCH):
            async with db.tenant_transaction(schema) as session:
                for n in range(first, min(first + BATCH, events)):
                    await record_event(session, "bench.noop", {"n": str(n)})
        recorded = time.perf_counter() - started
        # The worker starts on a full outbox: its relay publishes it all, the actors drain it.
        started = time.perf_counter()
        worker = EmbeddedWorker(runtime, settings=settings, broker=broker, threads=threads)
        worker.start()
        while len(handled) < events:
            if time.perf_counter() - started > 600:
                raise SystemExit(f"only {len(handled)} of {events} handled in 600 s")
            await asyncio.sleep(0.05)
        elapsed = time.perf_counter() - started
        print(f"recorded {events} events in {recorded:.1f} s ({events / recorded:.0f} per second)")
        print(
            f"published, dispatched and handled once each in {elapsed:.1f} s:"
            f" {events / elapsed:.0f} jobs per second (target >= 500; {threads} worker threads)"
        )
        await db.dispose()
    finally:
        if worker is not None:
            worker.stop(timeout_s=10)
        keys = list(broker.client.scan_iter(f"{namespace}:*"))
        if keys:
            broker.client.delete(*keys)
        broker.client.close()
        drop_database(base.database_url, name)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args(argv)
    asyncio.run(_run(args.events, args.threads))


if __name__ == "__main__":
    main()
