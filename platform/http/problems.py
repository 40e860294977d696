"""Every error leaves as RFC 9457 ``application/problem+json`` with a clear ``detail``."""

from http import HTTPStatus
from typing import Any

import structlog
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import DataError as DatabaseDataError
from sqlalchemy.exc import InterfaceError as DatabaseInterfaceError
from sqlalchemy.exc import OperationalError as DatabaseOperationalError

from atrium.platform.errors import DomainError, TooManyRequests
from atrium.platform.http.text import NUL_MESSAGE

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
        error.status,
        error.detail,
        title=error.title,
        headers=headers,
        field=error.field,
        upgrade=getattr(error, "upgrade", None),
    )


def _validation_detail(error: ValidationException) -> tuple[str, list | None]:
    errors = error.extra if isinstance(error.extra, list) else None
    if errors:
        first = errors[0]
        where = first.get("key") or first.get("source") or ""
        message = first.get("message", error.detail)
        if first.get("source") == "body" and message == repr(where):
            # litestar's KeyError for the body parameter: nothing was sent.
            return "The request needs a JSON body.", errors
        detail = f"{where}: {message}" if where else message
    else:
        detail, errors = error.detail, None
    if "JSON" in detail or "decode" in detail.lower():
        detail = f"The request body is not valid JSON: {detail}"
    return detail, errors


def http_exception_handler(request: Request, error: HTTPException) -> Response:
    if isinstance(error, ValidationException):
        detail, errors = _validation_detail(error)
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


# PostgreSQL's "data exception" class (22xxx): a value the statement carried cannot be stored
# or compared. Handlers check their input first and name the field; this is the net under them.
_DATA_EXCEPTIONS = {
    "22001": "A value is longer than the field it goes into allows.",
    "22003": "A number is outside the range this API accepts.",
    "22008": "A date or time is outside the range this API accepts.",
}


def data_error_handler(request: Request, error: DatabaseDataError) -> Response:
    reason = str(error.orig).splitlines()[0] if error.orig is not None else ""
    sqlstate = getattr(error.orig, "sqlstate", None) or ""
    if "NUL (0x00)" in reason:
        # psycopg refuses such text before sending it, so there is no sqlstate.
        detail = f"Text {NUL_MESSAGE}."
    elif sqlstate.startswith("22"):
        detail = _DATA_EXCEPTIONS.get(sqlstate, "A value is not one this API can store.")
    else:
        return unexpected_error_handler(request, error)
    log.warning(
        "input_refused_by_database", path=request.url.path, sqlstate=sqlstate, reason=reason
    )
    return problem(422, detail, title="Invalid input")


def unexpected_error_handler(request: Request, error: Exception) -> Response:
    log.exception("unhandled_error", path=request.url.path)
    return problem(500, "Something went wrong on our side; it has been logged.")


exception_handlers = {
    DomainError: domain_error_handler,
    HTTPException: http_exception_handler,
    RedisConnectionError: unavailable_handler,
    RedisTimeoutError: unavailable_handler,
    DatabaseDataError: data_error_handler,
    # A lost connection (the database restarted): the pool drops its connections and the
    # client's retry gets fresh ones; no ping before every checkout.
    DatabaseOperationalError: unavailable_handler,
    DatabaseInterfaceError: unavailable_handler,
    Exception: unexpected_error_handler,
}
