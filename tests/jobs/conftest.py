"""A real job worker for these tests: dramatiq's Redis broker under a namespace of its own, the
outbox relay, and the session's PostgreSQL database."""

import asyncio
import secrets
import time
from collections.abc import Awaitable, Callable
from contextlib import contextmanager
from dataclasses import replace

import pytest
from redis import Redis
from sqlalchemy import select

from atrium.platform.tenancy.models import Tenant
from tests.platform.conftest import join, mails_to, new_browser, sign_in  # noqa: F401

WAIT_S = 8.0


@pytest.fixture(scope="session")
def jobs_namespace() -> str:
    return f"atrium-test-{secrets.token_hex(4)}"


@pytest.fixture(scope="session")
def worker(migrated, settings, jobs_namespace):
    """The embedded worker (jobs + relay) as `atrium serve` runs it, with short idle timeouts."""
    from atrium.platform.jobs import build_broker
    from atrium.platform.jobs.worker import EmbeddedWorker
    from atrium.platform.runtime import Runtime

    broker = build_broker(settings.redis_url, namespace=jobs_namespace)
    runtime = Runtime(
        database_url=settings.database_url,
        redis_url=settings.redis_url,
        secret_key=settings.secret_key,
        embedded=False,
    )
    embedded = EmbeddedWorker(
        runtime, settings=settings, broker=broker, threads=2, worker_timeout_ms=100
    )
    embedded.start()
    yield embedded
    embedded.stop(timeout_s=5)
    broker.client.close()
    redis = Redis.from_url(settings.redis_url)
    keys = list(redis.scan_iter(f"{jobs_namespace}:*"))
    if keys:
        redis.delete(*keys)
    redis.close()


@pytest.fixture(scope="session")
def redis_client(settings):
    client = Redis.from_url(settings.redis_url)
    yield client
    client.close()


@pytest.fixture(scope="session")
def drained(redis_client, jobs_namespace):
    """Wait until every message sent so far was processed and acknowledged."""

    async def wait(timeout_s: float = WAIT_S) -> None:
        pending = [f"{jobs_namespace}:default.msgs", f"{jobs_namespace}:default.DQ.msgs"]
        deadline = time.monotonic() + timeout_s
        while any(redis_client.hlen(key) for key in pending):
            assert time.monotonic() < deadline, "jobs still pending"
            await asyncio.sleep(0.02)

    return wait


async def eventually(check: Callable[[], Awaitable], timeout_s: float = WAIT_S):
    """Poll ``check`` until it returns something truthy; fail after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while True:
        result = await check()
        if result:
            return result
        assert time.monotonic() < deadline, "timed out waiting"
        await asyncio.sleep(0.02)


@contextmanager
def worker_settings(**changes):
    """Run the worker's jobs with some settings changed (SMTP_URL, say) for one test."""
    from atrium.platform.jobs.context import job_context, set_job_context

    before = job_context()
    set_job_context(replace(before, settings=replace(before.settings, **changes)))
    try:
        yield
    finally:
        set_job_context(before)


@pytest.fixture(scope="module")
async def workspace(make_workspace, db, worker):
    """A ready workspace; returns its schema."""
    body = await make_workspace(company="Jobs Salon")
    async with db.shared_transaction() as session:
        tenant = await session.scalar(select(Tenant).where(Tenant.slug == body["tenant"]["slug"]))
    return tenant.schema


@contextmanager
def fast_retries(actor: str, max_retries: int = 1, backoff_ms: int = 50):
    """Let one actor give up after ``max_retries`` quick retries, for one test (the declared
    policy backs off from seconds to minutes)."""
    from atrium.platform.jobs.broker import current_broker

    options = current_broker().get_actor(actor).options
    before = dict(options)
    options.update(max_retries=max_retries, min_backoff=backoff_ms, max_backoff=backoff_ms)
    try:
        yield
    finally:
        options.clear()
        options.update(before)


async def failed_jobs_keyed(db, key: str) -> list:
    from atrium.platform.jobs.models import FailedJob

    async with db.shared_transaction() as session:
        return list(
            await session.scalars(
                select(FailedJob).where(FailedJob.idempotency_key == key).order_by(FailedJob.id)
            )
        )
