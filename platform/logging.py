"""structlog set-up and the one-line-per-request log."""

import logging
import re
import sys
import time
import uuid

import structlog
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from atrium.platform.config import Settings

_SECRET_KEYS = re.compile(r"pass|secret|token|api_key|authorization|cookie", re.IGNORECASE)


def _drop_secrets(_, __, event: dict) -> dict:
    """A last line of defence: never let a secret-looking field reach a log line."""
    for key in list(event):
        if key != "event" and _SECRET_KEYS.search(key):
            event[key] = "[hidden]"
    return event


def configure_logging(settings: Settings) -> None:
    level = getattr(logging, settings.log_level)
    # Libraries log through the standard library; keep them to warnings and above.
    logging.basicConfig(
        level=max(level, logging.WARNING), format="%(levelname)s %(name)s: %(message)s"
    )
    renderer = (
        structlog.processors.JSONRenderer()
        if settings.log_json
        else structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            _drop_secrets,
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=True,
    )


def request_logging_middleware(app: ASGIApp) -> ASGIApp:
    log = structlog.get_logger("atrium.request")

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        request_id = uuid.uuid4().hex[:16]
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await app(scope, receive, send_with_id)
        finally:
            principal = scope.get("state", {}).get("principal")
            log.info(
                "request",
                method=scope["method"],
                path=scope["path"],  # never the query string: it may carry a token
                status=status,
                duration_ms=round((time.perf_counter() - started) * 1000, 1),
                tenant=principal.workspace.slug if principal else None,
            )
            structlog.contextvars.unbind_contextvars("request_id")

    return middleware
