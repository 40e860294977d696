"""Handing a logged message to an outside service (an SMS gateway, the Telegram Bot API):
what the answer means for the message, and its log row updated to say so."""

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx
from sqlalchemy import update

from atrium.platform.db.types import utcnow
from atrium.platform.jobs import TenantJob


class Refused(Exception):
    """The service answered, and said no (a bad number, a blocked bot): retrying won't help."""


@dataclass(frozen=True)
class Outcome:
    status: str  # sent; failed (refused, final); queued (not reached: retried)
    error: str = ""
    provider_id: str = ""


async def attempt(call: Callable[[], Awaitable[str]]) -> Outcome:
    try:
        return Outcome("sent", provider_id=str(await call() or ""))
    except Refused as refused:
        return Outcome("failed", str(refused)[:500])
    except httpx.HTTPError as failure:
        return Outcome("queued", f"{type(failure).__name__}: {failure}"[:500])


async def record(job: TenantJob, model, record_id: uuid.UUID, outcome: Outcome, **values) -> None:
    """Write the outcome on the log row; a message not handed over raises, so the job retries
    (the row is queued again, which is what lets the retry claim it)."""
    async with job.transaction() as session:
        await session.execute(
            update(model)
            .where(model.id == record_id)
            .values(
                status=outcome.status,
                error=outcome.error,
                sent_at=utcnow() if outcome.status == "sent" else None,
                **values,
            )
        )
    if outcome.status == "queued":
        raise RuntimeError(f"{model.__tablename__} {record_id} not handed over: {outcome.error}")
