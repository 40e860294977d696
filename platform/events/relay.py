"""The relay: outbox rows become ``outbox.dispatch`` messages; queued system mail gets delivered.

It LISTENs on a dedicated psycopg connection (not the pool) to ``atrium_outbox``, whose
notifications name the workspace that committed events, and to ``atrium_mail``. On start, after
each reconnection and every ``sweep_interval_s`` it also sweeps every ready workspace and the
mail queue, so nothing recorded while no relay ran is lost. Several relays may run at once:
rows are claimed with FOR UPDATE SKIP LOCKED, and a message sent twice (a relay dying between
sending and committing) carries the same idempotency key, so it runs once.

A published event not dispatched after ``republish_after_s`` is published again (Redis lost the
message), at most ``MAX_PUBLISHES`` times in all, and never once its dispatch failed past its
retries (``failed_at``: it waits in ``atrium jobs failed`` for ``atrium jobs retry``).
"""

import asyncio
from datetime import timedelta

import psycopg
import structlog
from sqlalchemy import and_, or_, select, update
from sqlalchemy.engine import make_url

from atrium.platform.db import Database, WorkspaceSchema
from atrium.platform.db.types import utcnow
from atrium.platform.events.models import OutboxEvent
from atrium.platform.events.service import OUTBOX_CHANNEL
from atrium.platform.events.tasks import dispatch_event
from atrium.platform.mail.delivery import deliver_system_mail, mail_is_waiting
from atrium.platform.mail.service import MAIL_CHANNEL
from atrium.platform.tenancy.models import Tenant, TenantStatus

log = structlog.get_logger("atrium.relay")

BATCH = 100
# An event whose dispatch keeps getting lost (never failing, never done) is sent this often at most.
MAX_PUBLISHES = 10
_BURST_S = 0.05  # after a notification, gather the rest of its burst for this long


def libpq_url(database_url: str) -> str:
    """The SQLAlchemy URL (postgresql+psycopg://...) as psycopg itself takes it."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(False)


def event_key(schema: WorkspaceSchema, event_id: int) -> str:
    """The idempotency key of an event's dispatch: the same however often it is published."""
    return f"outbox:{schema.name}:{event_id}"


class OutboxRelay:
    def __init__(
        self, db: Database, *, sweep_interval_s: float = 30.0, republish_after_s: float = 300.0
    ) -> None:
        self.db = db
        self.sweep_interval_s = sweep_interval_s
        # A message lost on the way (Redis restarted, a worker killed holding it) leaves its
        # event published but never dispatched: after this long it is published again.
        self.republish_after_s = republish_after_s
        self.published = 0  # events published by this relay since it started
        self._conninfo = libpq_url(db.url)
        self._backoff_s = 1.0

    async def run(self) -> None:
        """Listen and publish until cancelled; reconnects after a lost connection."""
        while True:
            try:
                await self._listen()
            except Exception as error:
                log.warning(
                    "relay_interrupted",
                    error=type(error).__name__,
                    retry_in_s=self._backoff_s,
                    exc_info=not isinstance(error, psycopg.OperationalError | OSError),
                )
                await asyncio.sleep(self._backoff_s)
                self._backoff_s = min(self._backoff_s * 2, 30.0)

    async def _listen(self) -> None:
        connection = await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True)
        async with connection:
            await connection.execute(f"LISTEN {OUTBOX_CHANNEL}")
            await connection.execute(f"LISTEN {MAIL_CHANNEL}")
            self._backoff_s = 1.0
            loop = asyncio.get_running_loop()
            # Listening first, then sweeping: an event committed in between is heard, not missed.
            await self.sweep()
            next_sweep = loop.time() + self.sweep_interval_s
            while True:
                wait = max(0.0, next_sweep - loop.time())
                workspaces, mail = await self._receive(connection, wait)
                for name in sorted(workspaces):
                    await self._publish_named(name)
                if mail:
                    await self.request_mail_delivery()
                if loop.time() >= next_sweep:
                    await self.sweep()
                    next_sweep = loop.time() + self.sweep_interval_s

    async def _receive(
        self, connection: psycopg.AsyncConnection, wait_s: float
    ) -> tuple[set[str], bool]:
        workspaces: set[str] = set()
        mail = False
        for timeout, stop_after in ((wait_s, 1), (_BURST_S, None)):
            async for note in connection.notifies(timeout=timeout, stop_after=stop_after):
                if note.channel == OUTBOX_CHANNEL:
                    workspaces.add(note.payload)
                elif note.channel == MAIL_CHANNEL:
                    mail = True
            if not workspaces and not mail:
                break
        return workspaces, mail

    async def _publish_named(self, name: str) -> None:
        try:
            schema = WorkspaceSchema(name)
        except ValueError:
            log.warning("relay_ignored_notification", payload=name[:64])
            return
        await self._publish_safely(schema)

    async def _publish_safely(self, schema: WorkspaceSchema) -> int:
        """One workspace failing (dropped meanwhile, say) does not stop the others."""
        try:
            return await self.publish_workspace(schema)
        except Exception:
            log.exception("relay_publish_failed", tenant=schema.name)
            return 0

    async def publish_workspace(self, schema: WorkspaceSchema) -> int:
        """Send every unpublished event of one workspace, in order, batch by batch."""
        total = 0
        while True:
            async with self.db.tenant_transaction(schema) as session:
                ids = list(
                    await session.scalars(
                        select(OutboxEvent.id)
                        .where(
                            or_(
                                OutboxEvent.published_at.is_(None),
                                and_(
                                    OutboxEvent.dispatched_at.is_(None),
                                    # Failed past its retries: a failed job waits for an admin.
                                    OutboxEvent.failed_at.is_(None),
                                    OutboxEvent.publish_attempts < MAX_PUBLISHES,
                                    OutboxEvent.published_at
                                    < utcnow() - timedelta(seconds=self.republish_after_s),
                                ),
                            )
                        )
                        .order_by(OutboxEvent.id)
                        .limit(BATCH)
                        .with_for_update(skip_locked=True)
                    )
                )
                if ids:
                    await asyncio.to_thread(_send_dispatches, schema, ids)
                    await session.execute(
                        update(OutboxEvent)
                        .where(OutboxEvent.id.in_(ids))
                        .values(
                            published_at=utcnow(),
                            publish_attempts=OutboxEvent.publish_attempts + 1,
                        )
                    )
            total += len(ids)
            self.published += len(ids)
            if len(ids) < BATCH:
                if total:
                    log.debug("events_published", tenant=schema.name, count=total)
                return total

    async def sweep(self) -> int:
        """Publish what every ready workspace has waiting, and start mail delivery if needed."""
        async with self.db.shared_transaction() as session:
            names = list(
                await session.scalars(
                    select(Tenant.schema_name)
                    .where(Tenant.status == TenantStatus.READY)
                    .order_by(Tenant.schema_name)
                )
            )
        published_before = self.published
        for name in names:
            await self._publish_named(name)
        if await mail_is_waiting(self.db):
            await self.request_mail_delivery()
        return self.published - published_before

    async def request_mail_delivery(self) -> None:
        await asyncio.to_thread(deliver_system_mail.send)


def _send_dispatches(schema: WorkspaceSchema, event_ids: list[int]) -> None:
    dispatch_event.send_many(
        [((schema.name, event_id), event_key(schema, event_id)) for event_id in event_ids]
    )
