"""Signing in, password reset links, and the one-time tokens that links carry.

Services take a session and never commit.
"""

import re
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.mails import reset_mail
from atrium.platform.auth.models import (
    Membership,
    OneTimeToken,
    OneTimeTokenPurpose,
    Role,
    User,
    WebSession,
)
from atrium.platform.auth.passwords import check_password, hash_password
from atrium.platform.auth.sessions import end_all_sessions, start_session
from atrium.platform.auth.throttle import PasswordAttempts
from atrium.platform.auth.tokens import new_token, token_hash
from atrium.platform.db.names import by_name
from atrium.platform.db.types import utcnow
from atrium.platform.errors import DomainError, Forbidden, Invalid, Unauthorized
from atrium.platform.mail.service import queue_system_mail
from atrium.platform.tenancy.models import Tenant, TenantStatus

WRONG_CREDENTIALS = "Wrong e-mail or password."
RESET_LINK_TTL = timedelta(hours=1)


class LinkNotUsable(DomainError):
    status = 400
    title = "Link not usable"


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
EMAIL_LIMIT = 320  # RFC 5321's 64 + @ + 255


def normalized_email(email: str) -> str:
    return email.strip().lower()


def checked_email(email: str) -> str:
    """The address lower-cased, or Invalid when it cannot be one."""
    email = normalized_email(email)
    if len(email) > EMAIL_LIMIT or not _EMAIL.match(email):
        raise Invalid("%(email)s is not an e-mail address.", field="email", email=email)
    return email


@dataclass(frozen=True)
class WorkspaceChoice:
    slug: str
    name: str
    role: Role


@dataclass(frozen=True)
class SignedIn:
    user: User
    token: str  # for the cookie; never stored
    web_session: WebSession
    workspaces: list[WorkspaceChoice]


async def workspaces_of(session: AsyncSession, user_id: uuid.UUID) -> list[WorkspaceChoice]:
    rows = await session.execute(
        select(Tenant.slug, Tenant.name, Membership.role)
        .join(Membership, Membership.tenant_id == Tenant.id)
        .where(Membership.user_id == user_id, Tenant.status == TenantStatus.READY)
        .order_by(*by_name(Tenant.name), Tenant.slug)
    )
    return [WorkspaceChoice(slug, name, role) for slug, name, role in rows]


async def user_by_email(session: AsyncSession, email: str, *, lock: bool = False) -> User | None:
    query = select(User).where(User.email == email, User.provisioning_tenant_id.is_(None))
    return await session.scalar(query.with_for_update() if lock else query)


async def log_in(
    session: AsyncSession,
    attempts: PasswordAttempts,
    *,
    email: str,
    password: str,
    workspace: str | None = None,
    user_agent: str = "",
) -> SignedIn:
    """Check the password (throttled) and start a web session."""
    email = normalized_email(email)
    user = await user_by_email(session, email)
    usable = user is not None and user.is_active
    if not await attempts.check(email, user.password_hash if usable else None, password):
        raise Unauthorized(WRONG_CREDENTIALS)
    workspaces = await workspaces_of(session, user.id)
    if workspace and workspace.strip().lower() not in {w.slug for w in workspaces}:
        raise Forbidden(
            "Your account has no access to the workspace '%(workspace)s'.", workspace=workspace
        )
    token, web_session = await start_session(session, user, user_agent)
    return SignedIn(user, token, web_session, workspaces)


async def issue_token(session: AsyncSession, ttl: timedelta, **fields) -> tuple[str, OneTimeToken]:
    plaintext = new_token(32)
    row = OneTimeToken(token_hash=token_hash(plaintext), expires_at=utcnow() + ttl, **fields)
    session.add(row)
    await session.flush()
    return plaintext, row


async def usable_token(
    session: AsyncSession, token: str, purpose: OneTimeTokenPurpose
) -> OneTimeToken:
    """The token row, locked; a clear 400 when it is unknown, used, revoked or expired."""
    row = await session.scalar(
        select(OneTimeToken)
        .where(OneTimeToken.token_hash == token_hash(token), OneTimeToken.purpose == purpose)
        .with_for_update()
    )
    # Whole sentences for each kind of link, so that each one translates as it stands.
    invitation = purpose == OneTimeTokenPurpose.INVITATION
    if row is None:
        if invitation:
            raise LinkNotUsable(
                "This invitation link is not valid; check that it was copied whole."
            )
        raise LinkNotUsable("This reset link is not valid; check that it was copied whole.")
    if row.used_at is not None:
        if invitation:
            raise LinkNotUsable("This invitation link has already been used.")
        raise LinkNotUsable("This reset link has already been used.")
    if row.revoked_at is not None:
        if invitation:
            raise LinkNotUsable("This invitation link was withdrawn.")
        raise LinkNotUsable("This reset link was withdrawn.")
    if row.expires_at <= utcnow():
        if invitation:
            raise LinkNotUsable("This invitation link has expired; ask for a new one.")
        raise LinkNotUsable("This reset link has expired; ask for a new one.")
    return row


async def request_password_reset(
    session: AsyncSession, attempts: PasswordAttempts, *, email: str, base_url: str
) -> None:
    """E-mail a reset link if an active account has this address; say nothing either way."""
    email = normalized_email(email)
    await attempts.reserve_reset_mail(email)
    user = await user_by_email(session, email)
    if user is None or not user.is_active:
        return
    plaintext, _ = await issue_token(
        session, RESET_LINK_TTL, purpose=OneTimeTokenPurpose.PASSWORD_RESET, email=email
    )
    link = f"{base_url.rstrip('/')}/reset-password?token={plaintext}"
    subject, text = reset_mail(user.locale, link)
    await queue_system_mail(session, to=email, subject=subject, text=text)


async def reset_password(session: AsyncSession, *, token: str, password: str) -> User:
    """Set a new password from a reset link; the link dies and every web session ends."""
    row = await usable_token(session, token, OneTimeTokenPurpose.PASSWORD_RESET)
    user = await user_by_email(session, row.email, lock=True)
    if user is None or not user.is_active:
        raise LinkNotUsable("This reset link is not valid; check that it was copied whole.")
    check_password(password, email=user.email, name=user.name)
    user.password_hash = await hash_password(password)
    user.password_changed_at = now = utcnow()
    # This link and any other outstanding reset link for the account stop working.
    await session.execute(
        update(OneTimeToken)
        .where(
            OneTimeToken.email == user.email,
            OneTimeToken.purpose == OneTimeTokenPurpose.PASSWORD_RESET,
            OneTimeToken.used_at.is_(None),
        )
        .values(used_at=now)
    )
    await end_all_sessions(session, user.id)
    return user
