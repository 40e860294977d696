"""The ``outbox.dispatch`` job: one published event handed to its handlers."""

import structlog
from sqlalchemy import update

from atrium.platform.db import Database, WorkspaceSchema
from atrium.platform.db.types import utcnow
from atrium.platform.events.handlers import dispatching_workspace, handlers_for
from atrium.platform.events.models import OutboxEvent
from atrium.platform.jobs import TenantJob, tenant_actor

log = structlog.get_logger("atrium.events")


class HandlerFailed(Exception):
    """A handler of the event raised; retried, and after the last retry the event is marked
    failed so the relay stops publishing it (``atrium jobs retry`` runs it again)."""

    def __init__(self, schema: WorkspaceSchema, event_id: int, name: str, error: Exception) -> None:
        super().__init__(f"event {event_id} ({name}): {type(error).__name__}: {error}")
        self.schema, self.event_id = schema, event_id

    async def give_up(self, db: Database) -> None:
        async with db.tenant_transaction(self.schema) as session:
            await session.execute(
                update(OutboxEvent)
                .where(OutboxEvent.id == self.event_id, OutboxEvent.dispatched_at.is_(None))
                .values(failed_at=utcnow())
            )


@tenant_actor(name="outbox.dispatch", guarded=False)
async def dispatch_event(job: TenantJob, event_id: int) -> None:
    """Once per event: marking it dispatched is the guard, committed with its handlers' work
    (a second delivery waits on the row, then finds it marked; a failure leaves it unmarked)."""
    async with job.transaction() as session:
        event = await session.scalar(
            update(OutboxEvent)
            .where(OutboxEvent.id == event_id, OutboxEvent.dispatched_at.is_(None))
            .values(dispatched_at=utcnow(), failed_at=None)
            .returning(OutboxEvent)
        )
        if event is None:
            log.info("event_already_dispatched", tenant=job.schema.name, event_id=event_id)
            return
        handlers = handlers_for(event.name)
        # The payload is not logged: it may carry personal data.
        log.debug(
            "event_dispatched",
            tenant=job.schema.name,
            event_id=event.id,
            name=event.name,
            handlers=len(handlers),
        )
        token = dispatching_workspace.set(job.schema)
        try:
            for handler in handlers:
                await handler(session, event)
        except Exception as error:
            raise HandlerFailed(job.schema, event.id, event.name, error) from error
        finally:
            dispatching_workspace.reset(token)
