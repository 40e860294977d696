"""Invitations by e-mail: a 7-day, single-use link that makes its holder a member.

Only roles the inviter may grant; another workspace's invitations answer the same 404 as
invitations that do not exist.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.accounts import (
    WRONG_CREDENTIALS,
    LinkNotUsable,
    checked_email,
    issue_token,
    usable_token,
    user_by_email,
)
from atrium.platform.auth.mails import invitation_mail, mail_language
from atrium.platform.auth.members import checked_role, may_grant
from atrium.platform.auth.models import Membership, OneTimeToken, OneTimeTokenPurpose, Role, User
from atrium.platform.auth.passwords import check_password, hash_password
from atrium.platform.auth.principal import Principal
from atrium.platform.auth.throttle import PasswordAttempts
from atrium.platform.db.savepoints import unique_or
from atrium.platform.db.types import utcnow
from atrium.platform.errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized
from atrium.platform.http.pagination import Page, paginate
from atrium.platform.mail.service import queue_system_mail
from atrium.platform.tenancy.entitlements import SEATS, Entitlements, require_room
from atrium.platform.tenancy.models import Tenant, TenantStatus

INVITATION_TTL = timedelta(days=7)


@dataclass(frozen=True)
class Joined:
    tenant: Tenant
    user: User
    role: Role


def _pending_invitation_rules(tenant_id: uuid.UUID) -> list:
    return [
        OneTimeToken.purpose == OneTimeTokenPurpose.INVITATION,
        OneTimeToken.tenant_id == tenant_id,
        OneTimeToken.used_at.is_(None),
        OneTimeToken.revoked_at.is_(None),
        OneTimeToken.expires_at > utcnow(),
    ]


async def invite(
    session: AsyncSession, principal: Principal, *, email: str, role: str, base_url: str
) -> OneTimeToken:
    """Invite someone by e-mail; inviting the same address again replaces the earlier link."""
    email, granted = checked_email(email), checked_role(role)
    may_grant(principal, granted)
    workspace = principal.workspace
    member = await session.scalar(
        select(Membership.id)
        .join(User, User.id == Membership.user_id)
        .where(Membership.tenant_id == workspace.id, User.email == email)
    )
    if member is not None:
        raise Conflict(
            "%(email)s is already a member of this workspace.", field="email", email=email
        )
    await session.execute(
        update(OneTimeToken)
        .where(*_pending_invitation_rules(workspace.id), OneTimeToken.email == email)
        .values(revoked_at=utcnow())
    )
    await _require_seat(session, workspace.id, counting_invitations=True)
    plaintext, row = await issue_token(
        session,
        INVITATION_TTL,
        purpose=OneTimeTokenPurpose.INVITATION,
        email=email,
        tenant_id=workspace.id,
        role=granted,
        invited_by_id=principal.user_id,
    )
    link = f"{base_url.rstrip('/')}/invitations/accept?token={plaintext}"
    # In the invitee's own language when the address has an account, else the workspace's.
    account_language = await session.scalar(select(User.locale).where(User.email == email))
    subject, text = invitation_mail(
        mail_language(account_language, workspace.locale),
        inviter=principal.name or principal.email,
        workspace=workspace.name,
        role=granted,
        link=link,
    )
    await queue_system_mail(session, to=email, subject=subject, text=text)
    return row


async def pending_invitations(
    session: AsyncSession, principal: Principal, *, cursor: str | None = None, limit: int = 50
) -> Page[OneTimeToken]:
    """This workspace's invitations not yet accepted, revoked or expired; newest first."""
    return await paginate(
        session,
        select(OneTimeToken).where(*_pending_invitation_rules(principal.workspace.id)),
        sort=[OneTimeToken.created_at, OneTimeToken.id],
        key=lambda row: [row.created_at.isoformat(), row.id],
        parse=[datetime.fromisoformat, uuid.UUID],
        cursor=cursor,
        limit=limit,
        descending=True,
    )


async def revoke_invitation(
    session: AsyncSession, principal: Principal, invitation_id: uuid.UUID
) -> None:
    row = await session.get(OneTimeToken, invitation_id, with_for_update=True)
    if (
        row is None
        or row.purpose != OneTimeTokenPurpose.INVITATION
        or row.tenant_id != principal.workspace.id
        or row.used_at is not None
    ):
        raise NotFound("No such invitation.")
    if row.revoked_at is None:
        row.revoked_at = utcnow()


