"""Failed jobs: recorded by the worker, listed and retried by an operator (`atrium jobs ...`)."""

from typing import Any

from sqlalchemy import select

from atrium.platform.db import Database
from atrium.platform.db.types import utcnow
from atrium.platform.errors import Conflict, NotFound
from atrium.platform.jobs.models import FailedJob


async def record_failure(
    db: Database,
    *,
    actor: str,
    queue_name: str,
    message_id: str,
    idempotency_key: str | None,
    args: list[Any],
    kwargs: dict[str, Any],
    retries: int,
    error: str,
) -> int:
    async with db.shared_transaction() as session:
        failed = FailedJob(
            actor=actor,
            queue_name=queue_name,
            message_id=message_id,
            idempotency_key=idempotency_key,
            args=args,
            kwargs=kwargs,
            retries=retries,
            error=error,
        )
        session.add(failed)
        await session.flush()
        return failed.id


async def list_failed_jobs(
    db: Database, *, include_retried: bool = False, limit: int = 100
) -> list[FailedJob]:
    """Newest first; those already retried only when asked."""
    query = select(FailedJob).order_by(FailedJob.id.desc()).limit(limit)
    if not include_retried:
        query = query.where(FailedJob.retried_at.is_(None))
    async with db.shared_transaction() as session:
        return list(await session.scalars(query))


async def retry_failed_job(db: Database, failed_job_id: int) -> str:
    """Put a failed job's message back on its queue, once; returns the new message's id.

    It keeps its idempotency key, so if the first run did finish after all, nothing happens twice.
    """
    from atrium.platform.jobs.broker import enqueue

    async with db.shared_transaction() as session:
        failed = await session.get(FailedJob, failed_job_id, with_for_update=True)
        if failed is None:
            raise NotFound("No failed job %(id)s.", id=failed_job_id)
        if failed.retried_at is not None:
            raise Conflict(
                "Failed job %(id)s was already retried at %(retried_at)s.",
                id=failed_job_id,
                retried_at=failed.retried_at,
            )
        message_id = enqueue(
            failed.actor,
            args=failed.args,
            kwargs=failed.kwargs,
            queue=failed.queue_name,
            idempotency_key=failed.idempotency_key,
        )
        failed.retried_at = utcnow()
    return message_id
