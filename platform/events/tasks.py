"""The ``outbox.dispatch`` job: one published event handed to its handlers."""

import structlog

from atrium.platform.db.types import utcnow
from atrium.platform.events.handlers import dispatching_workspace, handlers_for
from atrium.platform.events.models import OutboxEvent
from atrium.platform.jobs import TenantJob, tenant_actor

log = structlog.get_logger("atrium.events")


@tenant_actor(name="outbox.dispatch")
async def dispatch_event(job: TenantJob, event_id: int) -> None:
    async with job.transaction() as session:
        event = await session.get(OutboxEvent, event_id)
        if event is None:
            log.warning("event_missing", tenant=job.schema.name, event_id=event_id)
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
        event.dispatched_at = utcnow()
        token = dispatching_workspace.set(job.schema)
        try:
            for handler in handlers:
                await handler(session, event)
        finally:
            dispatching_workspace.reset(token)
