"""Helpers for the job tests; the worker itself (and drained) is in tests/conftest.py."""

import asyncio
import time
from collections.abc import Awaitable, Callable
from contextlib import contextmanager
from dataclasses import replace

import pytest
from sqlalchemy import select

from atrium.platform.tenancy.models import Tenant
from tests.conftest import WAIT_S
from tests.platform.conftest import join, mails_to, new_browser, sign_in  # noqa: F401


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
