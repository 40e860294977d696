"""Recording domain events in the outbox, in the transaction of the change they describe."""

import re
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.events.models import OutboxEvent

OUTBOX_CHANNEL = "atrium_outbox"

_EVENT_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")


async def record_event(
    session: AsyncSession, name: str, payload: dict[str, Any] | None = None
) -> OutboxEvent:
    """Add an event to the workspace's outbox; the relay hears of it only if this commits.

    ``session`` is a tenant transaction: the notification names its role, which is the
    workspace's schema, and PostgreSQL delivers it on commit (never after a rollback).
    Payloads carry ids and facts, never secrets.
    """
    if not _EVENT_NAME.match(name) or len(name) > 100:
        raise ValueError(f"event names are dotted lower-case words (contact.created): {name!r}")
    event = OutboxEvent(name=name, payload=payload or {})
    session.add(event)
    await session.flush()
    await session.execute(text(f"SELECT pg_notify('{OUTBOX_CHANNEL}', current_user)"))
    return event
