"""The ``outbox.dispatch`` job: one published event handed to its handlers."""

import structlog
from sqlalchemy import update

from atrium.platform.db.types import utcnow
from atrium.platform.events.handlers import dispatching_workspace, handlers_for
from atrium.platform.events.models import OutboxEvent
from atrium.platform.jobs import TenantJob, tenant_actor

log = structlog.get_logger("atrium.events")


@tenant_actor(name="outbox.dispatch", guarded=False)
async def dispatch_event(job: TenantJob, event_id: int) -> None:
    """Once per event: marking it dispatched is the guard, committed with its handlers' work
    (a second delivery waits on the row, then finds it marked; a failure leaves it unmarked)."""
    async with job.transaction() as session:
        event = await session.scalar(
            update(OutboxEvent)
            .where(OutboxEvent.id == event_id, OutboxEvent.dispatched_at.is_(None))
            .values(dispatched_at=utcnow())
            .returning(OutboxEvent)
        )
        if event is None:
            log.info("event_already_dispatched", tenant=job.schema.name, event_id=event_id)
            return
        handlers = handlers_for(event.name)
        # The payload is not logged: it may carry personal data.
        log.info(
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
        finally:
            dispatching_workspace.reset(token)
