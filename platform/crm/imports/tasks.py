"""The import job: a batch's rows taken in chunks, each chunk in one workspace transaction that
also moves the batch's cursor and counts. A run that dies leaves the cursor at the last chunk
it committed; the next run goes on from there (a redelivered message, or the batch queued
again when it is seen stale), so no row is imported twice. Two runs at once cannot both work:
each chunk first locks the batch row, and a run that finds it locked leaves."""

import uuid
from itertools import islice

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.models import Membership, User
from atrium.platform.auth.principal import Principal
from atrium.platform.auth.service import member_principal
from atrium.platform.crm.imports import repository as import_repo
from atrium.platform.crm.imports.contacts import ChunkOutcome
from atrium.platform.crm.imports.files import data_rows
from atrium.platform.crm.imports.models import (
    ImportBatch,
    ImportChange,
    ImportRecord,
    ImportRejection,
    ImportSkip,
)
from atrium.platform.crm.imports.rows import IMPORTERS
from atrium.platform.db import Database, WorkspaceSchema
from atrium.platform.db.types import utcnow
from atrium.platform.events.handlers import dispatching_workspace, on_event
from atrium.platform.events.models import OutboxEvent
from atrium.platform.events.service import record_event
from atrium.platform.jobs import TenantJob, tenant_actor
from atrium.platform.tenancy.models import Tenant

log = structlog.get_logger("atrium.imports")

CHUNK_ROWS = 1000


@on_event("import.queued")
async def _start_import(session: AsyncSession, event: OutboxEvent) -> None:
    schema = dispatching_workspace.get()
    run_import.send_with_options(
        args=(schema, event.payload["batch_id"]),
        idempotency_key=f"import:{schema.name}:{event.id}",
    )


# Not retried by dramatiq: a failure marks the batch failed, and a person resumes it.
@tenant_actor(name="crm.import_batch", guarded=False, max_retries=0, time_limit_ms=6 * 3600_000)
async def run_import(job: TenantJob, batch_id: str) -> None:
    await import_batch(job.db, job.schema, uuid.UUID(batch_id))


async def import_batch(db: Database, schema: WorkspaceSchema, batch_id: uuid.UUID) -> None:
    """Run the batch from its cursor to the end (or until another run holds it)."""
    async with db.tenant_transaction(schema) as session:
        batch = await import_repo.batch_for_update(session, batch_id, skip_locked=True)
        if batch is None or batch.status not in ("queued", "running"):
            return
        batch.status, batch.heartbeat_at = "running", utcnow()
        batch.started_at = batch.started_at or batch.heartbeat_at
        content = await import_repo.batch_content(session, batch_id)
        shape = (batch.file_format, batch.encoding, batch.delimiter)
        created_by = batch.created_by
    try:
        principal = await _importer(db, schema, created_by)
        rows, position = data_rows(content or b"", *shape), 0
        while True:
            async with db.tenant_transaction(schema) as session:
                batch = await import_repo.batch_for_update(session, batch_id, skip_locked=True)
                if batch is None or batch.status != "running":
                    return
                if (behind := batch.cursor - position) > 0:  # another run went further
                    next(islice(rows, behind, behind), None)
                chunk = list(islice(rows, CHUNK_ROWS))
                position = batch.cursor + len(chunk)
                outcome = await IMPORTERS[batch.kind](session, principal, batch, chunk)
                await _record(session, batch, outcome, dict(chunk))
                finished = len(chunk) < CHUNK_ROWS
                if finished:
                    batch.status, batch.finished_at, batch.content = "done", utcnow(), None
                    batch.total_rows = batch.cursor
            if finished:
                log.info("import_done", tenant=schema.name, batch=str(batch_id), rows=position)
                return
    except Exception as error:
        log.exception("import_failed", tenant=schema.name, batch=str(batch_id))
        async with db.tenant_transaction(schema) as session:
            batch = await session.get(ImportBatch, batch_id)
            if batch is not None and batch.status == "running":
                batch.status = "failed"
                batch.error = f"{type(error).__name__}: {error}"[:2000]
        raise


async def _importer(db: Database, schema: WorkspaceSchema, user_id: uuid.UUID) -> Principal:
    """The member who started the batch, with the role they have now."""
    async with db.shared_transaction() as session:
        row = (
            await session.execute(
                select(User, Tenant, Membership)
                .join(Membership, Membership.user_id == User.id)
                .join(Tenant, Tenant.id == Membership.tenant_id)
                .where(User.id == user_id, Tenant.schema_name == schema.name)
            )
        ).one_or_none()
    if row is None:
        raise LookupError("the member who started this import left the workspace")
    user, tenant, membership = row
    return member_principal(user, tenant, membership, via="session")


async def _record(
    session: AsyncSession, batch: ImportBatch, outcome: ChunkOutcome, rows: dict[int, list[str]]
) -> None:
    """The chunk's outcome on the batch, in the chunk's own transaction; ``rows`` are the
    chunk's cells by row number."""
    await import_repo.insert_rows(
        session,
        ImportRejection,
        [
            {"batch_id": batch.id, "row_number": number, "field": error.field or "",
             "message": error.message, "params": error.params, "cells": rows[number]}
            for number, error in outcome.rejected
        ],
    )  # fmt: skip
    await import_repo.insert_rows(
        session,
        ImportSkip,
        [
            {"batch_id": batch.id, "row_number": skip.row_number, "record_id": skip.record_id,
             "same_as_row": skip.same_as_row, "cells": rows[skip.row_number]}
            for skip in outcome.skipped
        ],
    )  # fmt: skip
    await import_repo.insert_rows(
        session,
        ImportRecord,
        [{"batch_id": batch.id, "record_id": rid, "kind": kind} for rid, kind in outcome.records],
    )
    await import_repo.insert_rows(
        session, ImportChange, [{"batch_id": batch.id, **values} for values in outcome.changes]
    )
    batch.cursor += len(rows)
    batch.created_count += outcome.created
    batch.updated_count += outcome.updated
    batch.skipped_count += len(outcome.skipped)
    batch.rejected_count += len(outcome.rejected)
    batch.heartbeat_at = utcnow()
    if outcome.created or outcome.updated:
        await record_event(
            session,
            f"{batch.kind}.imported",
            {"batch_id": str(batch.id), "created": outcome.created, "updated": outcome.updated},
        )
