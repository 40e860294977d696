"""Jobs name their tenant or fail loudly; a key runs once; failures are kept and retried."""

import pytest
from sqlalchemy import select

from atrium.platform.errors import Conflict
from atrium.platform.jobs import (
    MissingTenant,
    SystemJob,
    TenantJob,
    enqueue,
    list_failed_jobs,
    retry_failed_job,
    system_actor,
    tenant_actor,
)
from atrium.platform.jobs.models import FailedJob
from tests.platform.jobs.conftest import eventually

tenant_runs: list[tuple[str, int]] = []
counted: list[str] = []
flaky = {"failing": True, "attempts": 0, "done": 0}


@tenant_actor(name="jobtest.touch_workspace")
async def touch_workspace(job: TenantJob, number: int) -> None:
    tenant_runs.append((job.schema.name, number))


@system_actor(name="jobtest.count")
async def count(job: SystemJob, label: str) -> None:
    counted.append(label)


@system_actor(name="jobtest.flaky", max_retries=1, min_backoff_ms=10, max_backoff_ms=20)
async def call_partner(job: SystemJob, label: str) -> None:
    flaky["attempts"] += 1
    if flaky["failing"]:
        raise RuntimeError("the partner API is down")
    flaky["done"] += 1


async def failed_job_of(db, message_id: str) -> FailedJob | None:
    async with db.shared_transaction() as session:
        return await session.scalar(select(FailedJob).where(FailedJob.message_id == message_id))


async def test_a_tenant_job_runs_for_the_workspace_it_names(worker, workspace, drained):
    touch_workspace.send(workspace, 7)
    await drained()
    assert (workspace.name, 7) in tenant_runs


async def test_a_tenant_job_sent_without_a_tenant_is_refused(worker):
    with pytest.raises(MissingTenant):
        touch_workspace.send()
    with pytest.raises(MissingTenant):
        touch_workspace.send("public", 1)
    with pytest.raises(MissingTenant):
        touch_workspace.send(42)


async def test_a_tenant_job_received_without_a_tenant_fails_at_once_into_failed_jobs(
    db, worker, drained
):
    runs_before = len(tenant_runs)
    message_id = enqueue("jobtest.touch_workspace", args=[1])  # bypasses send()'s check

    failed = await eventually(lambda: failed_job_of(db, message_id))
    await drained()

    assert failed.error.startswith("MissingTenant")
    assert failed.retries == 0
    assert len(tenant_runs) == runs_before


async def test_a_message_delivered_again_with_the_same_key_has_no_second_effect(worker, drained):
    count.send_with_options(args=("once",), idempotency_key="jobtest-once")
    count.send_with_options(args=("once",), idempotency_key="jobtest-once")
    count.send("twice")
    count.send("twice")  # two messages, two keys: two effects
    await drained()

    assert counted.count("once") == 1
    assert counted.count("twice") == 2


async def test_a_job_failing_past_its_retries_is_kept_and_can_be_retried(db, worker, drained):
    flaky.update(failing=True, attempts=0, done=0)
    message_id = call_partner.send("invoice-17")

    failed = await eventually(lambda: failed_job_of(db, message_id))
    assert flaky["attempts"] == 2  # the first run and one retry
    assert failed.actor == "jobtest.flaky"
    assert failed.args == ["invoice-17"]
    assert failed.retries == 1
    assert failed.error.startswith("RuntimeError: the partner API is down")
    assert failed.id in [job.id for job in await list_failed_jobs(db)]

    flaky["failing"] = False
    await retry_failed_job(db, failed.id)
    await drained()

    assert flaky["done"] == 1
    assert failed.id not in [job.id for job in await list_failed_jobs(db)]
    retried = [
        job for job in await list_failed_jobs(db, include_retried=True) if job.id == failed.id
    ]
    assert retried[0].retried_at is not None
    with pytest.raises(Conflict):
        await retry_failed_job(db, failed.id)
