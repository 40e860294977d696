"""Finding the principal of a request, permission guards, and the tenant session dependency."""

from collections.abc import AsyncIterator

from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.auth.service import (
    principal_from_api_key,
    remember_principal,
    remembered_principal,
)
from atrium.platform.db import Database
from atrium.platform.errors import LimitReached, Unauthorized
from atrium.platform.http.api_rate import count_api_call

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Routes that stay open in a read-only workspace (paying the overdue invoice) set this opt.
OPEN_WHILE_READ_ONLY = "open_while_read_only"
API_PREFIX = "/api/v1/"

# Other ways to authenticate (the web session cookie) register here; each returns a
# Principal or None. Bearer API keys are always tried first.
_resolvers: list = []


def register_principal_resolver(resolver) -> None:
    _resolvers.append(resolver)


def database(connection: ASGIConnection) -> Database:
    return connection.app.state.db


async def optional_principal(connection: ASGIConnection) -> Principal | None:
    """The verified principal, resolved once per request and kept on its state."""
    if "principal" in connection.state:
        return connection.state.principal
    principal = None
    authorization = connection.headers.get("authorization", "")
    scheme, _, credential = authorization.partition(" ")
    if authorization and scheme.lower() == "bearer" and credential.strip():
        key = credential.strip()
        if (principal := remembered_principal(key)) is None:
            async with database(connection).shared_reads() as session:
                principal = await principal_from_api_key(session, key)
            if principal is None:
                raise Unauthorized("The API key is unknown, revoked or expired.")
            remember_principal(key, principal)
    elif authorization:
        raise Unauthorized("Use 'Authorization: Bearer <API key>'.")
    else:
        for resolver in _resolvers:
            if (principal := await resolver(connection)) is not None:
                break
    connection.state.principal = principal
    if principal is not None and connection.scope["path"].startswith(API_PREFIX):
        # The plan's rate counts every API call, with a key or with a signed-in session.
        await count_api_call(connection, principal)
    if principal is not None and principal.workspace.read_only:
        _refuse_changes_while_read_only(connection)
    return principal


def _refuse_changes_while_read_only(connection: ASGIConnection) -> None:
    if connection.scope.get("method", "GET") in SAFE_METHODS:
        return
    handler = connection.scope.get("route_handler")
    if handler is not None and handler.opt.get(OPEN_WHILE_READ_ONLY):
        return
    raise LimitReached(
        "This workspace is read-only because an invoice is overdue; pay it on the billing "
        "page and everything opens again at once. Nothing has been deleted."
    )


async def current_principal(connection: ASGIConnection) -> Principal:
    principal = await optional_principal(connection)
    if principal is None:
        raise Unauthorized("Sign in, or send 'Authorization: Bearer <API key>'.")
    return principal


def requires(*permissions: str):
    """A route guard: the principal must hold every permission named."""

    async def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        principal = await current_principal(connection)
        for permission in permissions:
            principal.require(permission)

    return guard


async def provide_principal(request: ASGIConnection) -> Principal:
    return await current_principal(request)


async def provide_tenant_session(request: ASGIConnection) -> AsyncIterator[AsyncSession]:
    """The request's one transaction in its own workspace, committed when the handler succeeds."""
    principal = await current_principal(request)
    async with database(request).tenant_transaction(principal.workspace.schema) as session:
        yield session


async def provide_shared_session(request: ASGIConnection) -> AsyncIterator[AsyncSession]:
    """A registry transaction, committed when the handler succeeds."""
    async with database(request).shared_transaction() as session:
        yield session
