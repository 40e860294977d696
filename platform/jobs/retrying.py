"""What a job raises when its work is not done yet, and what happens once no retry is left.

``NotDone``: the outside service was not reached, or asked us to wait (429): the message is
retried with backoff, or after the service's Retry-After kept within our backoff limits. Any
exception with an ``async give_up(db)`` method has it called once the last retry failed (the
``DeadLetters`` middleware does it), so a log row says ``failed`` instead of ``queued`` forever.
Messages of these errors end up in logs and in ``atrium.failed_jobs``: never put secrets in them.
"""

from dramatiq import Retry

from atrium.platform.db import Database
from atrium.platform.jobs.broker import MAX_BACKOFF_MS, MIN_BACKOFF_MS


def backoff_ms(retry_after_s: float) -> int:
    """A service's Retry-After, as a delay within our backoff limits."""
    return int(min(max(retry_after_s * 1000, MIN_BACKOFF_MS), MAX_BACKOFF_MS))


class NotDone(Retry):
    """Retry this message (after ``retry_after_s`` if the service said so); not logged with a
    traceback by dramatiq: the job logs what it needs to."""

    def __init__(self, reason: str, *, retry_after_s: float | None = None) -> None:
        super().__init__(reason, delay=None if retry_after_s is None else backoff_ms(retry_after_s))
        self.reason = reason

    async def give_up(self, db: Database) -> None:
        """Called once, after the last retry; record the failure where people look for it."""
