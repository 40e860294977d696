"""Who is in a workspace and with which role: listing, changing roles, removing members.

Every lookup is scoped to the principal's workspace: another workspace's ids answer the
same 404 as ids that do not exist, and change nothing.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.models import ApiKey, Membership, Role, User
from atrium.platform.auth.permissions import ASSIGNABLE_ROLES
from atrium.platform.auth.principal import Principal
from atrium.platform.auth.service import forget_principals
from atrium.platform.errors import Conflict, Forbidden, Invalid, NotFound
from atrium.platform.http.pagination import Page, paginate


def checked_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise Invalid(
            "Unknown role '%(role)s'; choose one of %(choices)s.",
            field="role",
            role=role,
            choices=choices,
        ) from None


def may_grant(principal: Principal, role: Role) -> None:
    if role not in ASSIGNABLE_ROLES[principal.role]:
        raise Forbidden(
            "Your role (%(role)s) cannot grant the role %(granted)s.",
            role=principal.role.value,
            granted=role.value,
        )


@dataclass(frozen=True)
class Member:
    user_id: uuid.UUID
    email: str
    name: str
    role: Role
    joined_at: datetime


def _member(membership: Membership, user: User) -> Member:
    return Member(user.id, user.email, user.name, membership.role, membership.created_at)


async def list_members(
    session: AsyncSession, principal: Principal, *, cursor: str | None = None, limit: int = 50
) -> Page[Member]:
    """The workspace's members in the order they joined."""
    page = await paginate(
        session,
        select(Membership).where(Membership.tenant_id == principal.workspace.id),
        sort=[Membership.created_at, Membership.id],
        key=lambda row: [row.created_at.isoformat(), row.id],
        parse=[datetime.fromisoformat, uuid.UUID],
        cursor=cursor,
        limit=limit,
    )
    ids = [membership.user_id for membership in page.items]
    users = {user.id: user for user in await session.scalars(select(User).where(User.id.in_(ids)))}
    members = [_member(membership, users[membership.user_id]) for membership in page.items]
    return Page(items=members, next_cursor=page.next_cursor)


async def _locked_membership(
    session: AsyncSession, principal: Principal, user_id: uuid.UUID
) -> tuple[Membership, int]:
    """The member's row and the number of owners, both locked against a concurrent change."""
    tenant_id = principal.workspace.id
    # Lock the owners first, always in the same order, so two changes cannot deadlock.
    owners = await session.scalars(
        select(Membership.id)
        .where(Membership.tenant_id == tenant_id, Membership.role == Role.OWNER)
        .order_by(Membership.id)
        .with_for_update()
    )
    owner_count = len(owners.all())
    membership = await session.scalar(
        select(Membership)
        .where(Membership.tenant_id == tenant_id, Membership.user_id == user_id)
        .with_for_update()
    )
    if membership is None:
        raise NotFound("No such member.")
    if membership.role not in ASSIGNABLE_ROLES[principal.role]:
        raise Forbidden(
            "Your role (%(role)s) cannot change a member who is %(their_role)s.",
            role=principal.role.value,
            their_role=membership.role.value,
        )
    return membership, owner_count


def _keep_an_owner(membership: Membership, owner_count: int) -> None:
    if membership.role == Role.OWNER and owner_count <= 1:
        raise Conflict("A workspace needs an owner: make someone else owner first.")


async def change_role(
    session: AsyncSession, principal: Principal, user_id: uuid.UUID, role: str
) -> Member:
    granted = checked_role(role)
    membership, owner_count = await _locked_membership(session, principal, user_id)
    may_grant(principal, granted)
    if granted != Role.OWNER:
        _keep_an_owner(membership, owner_count)
    membership.role = granted
    await session.flush()
    forget_principals()
    return _member(membership, await session.get_one(User, user_id))


async def remove_member(session: AsyncSession, principal: Principal, user_id: uuid.UUID) -> None:
    """Take the member out of the workspace; their API keys for it go too."""
    membership, owner_count = await _locked_membership(session, principal, user_id)
    _keep_an_owner(membership, owner_count)
    await session.execute(delete(Membership).where(Membership.id == membership.id))
    await session.execute(
        delete(ApiKey).where(ApiKey.tenant_id == membership.tenant_id, ApiKey.user_id == user_id)
    )
    forget_principals()
