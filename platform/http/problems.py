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
from sqlalchemy.exc import TimeoutError as DatabaseTimeoutError

from atrium.platform.errors import DomainError, TooManyRequests
from atrium.platform.http.language import answer_locale, say
from atrium.platform.http.validation import validation_problem_text

PROBLEM_JSON = "application/problem+json"
log = structlog.get_logger("atrium.http")


# Each status's title in words a person reads (translated with the detail); a DomainError
# class may name its own.
TITLES = {
    400: "Bad request",
    401: "Not signed in",
    402: "Limit reached",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Request too large",
    415: "Unsupported media type",
    422: "Invalid input",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}


def problem(
    request: Request,
    status: int,
    message: str,
    *,
    title: str | None = None,
    headers=None,
    field: str | None = None,
    extra: dict[str, Any] | None = None,
    values: dict[str, Any] | None = None,
) -> Response:
    """The problem answer, its title and detail in the caller's language (see
    ``platform.http.language``); ``message`` may hold %(name)s placeholders for ``values``
    (a dict: a service's values may be called anything, ``status`` too)."""
    body = {
        "type": "about:blank",
        "title": say(request, title or TITLES.get(status) or HTTPStatus(status).phrase),
        "status": status,
        "detail": say(request, message, field, **(values or {})),
        "field": field,
        **(extra or {}),
    }
    body = {key: value for key, value in body.items() if value is not None}
    headers = {**(headers or {}), "Content-Language": answer_locale(request)}
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def domain_error_handler(request: Request, error: DomainError) -> Response:
    headers = (
        {"Retry-After": str(error.retry_after)} if isinstance(error, TooManyRequests) else None
    )
    return problem(
        request,
        error.status,
        error.message,
        title=error.title,
        headers=headers,
        field=error.field,
        extra={"upgrade": getattr(error, "upgrade", None)},
        values=error.params,
    )


def http_exception_handler(request: Request, error: HTTPException) -> Response:
    if isinstance(error, ValidationException):
        return validation_problem(request, error)
    if error.status_code == 404 and error.detail in {"", "Not Found"}:
        return problem(request, 404, "Nothing at %(path)s.", values={"path": request.url.path})
    if error.status_code == 405:
        return problem(
            request,
            405,
            "%(method)s is not allowed on %(path)s.",
            headers=error.headers,
            values={"method": request.method, "path": request.url.path},
        )
    if error.status_code == 413:
        return problem(
            request,
            413,
            "The request body is larger than the %(limit)s MB this API accepts.",
            values={"limit": request.app.request_max_body_size // 1_000_000},
        )
    if error.status_code == 400 and error.detail in _BAD_JSON:
        return problem(request, 400, "The request body is not valid JSON.")
    return problem(request, error.status_code, error.detail, headers=error.headers)


def validation_problem(request: Request, error: ValidationException) -> Response:
    """A body, query or path value of the wrong shape: the first one named, by its label."""
    errors = error.extra if isinstance(error.extra, list) else None
    message, field, values = validation_problem_text(error.detail, errors)
    return problem(request, 400, message, field=field, extra={"errors": errors}, values=values)


# msgspec's words when the body is not JSON at all.
_BAD_JSON = {"Input data was truncated", "Input data was truncated."}


UNAVAILABLE_TEXT = "A service Atrium depends on is not answering; try again in a minute."


def unavailable_handler(request: Request, error: Exception) -> Response:
    log_unavailable(request, error)
    return problem(request, 503, UNAVAILABLE_TEXT, headers={"Retry-After": str(RETRY_AFTER_S)})


def log_unavailable(request: Request, error: Exception) -> None:
    log.error("dependency_unavailable", path=request.url.path, error=type(error).__name__)


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
        detail = "Text must not contain the NUL character (\\u0000)."
    elif sqlstate.startswith("22"):
        detail = _DATA_EXCEPTIONS.get(sqlstate, "A value is not one this API can store.")
    else:
        return unexpected_error_handler(request, error)
    log.warning(
        "input_refused_by_database", path=request.url.path, sqlstate=sqlstate, reason=reason
    )
    return problem(request, 422, detail)


def unexpected_error_handler(request: Request, error: Exception) -> Response:
    log.exception("unhandled_error", path=request.url.path)
    return problem(request, 500, "Something went wrong on our side; it has been logged.")


# What a dependency that is down or silent raises: answered 503 with Retry-After (API), or a
# page saying so (web pages register their own handler for the same types).
UNAVAILABLE = (
    RedisConnectionError,
    RedisTimeoutError,
    # A lost connection (the database restarted): the pool drops its connections and the
    # client's retry gets fresh ones; no ping before every checkout.
    DatabaseOperationalError,
    DatabaseInterfaceError,
    # A dependency that stays silent: the request's time limit (platform.http.deadline), a
    # pool with no connection to give, a connection that is not made in time.
    TimeoutError,
    DatabaseTimeoutError,
)
RETRY_AFTER_S = 30

exception_handlers = {
    DomainError: domain_error_handler,
    HTTPException: http_exception_handler,
    DatabaseDataError: data_error_handler,
    **dict.fromkeys(UNAVAILABLE, unavailable_handler),
    Exception: unexpected_error_handler,
}
