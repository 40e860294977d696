"""The pack's job: the worker finishes each note it hears of through the outbox."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.events.handlers import dispatching_workspace, on_event
from atrium.platform.events.models import OutboxEvent
from atrium.platform.jobs import TenantJob, tenant_actor

from . import service


@tenant_actor(name="tinypack.finish_note")  # a job name starts with the pack's key
async def finish_note(job: TenantJob, note_id: str) -> None:
    async with job.transaction() as session:
        await service.finish_note(session, uuid.UUID(note_id))


@on_event(service.NOTE_ADDED)
async def _note_added(session: AsyncSession, event: OutboxEvent) -> None:
    note_id = event.payload["note_id"]
    schema = dispatching_workspace.get()
    finish_note.send_with_options(
        args=(schema, note_id), idempotency_key=f"tinypack-finish:{schema.name}:{note_id}"
    )
