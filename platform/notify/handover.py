"""Handing a logged message to an outside service (an SMS gateway, the Telegram Bot API):
what the answer means for the message, and its log row updated to say so.

Errors here never carry a URL or what the service answered, only its status: the Bot API's URL
holds the bot's token, httpx puts the URL in its messages, and a gateway's answer may be any
page of whatever server its address led to. What they say goes to the log row (shown to the
workspace), the worker's log and ``atrium.failed_jobs``. A gateway's address is the workspace's:
it is called only through the outbound guard (platform.http.outbound).
"""

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

import httpx
import structlog
from sqlalchemy import update

from atrium.platform.db import Database, WorkspaceSchema
from atrium.platform.db.types import utcnow
from atrium.platform.http.outbound import OutboundRefused, outbound_client
from atrium.platform.jobs import TenantJob
from atrium.platform.jobs.retrying import NotDone

log = structlog.get_logger("atrium.notify")


class Refused(Exception):
    """The service answered, and said no (a bad number, a blocked bot): retrying won't help."""


class Unreachable(Exception):
    """Not reached, a server error, or "too many requests": worth another try (after
    ``retry_after_s`` when the service said how long to wait)."""

    def __init__(self, reason: str, retry_after_s: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after_s = retry_after_s


async def post_json(
    url: str,
    body: dict,
    *,
    what: str,
    refused: type[Refused],
    headers: dict[str, str] | None = None,
    timeout_s: float = 10.0,
    allow_loopback: bool | None = None,
) -> dict:
    """POST ``body``; the JSON answer, or Refused (4xx, an address we may not call) /
    Unreachable (network, 5xx, 429), whose messages name ``what`` and the status but never the
    URL, a secret or what the service answered (a page of someone else's server is no message
    for the workspace). ``allow_loopback`` set: the URL is one a workspace gave us, called
    only through the outbound guard (platform.http.outbound); None: an address we configured
    (Telegram's Bot API server)."""
    if allow_loopback is None:
        client = httpx.AsyncClient(timeout=timeout_s, trust_env=False)
    else:
        client = outbound_client(allow_loopback=allow_loopback, timeout_s=timeout_s)
    try:
        async with client:
            answer = await client.post(url, json=body, headers=headers)
        if answer.status_code == 429:
            raise Unreachable(f"{what}: too many requests (429)", _retry_after(answer))
        if 400 <= answer.status_code < 500:
            raise refused(f"{what} refused the message ({answer.status_code})")
        if answer.status_code >= 300:
            raise Unreachable(f"{what}: the service answered {answer.status_code}")
        found = answer.json()
    except OutboundRefused as error:
        if error.reason == "unresolved":  # DNS may answer again later
            raise Unreachable(f"{what}: {error}") from None
        raise refused(f"{what} not called: {error}") from None
    except httpx.HTTPError as error:
        raise Unreachable(f"{what}: {type(error).__name__}") from None
    except ValueError:
        raise Unreachable(f"{what}: the answer was not JSON") from None
    return found if isinstance(found, dict) else {}


def _retry_after(answer: httpx.Response) -> float | None:
    """Seconds from Retry-After (seconds or a date) or Telegram's parameters.retry_after."""
    header = answer.headers.get("retry-after", "").strip()
    if header.isdigit():
        return float(header)
    if header:
        try:
            return max((parsedate_to_datetime(header) - utcnow()).total_seconds(), 0.0)
        except (TypeError, ValueError):
            pass
    try:
        seconds = answer.json().get("parameters", {}).get("retry_after")
    except (ValueError, AttributeError):
        return None
    return float(seconds) if isinstance(seconds, int | float) else None


@dataclass(frozen=True)
class Outcome:
    status: str  # sent; failed (refused, final); queued (not reached: retried)
    error: str = ""
    provider_id: str = ""
    retry_after_s: float | None = None


async def attempt(call: Callable[[], Awaitable[str]]) -> Outcome:
    try:
        return Outcome("sent", provider_id=str(await call() or ""))
    except Refused as refused:
        return Outcome("failed", str(refused)[:500])
    except Unreachable as failure:
        return Outcome("queued", str(failure)[:500], retry_after_s=failure.retry_after_s)
    except httpx.HTTPError as failure:  # its message may hold the URL: only its kind is kept
        return Outcome("queued", type(failure).__name__)


class NotHandedOver(NotDone):
    """A message the service did not take: retried; after the last retry its row is failed."""

    def __init__(self, schema: WorkspaceSchema, model, record_id, outcome: Outcome) -> None:
        super().__init__(
            f"{model.__tablename__} {record_id} not handed over: {outcome.error}",
            retry_after_s=outcome.retry_after_s,
        )
        self.schema, self.model, self.record_id, self.error = (
            schema, model, record_id, outcome.error,
        )  # fmt: skip

    async def give_up(self, db: Database) -> None:
        async with db.tenant_transaction(self.schema) as session:
            await session.execute(
                update(self.model)
                .where(self.model.id == self.record_id, self.model.status == "queued")
                .values(status="failed", error=f"Gave up after retries: {self.error}"[:500])
            )
        log.warning("message_given_up", table=self.model.__tablename__, id=str(self.record_id))


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
                attempted_at=utcnow(),
                sent_at=utcnow() if outcome.status == "sent" else None,
                **values,
            )
        )
    if outcome.status == "queued":
        log.info("message_not_handed_over", table=model.__tablename__, id=str(record_id),
                 error=outcome.error)  # fmt: skip
        raise NotHandedOver(job.schema, model, record_id, outcome)
