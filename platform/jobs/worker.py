"""Running jobs: ``atrium worker`` (``run_worker``) and the worker inside ``atrium serve``.

Both run, in this process, a dramatiq Worker (threads; actors on its asyncio loop thread) and a
background thread with its own loop for the outbox relay and the jobs' upkeep.
"""

import asyncio
import signal
import threading
from collections.abc import Awaitable, Callable
from datetime import timedelta

import structlog
from dramatiq import Broker, Worker

from atrium.platform.components import plugged
from atrium.platform.config import Settings, get_settings
from atrium.platform.db import Database
from atrium.platform.jobs.actors import configure_broker, use_broker
from atrium.platform.jobs.context import JobContext, set_job_context
from atrium.platform.jobs.idempotency import forget_processed_messages
from atrium.platform.runtime import Runtime

log = structlog.get_logger("atrium.worker")

_UPKEEP_INTERVAL = timedelta(hours=1)
_running_lock = threading.Lock()
_running: "EmbeddedWorker | None" = None


def load_actor_modules() -> None:
    """Import every module that declares actors, so the worker knows them: loading the
    components and the packs imports their jobs and event handlers."""
    plugged()


class EmbeddedWorker:
    """A job worker and the outbox relay inside this process; ``start()`` returns at once.

    One per process (dramatiq keeps one event loop thread per process).
    """

    def __init__(
        self,
        runtime: Runtime,
        *,
        settings: Settings | None = None,
        threads: int = 2,
        broker: Broker | None = None,
        worker_timeout_ms: int = 1000,
        sweep_interval_s: float | None = None,
    ) -> None:
        self.runtime = runtime
        self.settings = settings or get_settings()
        self.threads = threads
        self.worker_timeout_ms = worker_timeout_ms
        self.sweep_interval_s = sweep_interval_s or self.settings.relay_sweep_s
        self._broker = broker
        self._owns_broker = False
        self._worker: Worker | None = None
        self._background: _BackgroundLoop | None = None
        self._started = False
        self.relay = None  # the OutboxRelay, once running

    def start(self) -> None:
        global _running
        with _running_lock:
            if _running is not None:
                raise RuntimeError("a job worker already runs in this process")
            _running = self
        self._started = True
        try:
            self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> None:
        load_actor_modules()
        from atrium.platform.events.relay import OutboxRelay

        if self._broker is None:
            self._broker = configure_broker(self.runtime.redis_url, self.settings.jobs_namespace)
            self._owns_broker = True
        else:
            use_broker(self._broker)
        # Actors may hold two connections each (the idempotency guard and their own).
        pool = self.threads + 2
        set_job_context(
            JobContext(
                db=Database(self.runtime.database_url, pool_size=pool, max_overflow=pool),
                settings=self.settings,
                secret_key=self.runtime.secret_key,
            )
        )
        self._worker = Worker(
            self._broker, worker_threads=self.threads, worker_timeout=self.worker_timeout_ms
        )
        self._worker.start()

        def relay_tasks(db: Database) -> list[Awaitable[None]]:
            self.relay = OutboxRelay(
                db,
                sweep_interval_s=self.sweep_interval_s,
                republish_after_s=self.settings.outbox_republish_s,
            )
            return [self.relay.run(), _upkeep(db)]

        self._background = _BackgroundLoop(self.runtime.database_url, relay_tasks)
        self._background.start()
        log.debug("worker_started", threads=self.threads)

    def stop(self, timeout_s: float = 30.0) -> None:
        """Let running jobs finish (up to ``timeout_s``), then stop; safe to call twice."""
        global _running
        if not self._started:
            return
        self._started = False
        if self._background is not None:
            self._background.stop(timeout_s)
            self._background = None
        if self._worker is not None:
            self._worker.stop(timeout=int(timeout_s * 1000))
            self._worker = None
            log.debug("worker_stopped")
        set_job_context(None)
        if self._broker is not None:
            use_broker(None)
            if self._owns_broker:
                # The client does not close a pool it was given: disconnect the pool too, or
                # the embedded Redis sees clients left and outlives the process.
                self._broker.client.close()
                self._broker.client.connection_pool.disconnect()
                self._broker, self._owns_broker = None, False
        with _running_lock:
            if _running is self:
                _running = None


def run_worker(runtime: Runtime, threads: int = 4) -> None:
    """Run jobs and the relay until SIGINT or SIGTERM (``atrium worker``)."""
    from atrium.platform.logging import configure_logging

    settings = get_settings()
    configure_logging(settings)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    worker = EmbeddedWorker(runtime, settings=settings, threads=threads)
    worker.start()
    try:
        stop.wait()
    finally:
        log.info("worker_stopping")
        worker.stop()


class _BackgroundLoop:
    """A thread running coroutines on its own loop with its own small Database, until stopped."""

    def __init__(
        self, database_url: str, make_tasks: Callable[[Database], list[Awaitable[None]]]
    ) -> None:
        self._database_url = database_url
        self._make_tasks = make_tasks
        self._loop: asyncio.AbstractEventLoop | None = None
        self._main: asyncio.Task | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="atrium-relay", daemon=True)

    def start(self) -> None:
        self._thread.start()
        self._ready.wait(timeout=10)

    def stop(self, timeout_s: float) -> None:
        if self._loop is not None and self._main is not None:
            self._loop.call_soon_threadsafe(self._main.cancel)
        self._thread.join(timeout_s)

    def _run(self) -> None:
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        db = Database(self._database_url, pool_size=2, max_overflow=2)
        self._loop = asyncio.get_running_loop()
        self._main = asyncio.current_task()
        self._ready.set()
        tasks = [asyncio.ensure_future(coroutine) for coroutine in self._make_tasks(db)]
        try:
            await asyncio.gather(*tasks)
        except asyncio.CancelledError:
            pass
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await db.dispose()


async def _upkeep(db: Database) -> None:
    """Forget idempotency keys old enough that no redelivery can come."""
    while True:
        try:
            forgotten = await forget_processed_messages(db)
            if forgotten:
                log.info("processed_messages_forgotten", count=forgotten)
        except Exception:
            log.exception("jobs_upkeep_failed")
        await asyncio.sleep(_UPKEEP_INTERVAL.total_seconds())
