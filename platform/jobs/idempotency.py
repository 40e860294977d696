"""At most one effect per idempotency key, kept in ``atrium.processed_messages``.

The key is inserted in a guard transaction opened before the actor runs and committed right
after it: a concurrent duplicate waits on the key's row lock and then finds it; an actor that
fails rolls the guard back, so its retry runs. A tenant actor's own transaction cannot include
the shared table (another role; on Citus another node), so a crash exactly between the actor's
commit and the guard's commit can still replay a message once: effects outside the database
should also be naturally idempotent where they can be.
"""

from collections.abc import Awaitable, Callable
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert

from atrium.platform.db import Database
from atrium.platform.db.types import utcnow
from atrium.platform.jobs.models import ProcessedMessage

# Longer than any redelivery: Redis keeps dead messages a week, retries stop within hours.
KEEP_KEYS = timedelta(days=14)


async def run_once(db: Database, key: str, action: Callable[[], Awaitable[None]]) -> bool:
    """Run ``action`` unless ``key`` was processed; False when it was."""
    async with db.shared_transaction() as guard:
        claimed = await guard.scalar(
            insert(ProcessedMessage)
            .values(key=key)
            .on_conflict_do_nothing(index_elements=[ProcessedMessage.key])
            .returning(ProcessedMessage.key)
        )
        if claimed is None:
            return False
        await action()
    return True


async def forget_processed_messages(db: Database, older_than: timedelta = KEEP_KEYS) -> int:
    async with db.shared_transaction() as session:
        result = await session.execute(
            delete(ProcessedMessage).where(ProcessedMessage.processed_at < utcnow() - older_than)
        )
        return result.rowcount
