"""Our dramatiq middleware: failed jobs kept in PostgreSQL, and the worker's database closed."""

import structlog
from dramatiq import ActorNotFound, Broker, Middleware
from dramatiq.asyncio import get_event_loop_thread

from atrium.platform.jobs.context import job_context, set_job_context
from atrium.platform.jobs.dead_letters import record_failure

log = structlog.get_logger("atrium.jobs")

_ERROR_LIMIT = 4000


class DeadLetters(Middleware):
    """A message that will not be retried again becomes a row in ``atrium.failed_jobs``; an
    error with a ``give_up(db)`` coroutine method has it run first (see ``retrying``)."""

    def after_process_message(self, broker: Broker, message, *, result=None, exception=None):
        if exception is None:
            return
        if isinstance(exception, ActorNotFound):
            message.fail()  # Retries cannot look the actor up either: nothing would retry it
        if not message.failed:
            return  # Retries has put it back on the queue
        # Retries counts attempts in "retries" (and none when the actor refused the message).
        retries = max(message.options.get("retries", 1) - 1, 0)
        error = f"{type(exception).__name__}: {exception}"
        trace = message.options.get("traceback")
        if trace:
            error = f"{error}\n\n{trace}"
        give_up = getattr(exception, "give_up", None)
        if give_up is not None:
            try:
                get_event_loop_thread().run_coroutine(give_up(job_context().db))
            except Exception:
                log.exception("job_give_up_failed", job=message.actor_name)
        try:
            failed_job_id = get_event_loop_thread().run_coroutine(
                record_failure(
                    job_context().db,
                    actor=message.actor_name,
                    queue_name=message.queue_name,
                    message_id=message.message_id,
                    idempotency_key=message.options.get("idempotency_key"),
                    args=list(message.args),
                    kwargs=dict(message.kwargs),
                    retries=retries,
                    error=error[:_ERROR_LIMIT],
                )
            )
        except Exception:
            # Redis still keeps the message in its own dead-letter set for a week.
            log.critical(
                "failed_job_not_recorded",
                job=message.actor_name,
                message_id=message.message_id,
                exc_info=True,
            )
            return
        log.error(
            "job_failed",
            job=message.actor_name,
            message_id=message.message_id,
            failed_job_id=failed_job_id,
            retries=retries,
            error=type(exception).__name__,
        )


class WorkerContext(Middleware):
    """Closes the worker's database on its own loop, before AsyncIO stops that loop."""

    def after_worker_shutdown(self, broker: Broker, worker) -> None:
        try:
            context = job_context()
        except RuntimeError:
            return
        set_job_context(None)
        loop_thread = get_event_loop_thread()
        if loop_thread is not None:
            loop_thread.run_coroutine(context.db.dispose())
