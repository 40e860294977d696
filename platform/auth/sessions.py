"""Browser sign-ins: the session cookie, its principal, and the CSRF rule for cookie requests.

The cookie holds a random token; the database keeps only its hash (WebSession). A request
with the cookie acts in the workspace named by the path (`/w/{slug}/...`) or, for API calls,
by the `X-Workspace` header, and only if the user is a member of it.
"""

import hmac
from datetime import timedelta

from litestar import Request, Response
from litestar.connection import ASGIConnection
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.models import User, WebSession
from atrium.platform.auth.principal import Principal
from atrium.platform.auth.service import principal_for_member
from atrium.platform.auth.tokens import new_token, token_hash
from atrium.platform.config import Settings, get_settings
from atrium.platform.db.types import utcnow
from atrium.platform.errors import Forbidden
from atrium.platform.http.auth import database, register_principal_resolver

SESSION_COOKIE = "atrium_session"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
WORKSPACE_HEADER = "x-workspace"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_FOUND = "atrium_web_session"  # connection.state key: the (User, WebSession) looked up once


class FormExpired(Forbidden):
    """A cookie request that changes state without the session's CSRF token (a stale form)."""


async def start_session(
    session: AsyncSession, user: User, user_agent: str = ""
) -> tuple[str, WebSession]:
    """A new sign-in for ``user``: the cookie token (give it to the browser once) and its row."""
    token = new_token(32)
    web_session = WebSession(
        token_hash=token_hash(token),
        user_id=user.id,
        csrf_token=new_token(32),
        expires_at=utcnow() + timedelta(days=get_settings().session_days),
        user_agent=(user_agent or "")[:300],
    )
    session.add(web_session)
    await session.flush()
    return token, web_session


async def find_session(session: AsyncSession, token: str) -> tuple[User, WebSession] | None:
    """The live session a cookie token stands for; an expired one is deleted on sight."""
    if not token:
        return None
    row = (
        await session.execute(
            select(User, WebSession)
            .join(WebSession, WebSession.user_id == User.id)
            .where(WebSession.token_hash == token_hash(token))
        )
    ).one_or_none()
    if row is None:
        return None
    user, web_session = row
    if web_session.expires_at <= utcnow():
        await session.execute(delete(WebSession).where(WebSession.id == web_session.id))
        return None
    if not user.is_active:
        return None
    return user, web_session


async def end_session(session: AsyncSession, web_session: WebSession) -> None:
    await session.execute(delete(WebSession).where(WebSession.id == web_session.id))


async def end_all_sessions(session: AsyncSession, user_id) -> None:
    """Sign the user out everywhere (after a password change, say)."""
    await session.execute(delete(WebSession).where(WebSession.user_id == user_id))


async def user_from_session(connection: ASGIConnection) -> tuple[User, WebSession] | None:
    """The signed-in user and their session from the request's cookie, looked up once."""
    if _FOUND in connection.state:
        return connection.state[_FOUND]
    token = connection.cookies.get(SESSION_COOKIE, "")
    found = None
    if token:
        async with database(connection).shared_transaction() as session:
            found = await find_session(session, token)
    connection.state[_FOUND] = found
    return found


def user_seen(connection: ASGIConnection) -> User | None:
    """The signed-in user if this request has looked them up already (no query of its own)."""
    found = connection.state.get(_FOUND) if _FOUND in connection.state else None
    return found[0] if found else None


async def _sent_csrf_token(connection: ASGIConnection) -> str:
    if header := connection.headers.get(CSRF_HEADER):
        return header
    content_type = connection.headers.get("content-type", "")
    if isinstance(connection, Request) and content_type.startswith(FORM_TYPES):
        value = (await connection.form()).get(CSRF_FIELD, "")
        return value if isinstance(value, str) else ""
    return ""


async def check_csrf(connection: ASGIConnection, web_session: WebSession) -> None:
    """A cookie-authenticated request that changes state must carry the session's CSRF token."""
    if connection.scope.get("method", "GET") in SAFE_METHODS:
        return
    sent = await _sent_csrf_token(connection)
    if not hmac.compare_digest(sent.encode(), web_session.csrf_token.encode()):
        raise FormExpired("CSRF token missing or wrong.")


def requested_slug(connection: ASGIConnection) -> str | None:
    return connection.path_params.get("slug") or connection.headers.get(WORKSPACE_HEADER) or None


async def session_principal(connection: ASGIConnection) -> Principal | None:
    """The principal of a cookie request: a member of the requested workspace, or None."""
    found = await user_from_session(connection)
    if found is None:
        return None
    user, web_session = found
    await check_csrf(connection, web_session)
    slug = requested_slug(connection)
    if not slug:
        return None
    async with database(connection).shared_transaction() as session:
        return await principal_for_member(session, user, slug.strip().lower(), via="session")


def set_session_cookie(
    response: Response, token: str, settings: Settings | None = None
) -> Response:
    settings = settings or get_settings()
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_days * 86400,
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
    )
    return response


def clear_session_cookie(response: Response) -> Response:
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


async def start_session_for(
    session: AsyncSession, user_id, user_agent: str = ""
) -> tuple[str, WebSession]:
    """Sign in a user who just proved who they are another way (signed up, accepted an invite)."""
    user = await session.get_one(User, user_id)
    return await start_session(session, user, user_agent)


# Importing this module turns session cookies on for every route that asks for a principal.
register_principal_resolver(session_principal)
