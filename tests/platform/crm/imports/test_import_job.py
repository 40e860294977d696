"""The import job through the real machinery: started from the API, queued through the outbox,
run by a dramatiq worker; and a worker killed in the middle of an import, started again: every
row imported once, none twice."""

import asyncio
import os
import secrets
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from litestar.testing import AsyncTestClient
from redis import Redis

from atrium.platform.crm.contacts.models import Contact, ContactPhone
from atrium.platform.crm.imports.models import ImportBatch, ImportRecord
from atrium.platform.db import Database
from atrium.platform.db.types import utcnow
from atrium.platform.runtime import Runtime
from atrium.platform.tenancy.models import Tenant
from atrium.tenants.migrations import PLATFORM_HISTORY, alembic_config
from atrium.web.app import create_app
from tests.bench.bench_import import contacts_csv
from tests.bench.common import drop_database, scratch_database
from tests.helpers import STRONG_PASSWORD
from tests.platform.jobs.conftest import eventually

ROWS = 30_000
DEADLINE_S = 120


async def _batch(client, headers, batch_id) -> dict:
    return (await client.get(f"/api/v1/imports/{batch_id}", headers=headers)).json()


async def test_an_import_started_from_the_api_runs_on_the_worker(client, make_workspace, worker):
    workspace = await make_workspace(company="Worker Import Salon", locale="ru")
    content = "Имя;Телефон\r\nАнна;8 916 400-00-01\r\nОлег;12\r\n".encode("cp1251")
    answer = await client.post(
        "/api/v1/imports",
        files={"file": ("clients.csv", content, "text/csv")},
        data={"kind": "contacts", "start": "true"},
        headers=workspace["headers"],
    )
    assert answer.status_code == 201, answer.text
    batch_id = answer.json()["id"]

    async def finished():
        batch = await _batch(client, workspace["headers"], batch_id)
        return batch if batch["status"] == "done" else None

    # The first test of a process to use the worker starts it: under load that takes a while.
    batch = await eventually(finished, timeout_s=30)
    assert (batch["created"], batch["rejected"], batch["rows_done"]) == (1, 1, 2)
    contacts = await client.get("/api/v1/contacts", headers=workspace["headers"])
    assert [c["display_name"] for c in contacts.json()["items"]] == ["Анна"]


def _start_worker(env: dict) -> subprocess.Popen:
    atrium = Path(sys.executable).with_name("atrium")
    return subprocess.Popen(
        [str(atrium), "worker", "--threads", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def test_a_worker_killed_mid_import_duplicates_nothing(settings):
    server = os.environ["ATRIUM_TEST_SERVER_URL"]
    url, name = scratch_database(server, prefix="atrium_import_crash")
    namespace = f"atrium-import-crash-{secrets.token_hex(4)}"
    env = {**os.environ, "DATABASE_URL": url, "ATRIUM_JOBS_NAMESPACE": namespace,
           "ATRIUM_LOG_LEVEL": "WARNING"}  # fmt: skip
    worker = None
    db = Database(url, pool_size=2)
    try:
        command.upgrade(alembic_config(PLATFORM_HISTORY, url), "head")
        runtime = Runtime(url, settings.redis_url, settings.secret_key, False)
        async with AsyncTestClient(create_app(settings, runtime)) as client:
            signup = await client.post(
                "/api/v1/signup",
                json={"company": "Crash Import", "password": STRONG_PASSWORD, "vertical": "salon",
                      "locale": "ru", "email": f"crash-import-{secrets.token_hex(3)}@example.com"},
            )  # fmt: skip
            headers = {"Authorization": f"Bearer {signup.json()['api_key']}"}
            answer = await client.post(
                "/api/v1/imports",
                files={"file": ("clients.csv", contacts_csv(ROWS), "text/csv")},
                data={"kind": "contacts", "start": "true"},
                headers=headers,
            )
            batch_id = answer.json()["id"]
            worker = _start_worker(env)
            started = time.monotonic()
            while (batch := await _batch(client, headers, batch_id))["rows_done"] < 3000:
                assert time.monotonic() - started < DEADLINE_S, batch
                await asyncio.sleep(0.05)
            worker.send_signal(signal.SIGKILL)
            worker.wait()
            killed_at = (await _batch(client, headers, batch_id))["rows_done"]
            assert killed_at < ROWS, "the import finished before the kill: make it bigger"
            async with db.shared_transaction() as session:
                slug = signup.json()["tenant"]["slug"]
                schema = (await session.scalar(sa.select(Tenant).where(Tenant.slug == slug))).schema
            async with db.tenant_transaction(schema) as session:  # as if a minute went by
                await session.execute(
                    sa.update(ImportBatch).values(heartbeat_at=utcnow() - timedelta(minutes=2))
                )
            worker = _start_worker(env)
            while (batch := await _batch(client, headers, batch_id))["status"] != "done":
                assert batch["status"] == "running", batch
                assert time.monotonic() - started < DEADLINE_S, batch
                await asyncio.sleep(0.2)
        expected = ROWS - ROWS // 1000  # every 1,000th row has a broken phone
        assert (batch["created"], batch["rejected"], batch["rows_done"]) == (
            expected, ROWS // 1000, ROWS,
        )  # fmt: skip
        async with db.tenant_transaction(schema) as session:
            count = sa.select(sa.func.count())
            assert await session.scalar(count.select_from(Contact)) == expected
            assert await session.scalar(count.select_from(ImportRecord)) == expected
            assert await session.scalar(
                sa.select(sa.func.count(sa.distinct(ContactPhone.number)))
            ) == await session.scalar(count.select_from(ContactPhone))
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


async def test_the_scheduler_queues_again_an_import_whose_job_went_quiet(
    client, make_workspace, worker, db
):
    from atrium.platform.notify.scheduler import scan_due_work

    workspace = await make_workspace(company="Quiet Import Salon", locale="ru")
    content = "Имя;Телефон\r\nВера;8 916 400-00-02\r\n".encode("cp1251")
    answer = await client.post(
        "/api/v1/imports",
        files={"file": ("clients.csv", content, "text/csv")},
        data={"kind": "contacts"},
        headers=workspace["headers"],
    )
    batch_id = answer.json()["id"]
    async with db.shared_transaction() as session:
        schema = (
            await session.scalar(
                sa.select(Tenant).where(Tenant.slug == workspace["tenant"]["slug"])
            )
        ).schema
    async with db.tenant_transaction(schema) as session:  # queued, and its message lost
        await session.execute(
            sa.update(ImportBatch).values(
                status="queued", heartbeat_at=utcnow() - timedelta(minutes=5)
            )
        )
    assert await scan_due_work(db) >= 1

    async def finished():  # read in the database: the API would queue it again itself
        async with db.tenant_transaction(schema) as session:
            batch = await session.get(ImportBatch, uuid.UUID(batch_id))
            return batch if batch.status == "done" else None

    assert (await eventually(finished, timeout_s=15)).created_count == 1
