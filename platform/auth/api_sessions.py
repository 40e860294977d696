"""Signing in and out with a browser session, and resetting a forgotten password."""

import uuid
from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Request, Response, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth import accounts
from atrium.platform.auth.sessions import (
    SESSION_COOKIE,
    check_csrf,
    end_session,
    find_session,
    set_session_cookie,
)
from atrium.platform.auth.throttle import password_attempts
from atrium.platform.http.auth import provide_shared_session

Password = Annotated[str, msgspec.Meta(max_length=1024)]
Email = Annotated[str, msgspec.Meta(max_length=320)]
Token = Annotated[str, msgspec.Meta(max_length=200)]
SHARED_SESSION = {"session": Provide(provide_shared_session)}


class LoginIn(msgspec.Struct, forbid_unknown_fields=True):
    email: Email
    password: Password
    workspace: str | None = None


class SignedInUserOut(msgspec.Struct):
    id: uuid.UUID
    email: str
    name: str
    locale: str


class WorkspaceChoiceOut(msgspec.Struct):
    slug: str
    name: str
    role: str


class LoginOut(msgspec.Struct):
    user: SignedInUserOut
    workspaces: list[WorkspaceChoiceOut]
    csrf_token: str  # send as X-CSRF-Token (or form field csrf_token) with unsafe requests
    expires_at: datetime


class ResetRequestIn(msgspec.Struct, forbid_unknown_fields=True):
    email: Email


class ResetConfirmIn(msgspec.Struct, forbid_unknown_fields=True):
    token: Token
    password: Password


class Notice(msgspec.Struct):
    detail: str


@post(
    "/auth/login",
    status_code=200,
    tags=["Sessions"],
    dependencies=SHARED_SESSION,
    summary="Sign in: sets the atrium_session cookie and returns the CSRF token",
)
async def login(
    request: Request, session: NamedDependency[AsyncSession], data: JSONBody[LoginIn]
) -> Response[LoginOut]:
    signed_in = await accounts.log_in(
        session,
        password_attempts(request),
        email=data.email,
        password=data.password,
        workspace=data.workspace,
        user_agent=request.headers.get("user-agent", ""),
    )
    user = signed_in.user
    body = LoginOut(
        user=SignedInUserOut(id=user.id, email=user.email, name=user.name, locale=user.locale),
        workspaces=[
            WorkspaceChoiceOut(slug=w.slug, name=w.name, role=w.role.value)
            for w in signed_in.workspaces
        ],
        csrf_token=signed_in.web_session.csrf_token,
        expires_at=signed_in.web_session.expires_at,
    )
    return set_session_cookie(Response(body), signed_in.token, request.app.state.settings)


@post(
    "/auth/logout",
    status_code=204,
    tags=["Sessions"],
    dependencies=SHARED_SESSION,
    summary="Sign out: ends the session and deletes the cookie",
    # Declared here rather than set on a returned Response, so the 204 is documented as
    # having no body (a Response[None] return is documented as an application/json null).
    response_cookies=[Cookie(key=SESSION_COOKIE, path="/", expires=0, max_age=0)],
)
async def logout(request: Request, session: NamedDependency[AsyncSession]) -> None:
    found = await find_session(session, request.cookies.get(SESSION_COOKIE, ""))
    if found is not None:
        await check_csrf(request, found[1])
        await end_session(session, found[1])


@post(
    "/auth/password-reset",
    status_code=202,
    tags=["Sessions"],
    dependencies=SHARED_SESSION,
    summary="E-mail a password reset link (the answer is the same for unknown addresses)",
)
async def request_password_reset(
    request: Request, session: NamedDependency[AsyncSession], data: JSONBody[ResetRequestIn]
) -> Notice:
    await accounts.request_password_reset(
        session,
        password_attempts(request),
        email=data.email,
        base_url=request.app.state.settings.base_url,
    )
    return Notice("If an account uses this address, a reset link is on its way to it.")


@post(
    "/auth/password-reset/confirm",
    status_code=200,
    tags=["Sessions"],
    dependencies=SHARED_SESSION,
    summary="Set a new password with the e-mailed token; signs out every browser",
)
async def confirm_password_reset(
    session: NamedDependency[AsyncSession], data: JSONBody[ResetConfirmIn]
) -> Notice:
    await accounts.reset_password(session, token=data.token, password=data.password)
    return Notice("Your password is changed. Sign in with it.")


routes = [login, logout, request_password_reset, confirm_password_reset]
