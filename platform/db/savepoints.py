"""A change that may break a unique constraint, kept from breaking the request's transaction."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

UNIQUE_VIOLATION = "23505"


@asynccontextmanager
async def unique_or(session: AsyncSession, conflict: Exception) -> AsyncIterator[None]:
    """Make the change inside: it is flushed in a savepoint of its own, and a unique constraint
    it breaks raises ``conflict`` (a 409) with the transaction still usable.

    What was pending before is flushed first, outside: SQLAlchemy flushes it when a savepoint
    begins, where a refusal would abort the whole transaction (the change made before the
    savepoint was the bug this fixes).
    """
    await session.flush()
    try:
        async with session.begin_nested():
            yield
            await session.flush()
    except IntegrityError as error:
        if getattr(error.orig, "sqlstate", None) != UNIQUE_VIOLATION:
            raise
        raise conflict from None
