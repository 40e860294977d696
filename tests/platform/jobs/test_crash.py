"""Exactly once through crashes: 1,000 events, their worker killed with SIGKILL at random
moments and started again, and once Redis losing every queued message (as a restart without
persistence does); every effect (a notification with its own key) happens once, because the
outbox publishes again what was published but never dispatched."""

import asyncio
import os
import random
import secrets
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from litestar.testing import AsyncTestClient
from redis import Redis

from atrium.platform.db import Database
from atrium.platform.events.service import record_event
from atrium.platform.notify.models import Notification
from atrium.platform.runtime import Runtime
from atrium.platform.tenancy.models import Tenant
from atrium.tenants.migrations import PLATFORM_HISTORY, alembic_config
from atrium.web.app import create_app
from tests.bench.common import drop_database, scratch_database
from tests.helpers import STRONG_PASSWORD

EVENTS = 1000
DEADLINE_S = 150


def start_worker(env: dict) -> subprocess.Popen:
    atrium = Path(sys.executable).with_name("atrium")
    return subprocess.Popen(
        [str(atrium), "worker", "--threads", "4"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def test_a_worker_killed_at_random_loses_and_repeats_nothing(settings):
    server = os.environ["ATRIUM_TEST_SERVER_URL"]
    url, name = scratch_database(server, prefix="atrium_crash")
    namespace = f"atrium-crash-{secrets.token_hex(4)}"
    worker = None
    db = Database(url, pool_size=2)
    try:
        command.upgrade(alembic_config(PLATFORM_HISTORY, url), "head")
        runtime = Runtime(url, settings.redis_url, settings.secret_key, False)
        async with AsyncTestClient(create_app(settings, runtime)) as client:
            signup = await client.post(
                "/api/v1/signup",
                json={"company": "Crash Salon", "password": STRONG_PASSWORD, "vertical": "salon",
                      "email": f"crash-{secrets.token_hex(3)}@example.com"},
            )  # fmt: skip
        owner = signup.json()["user"]["id"]
        async with db.shared_transaction() as session:
            slug = signup.json()["tenant"]["slug"]
            schema = (await session.scalar(sa.select(Tenant).where(Tenant.slug == slug))).schema
        for first in range(0, EVENTS, 100):
            async with db.tenant_transaction(schema) as session:
                for number in range(first, first + 100):
                    await record_event(
                        session,
                        "lead.assigned",
                        {"id": str(uuid.uuid4()), "assignee_id": owner, "name": f"Lead {number}",
                         "source": "call", "message": ""},
                    )  # fmt: skip

        async def effects() -> int:
            async with db.tenant_transaction(schema) as session:
                return await session.scalar(sa.select(sa.func.count()).select_from(Notification))

        env = {
            **os.environ,
            "DATABASE_URL": url,
            "ATRIUM_JOBS_NAMESPACE": namespace,
            "ATRIUM_RELAY_SWEEP_S": "1",
            "ATRIUM_OUTBOX_REPUBLISH_S": "3",  # what a killed worker held comes back soon
            "ATRIUM_LOG_LEVEL": "WARNING",
        }
        rng, kills, started = random.Random(20261125), 0, time.monotonic()
        worker = start_worker(env)
        while (done := await effects()) < EVENTS:
            assert time.monotonic() - started < DEADLINE_S, (
                f"{done} of {EVENTS} after {kills} kills"
            )
            await asyncio.sleep(rng.uniform(0.2, 1.5))
            if kills < 8:
                worker.send_signal(signal.SIGKILL)
                worker.wait()
                kills += 1
                if kills == 4:  # Redis comes back empty
                    redis = Redis.from_url(settings.redis_url)
                    lost = list(redis.scan_iter(f"{namespace}:*"))
                    if lost:
                        redis.delete(*lost)
                    redis.close()
                worker = start_worker(env)
        await asyncio.sleep(4)  # anything replayed after the last effect would show now
        async with db.tenant_transaction(schema) as session:
            titles = list(await session.scalars(sa.select(Notification.title)))
        assert kills >= 3
        assert len(titles) == EVENTS  # none lost, none twice
        assert sorted(titles) == sorted(f"New lead for you: Lead {n}" for n in range(EVENTS))
    finally:
        if worker is not None:
            worker.kill()
            worker.wait()
        await db.dispose()
        redis = Redis.from_url(settings.redis_url)
        keys = list(redis.scan_iter(f"{namespace}:*"))
        if keys:
            redis.delete(*keys)
        redis.close()
        drop_database(server, name)
