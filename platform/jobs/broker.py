"""The dramatiq broker on Redis and the one place messages are enqueued."""

import uuid

from dramatiq import Broker, Message
from dramatiq.brokers.redis import RedisBroker
from dramatiq.common import current_millis
from dramatiq.middleware import (
    AgeLimit,
    AsyncIO,
    CurrentMessage,
    Retries,
    ShutdownNotifications,
    TimeLimit,
)

from atrium.platform.jobs.middleware import DeadLetters, WorkerContext

NAMESPACE = "atrium"
# Retries back off exponentially from a few seconds and stop at a few minutes apart, five at most;
# an actor may ask for other values, and after the last retry the message is a failed job.
MAX_RETRIES = 5
MIN_BACKOFF_MS = 2_000
MAX_BACKOFF_MS = 600_000

_broker: Broker | None = None


def build_broker(redis_url: str, *, namespace: str = NAMESPACE) -> RedisBroker:
    """A Redis broker (``redis://`` or ``unix://`` socket URL) with our middleware.

    Order matters: "after" hooks run in reverse, so Retries decides a message's fate before
    DeadLetters looks at it, and WorkerContext closes the database before AsyncIO stops the loop.
    """
    return RedisBroker(
        url=redis_url,
        namespace=namespace,
        middleware=[
            AgeLimit(),
            TimeLimit(),
            ShutdownNotifications(),
            CurrentMessage(),
            DeadLetters(),
            Retries(
                max_retries=MAX_RETRIES, min_backoff=MIN_BACKOFF_MS, max_backoff=MAX_BACKOFF_MS
            ),
            AsyncIO(),
            WorkerContext(),
        ],
    )


def set_current_broker(broker: Broker | None) -> None:
    global _broker
    _broker = broker


def current_broker() -> Broker:
    if _broker is None:
        raise RuntimeError("no job broker: call atrium.platform.jobs.configure_broker() first")
    return _broker


def enqueue(
    actor: str,
    *,
    args: tuple | list = (),
    kwargs: dict | None = None,
    queue: str = "default",
    idempotency_key: str | None = None,
    delay_ms: int | None = None,
) -> str:
    """Put a message for ``actor`` on the queue; returns its id (the default idempotency key)."""
    message_id = str(uuid.uuid4())
    message = Message(
        queue_name=queue,
        actor_name=actor,
        args=tuple(args),
        kwargs=kwargs or {},
        options={"idempotency_key": idempotency_key or message_id},
        message_id=message_id,
    )
    current_broker().enqueue(message, delay=delay_ms)
    return message_id


def enqueue_many(actor: str, calls: list[tuple[tuple, str]], *, queue: str = "default") -> None:
    """Many messages for ``actor`` (each ``(args, idempotency_key)``) in one Redis round trip.

    What RedisBroker.enqueue does for one message, through a pipeline: the relay publishes
    outbox events in batches, and a round trip per message was most of its time. Tied to
    dramatiq 2.2's Redis "dispatch" script (pinned); other brokers enqueue one by one.
    """
    broker = current_broker()
    if not isinstance(broker, RedisBroker):
        for args, key in calls:
            enqueue(actor, args=args, queue=queue, idempotency_key=key)
        return
    broker.declare_queue(queue)
    dispatch, sent = broker.scripts["dispatch"], []
    with broker.client.pipeline(transaction=False) as pipe:
        for args, key in calls:
            message_id = str(uuid.uuid4())
            message = Message(
                queue_name=queue,
                actor_name=actor,
                args=tuple(args),
                kwargs={},
                options={"idempotency_key": key, "redis_message_id": str(uuid.uuid4())},
                message_id=message_id,
            )
            broker.emit_before("enqueue", message, None)
            dispatch(
                keys=[broker.namespace],
                args=[
                    "enqueue", current_millis(), queue, broker.broker_id,
                    broker.heartbeat_timeout, broker.dead_message_ttl,
                    broker._should_do_maintenance("enqueue"), broker._max_unpack_size(),
                    message.options["redis_message_id"], message.encode(),
                ],
                client=pipe,
            )  # fmt: skip
            sent.append(message)
        pipe.execute()
    for message in sent:
        broker.emit_after("enqueue", message, None)
