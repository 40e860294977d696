"""Every error leaves as RFC 9457 ``application/problem+json`` with a clear ``detail``."""

from http import HTTPStatus
from typing import Any

import structlog
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from atrium.platform.errors import DomainError, TooManyRequests

PROBLEM_JSON = "application/problem+json"
log = structlog.get_logger("atrium.http")


def problem(
    status: int, detail: str, *, title: str | None = None, headers=None, **extra: Any
) -> Response:
    body = {
        "type": "about:blank",
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        **{key: value for key, value in extra.items() if value is not None},
    }
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def domain_error_handler(request: Request, error: DomainError) -> Response:
    headers = (
        {"Retry-After": str(error.retry_after)} if isinstance(error, TooManyRequests) else None
    )
    return problem(
        error.status, error.detail, title=error.title, headers=headers, field=error.field
    )


def _validation_detail(error: ValidationException) -> tuple[str, list | None]:
    errors = error.extra if isinstance(error.extra, list) else None
    if errors:
        first = errors[0]
        where = first.get("key") or first.get("source") or ""
        message = first.get("message", error.detail)
        return (f"{where}: {message}" if where else message), errors
    return error.detail, None


def http_exception_handler(request: Request, error: HTTPException) -> Response:
    if isinstance(error, ValidationException):
        detail, errors = _validation_detail(error)
        if "JSON" in detail or "decode" in detail.lower():
            detail = f"The request body is not valid JSON: {detail}"
        return problem(400, detail, errors=errors)
    detail = error.detail
    if error.status_code == 404 and detail in {"", "Not Found"}:
        detail = f"Nothing at {request.url.path}."
    elif error.status_code == 405:
        detail = f"{request.method} is not allowed on {request.url.path}."
    elif error.status_code == 413:
        limit_mb = request.app.request_max_body_size // 1_000_000
        detail = f"The request body is larger than the {limit_mb} MB this API accepts."
    return problem(error.status_code, detail, headers=error.headers)


def unavailable_handler(request: Request, error: Exception) -> Response:
    log.error("dependency_unavailable", path=request.url.path, error=type(error).__name__)
    return problem(
        503,
        "A service Atrium depends on is not answering; try again in a minute.",
        headers={"Retry-After": "30"},
    )


def unexpected_error_handler(request: Request, error: Exception) -> Response:
    log.exception("unhandled_error", path=request.url.path)
    return problem(500, "Something went wrong on our side; it has been logged.")


exception_handlers = {
    DomainError: domain_error_handler,
    HTTPException: http_exception_handler,
    RedisConnectionError: unavailable_handler,
    RedisTimeoutError: unavailable_handler,
    Exception: unexpected_error_handler,
}
