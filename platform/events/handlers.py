"""Who reacts to a domain event: handlers registered by name, run by the ``outbox.dispatch`` job."""

from collections.abc import Awaitable, Callable
from contextvars import ContextVar

from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.db import WorkspaceSchema
from atrium.platform.events.models import OutboxEvent

# Runs inside the dispatch job's workspace transaction; work that talks to the outside world
# (webhooks, mail) should be its own job so one failure does not replay the others.
EventHandler = Callable[[AsyncSession, OutboxEvent], Awaitable[None]]

ANY_EVENT = "*"

# The workspace whose event is being handled, for handlers that hand work to a job.
dispatching_workspace: ContextVar[WorkspaceSchema] = ContextVar("dispatching_workspace")

_handlers: dict[str, list[EventHandler]] = {}


def on_event(name: str) -> Callable[[EventHandler], EventHandler]:
    """Register ``async def handler(session, event)`` for events called ``name`` (``*``: all)."""

    def register(handler: EventHandler) -> EventHandler:
        _handlers.setdefault(name, []).append(handler)
        return handler

    return register


def handlers_for(name: str) -> list[EventHandler]:
    return [*_handlers.get(name, []), *_handlers.get(ANY_EVENT, [])]
