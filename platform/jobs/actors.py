"""Declaring jobs: ``tenant_actor`` for work inside one workspace, ``system_actor`` for the rest.

Jobs are declared at import time and bound to the broker when one is configured, so modules
can declare them before the process knows where Redis is. An actor is an ``async def`` taking
the run (``TenantJob`` or ``SystemJob``: the worker's database, settings, the tenant) and the
message's ids; the run opens the transactions. Every message has an idempotency key and runs
at most once per key (see ``idempotency``).
"""

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import structlog
from dramatiq import Actor, Broker
from dramatiq.asyncio import get_event_loop_thread
from dramatiq.middleware import CurrentMessage

from atrium.platform.config import Settings
from atrium.platform.db import Database, WorkspaceSchema
from atrium.platform.jobs.broker import (
    build_broker,
    current_broker,
    enqueue,
    enqueue_many,
    set_current_broker,
)
from atrium.platform.jobs.context import job_context
from atrium.platform.jobs.idempotency import run_once

log = structlog.get_logger("atrium.jobs")

_JOB_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")


class MissingTenant(ValueError):
    """A tenant job without a valid workspace schema as its first argument: never retried."""


@dataclass(frozen=True)
class SystemJob:
    """One run of a system actor."""

    db: Database
    settings: Settings
    message_id: str
    idempotency_key: str

    def transaction(self):
        """A transaction on the shared schema."""
        return self.db.shared_transaction()


@dataclass(frozen=True)
class TenantJob(SystemJob):
    """One run of a tenant actor, for the workspace the message names."""

    schema: WorkspaceSchema

    def transaction(self):
        """A transaction as the workspace's role, in its schema."""
        return self.db.tenant_transaction(self.schema)


def tenant_schema_of(value: Any) -> WorkspaceSchema:
    """The workspace a message names, or MissingTenant."""
    if isinstance(value, WorkspaceSchema):
        return value
    if not isinstance(value, str):
        raise MissingTenant(f"a tenant job needs tenant_schema first, got {value!r}")
    try:
        return WorkspaceSchema(value)
    except ValueError:
        raise MissingTenant(f"not a workspace schema: {value!r}") from None


class Job:
    """A declared actor: ``send()`` enqueues it; the worker runs ``fn``."""

    def __init__(
        self,
        name: str,
        fn: Callable[..., Awaitable[None]],
        *,
        tenant: bool,
        queue: str,
        options: dict[str, Any],
        guarded: bool = True,
    ) -> None:
        self.name = name
        self.fn = fn
        self.tenant = tenant
        self.guarded = guarded
        self.queue = queue
        self.options = options

    def __repr__(self) -> str:
        return f"Job({self.name!r})"

    def send(self, *args: Any, **kwargs: Any) -> str:
        """Enqueue with these arguments (a tenant job: ``tenant_schema`` first); the message id."""
        return self.send_with_options(args=args, kwargs=kwargs)

    def send_with_options(
        self,
        *,
        args: tuple = (),
        kwargs: dict[str, Any] | None = None,
        idempotency_key: str | None = None,
        delay_ms: int | None = None,
    ) -> str:
        """``idempotency_key`` defaults to the message id; give one when a resend must not count."""
        if self.tenant:
            args = (tenant_schema_of(args[0] if args else None).name, *args[1:])
        return enqueue(
            self.name,
            args=args,
            kwargs=kwargs,
            queue=self.queue,
            idempotency_key=idempotency_key,
            delay_ms=delay_ms,
        )

    def send_many(self, calls: list[tuple[tuple, str]]) -> None:
        """Enqueue many ``(args, idempotency_key)`` at once (one Redis round trip)."""
        if self.tenant:
            calls = [
                ((tenant_schema_of(args[0] if args else None).name, *args[1:]), key)
                for args, key in calls
            ]
        enqueue_many(self.name, calls, queue=self.queue)

    def declare(self, broker: Broker) -> None:
        if self.name not in broker.actors:
            Actor(
                self._run_message,
                broker=broker,
                actor_name=self.name,
                queue_name=self.queue,
                priority=0,
                options=self.options,
            )

    def _run_message(self, *args: Any, **kwargs: Any) -> None:
        """What dramatiq calls, on a worker thread; the actor itself runs on the worker's loop."""
        message = CurrentMessage.get_current_message()
        message_id = message.message_id if message is not None else "direct"
        key = (message.options.get("idempotency_key") if message is not None else None) or (
            message_id
        )
        if self.tenant:
            try:
                schema = tenant_schema_of(args[0] if args else None)
            except MissingTenant:
                log.error("job_without_tenant", job=self.name, message_id=message_id)
                raise
            args = args[1:]
        context = job_context()
        if self.tenant:
            run = TenantJob(context.db, context.settings, message_id, key, schema)
        else:
            run = SystemJob(context.db, context.settings, message_id, key)
        if not self.guarded:  # the actor keeps its own once-only mark, in its own transaction
            get_event_loop_thread().run_coroutine(self.fn(run, *args, **kwargs))
            return
        ran = get_event_loop_thread().run_coroutine(
            run_once(run.db, key, lambda: self.fn(run, *args, **kwargs))
        )
        if not ran:
            log.info("job_already_done", job=self.name, message_id=message_id, key=key)


