"""Errors services raise; the web layer turns each into an RFC 9457 problem response."""


class DomainError(Exception):
    status = 400
    title = "Bad request"

    def __init__(self, message: str, *, field: str | None = None, **params) -> None:
        """``message`` may hold %(name)s placeholders filled from ``params``; pages translate
        the message first and fill it after, so the same error reads well in every language."""
        self.message = message
        self.params = params
        self.detail = message % params if params else message
        self.field = field
        super().__init__(self.detail)


class Invalid(DomainError):
    status = 422
    title = "Invalid input"


class NotFound(DomainError):
    status = 404
    title = "Not found"


class Conflict(DomainError):
    status = 409
    title = "Conflict"


class Unauthorized(DomainError):
    status = 401
    title = "Not signed in"


class Forbidden(DomainError):
    status = 403
    title = "Forbidden"


class LimitReached(DomainError):
    """A limit of the workspace (a quota, a plan's allowance) stops the request."""

    status = 402
    title = "Limit reached"

    def __init__(self, message: str, *, upgrade: str | None = None, **params) -> None:
        """``upgrade``: the plan that lifts the limit, also given apart in the problem body."""
        super().__init__(message, upgrade=upgrade, **params)
        self.upgrade = str(upgrade) if upgrade is not None else None


class TooManyRequests(DomainError):
    status = 429
    title = "Too many requests"

    def __init__(self, message: str, *, retry_after: int, **params) -> None:
        super().__init__(message, **params)
        self.retry_after = retry_after