async def accept_invitation(
    session: AsyncSession,
    attempts: PasswordAttempts,
    *,
    token: str,
    password: str | None = None,
    name: str | None = None,
    signed_in: User | None = None,
) -> Joined:
    """Join the invited workspace: a new account, the signed-in one, or one proven by password."""
    row = await usable_token(session, token, OneTimeTokenPurpose.INVITATION)
    tenant = await session.get(Tenant, row.tenant_id)
    if tenant is None or tenant.status != TenantStatus.READY or row.role is None:
        raise LinkNotUsable("The workspace of this invitation is no longer available.")
    user = await user_by_email(session, row.email)
    if user is None:
        user = await _new_user(session, row.email, password, name, tenant.locale)
    elif signed_in is None or signed_in.id != user.id:
        if not password:
            raise Unauthorized(
                "%(email)s already has an account: sign in as %(email)s "
                "or give that account's password.",
                email=row.email,
            )
        if not await attempts.check(user.email, user.password_hash, password):
            raise Unauthorized(WRONG_CREDENTIALS)
    if not user.is_active:
        raise Forbidden("This account is deactivated.")
    already = await session.scalar(
        select(Membership.id).where(
            Membership.user_id == user.id, Membership.tenant_id == tenant.id
        )
    )
    if already is not None:
        raise Conflict("You are already a member of this workspace.")
    await _require_seat(session, tenant.id, counting_invitations=False)
    await _insert(
        session,
        Membership(user_id=user.id, tenant_id=tenant.id, role=row.role),
        Conflict("You are already a member of this workspace."),
    )
    row.used_at = utcnow()
    return Joined(tenant=tenant, user=user, role=row.role)


async def _require_seat(
    session: AsyncSession, tenant_id: uuid.UUID, *, counting_invitations: bool
) -> None:
    """402 when the plan's seats are taken by members (and, for a new invitation, by pending
    ones: each may become a member). The workspace row is locked so two at once cannot both
    take the last seat."""
    tenant = await session.get(Tenant, tenant_id, with_for_update=True, populate_existing=True)
    entitlements = Entitlements.from_json(tenant.entitlements if tenant else None)
    if entitlements is None or entitlements.seats is None:
        return
    used = await session.scalar(
        select(func.count()).select_from(Membership).where(Membership.tenant_id == tenant_id)
    )
    if counting_invitations:
        used += await session.scalar(
            select(func.count())
            .select_from(OneTimeToken)
            .where(*_pending_invitation_rules(tenant_id))
        )
    require_room(entitlements, SEATS, used=used)


async def _insert(session: AsyncSession, row, conflict: Conflict) -> None:
    """Add a row whose uniqueness a concurrent request may have taken first: 409, not 500."""
    async with unique_or(session, conflict):
        session.add(row)


async def _new_user(
    session: AsyncSession, email: str, password: str | None, name: str | None, locale: str
) -> User:
    name = " ".join((name or "").split())[:200]
    if not password:
        raise Invalid("Choose a password for your new account.", field="password")
    check_password(password, email=email, name=name)
    user = User(email=email, name=name, password_hash=await hash_password(password), locale=locale)
    # An account for this address may be being created right now (a signup, say).
    await _insert(
        session,
        user,
        Conflict("An account for %(email)s is being created; try again shortly.", email=email),
    )
    return user


@dataclass(frozen=True)
class InvitationPreview:
    email: str
    workspace_name: str
    role: Role
    has_account: bool


async def preview_invitation(session: AsyncSession, token: str) -> InvitationPreview:
    """What the accept page shows before anything is done; raises LinkNotUsable."""
    row = await usable_token(session, token, OneTimeTokenPurpose.INVITATION)
    tenant = await session.get(Tenant, row.tenant_id)
    if tenant is None or tenant.status != TenantStatus.READY or row.role is None:
        raise LinkNotUsable("The workspace of this invitation is no longer available.")
    return InvitationPreview(
        email=row.email,
        workspace_name=tenant.name,
        role=row.role,
        has_account=await user_by_email(session, row.email) is not None,
    )