_jobs: dict[str, Job] = {}


def _declare(
    name: str,
    *,
    tenant: bool,
    queue: str,
    max_retries: int | None,
    min_backoff_ms: int | None,
    max_backoff_ms: int | None,
    time_limit_ms: int | None,
    guarded: bool = True,
) -> Callable[[Callable[..., Awaitable[None]]], Job]:
    if not _JOB_NAME.match(name) or len(name) > 100:
        raise ValueError(f"job names are dotted lower-case words (outbox.dispatch): {name!r}")
    options: dict[str, Any] = {
        "max_retries": max_retries,
        "min_backoff": min_backoff_ms,
        "max_backoff": max_backoff_ms,
        "time_limit": time_limit_ms,
    }
    options = {key: value for key, value in options.items() if value is not None}
    if tenant:
        options["throws"] = (MissingTenant,)

    def register(fn: Callable[..., Awaitable[None]]) -> Job:
        if name in _jobs:
            raise ValueError(f"a job named {name!r} is already declared")
        job = _jobs[name] = Job(
            name, fn, tenant=tenant, queue=queue, options=options, guarded=guarded
        )
        try:
            job.declare(current_broker())
        except RuntimeError:
            pass  # no broker yet: use_broker() declares it
        return job

    return register


def tenant_actor(
    *,
    name: str,
    queue: str = "default",
    max_retries: int | None = None,
    min_backoff_ms: int | None = None,
    max_backoff_ms: int | None = None,
    time_limit_ms: int | None = None,
    guarded: bool = True,
) -> Callable[[Callable[..., Awaitable[None]]], Job]:
    """Declare ``async def fn(job: TenantJob, ...)``; its messages carry ``tenant_schema`` first.

    A message without a valid one fails at once, without retries, into the failed jobs.
    ``guarded=False``: the actor marks its effect done itself, in the workspace transaction that
    makes it (tighter than the shared guard, and one transaction instead of two).
    """
    return _declare(
        name,
        tenant=True,
        queue=queue,
        max_retries=max_retries,
        min_backoff_ms=min_backoff_ms,
        max_backoff_ms=max_backoff_ms,
        time_limit_ms=time_limit_ms,
        guarded=guarded,
    )


def system_actor(
    *,
    name: str,
    queue: str = "default",
    max_retries: int | None = None,
    min_backoff_ms: int | None = None,
    max_backoff_ms: int | None = None,
    time_limit_ms: int | None = None,
) -> Callable[[Callable[..., Awaitable[None]]], Job]:
    """Declare ``async def fn(job: SystemJob, ...)`` for work on the shared schema."""
    return _declare(
        name,
        tenant=False,
        queue=queue,
        max_retries=max_retries,
        min_backoff_ms=min_backoff_ms,
        max_backoff_ms=max_backoff_ms,
        time_limit_ms=time_limit_ms,
    )


def declared_jobs() -> dict[str, Job]:
    return dict(_jobs)


def use_broker(broker: Broker | None) -> None:
    """Send (and, in a worker, receive) through ``broker``; every declared job is bound to it."""
    set_current_broker(broker)
    if broker is not None:
        for job in _jobs.values():
            job.declare(broker)


def configure_broker(redis_url: str, namespace: str) -> Broker:
    """Build the Redis broker for this process and use it."""
    broker = build_broker(redis_url, namespace=namespace)
    use_broker(broker)
    return broker
