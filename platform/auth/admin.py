"""Operator actions on user accounts (the `atrium users` command)."""

from dataclasses import dataclass

from sqlalchemy import delete, select

from atrium.platform.auth.models import Membership, User, WebSession
from atrium.platform.auth.passwords import check_password, hash_password
from atrium.platform.auth.service import forget_principals
from atrium.platform.db import Database
from atrium.platform.db.types import utcnow
from atrium.platform.errors import NotFound
from atrium.platform.tenancy.models import Tenant


@dataclass(frozen=True)
class UserRow:
    email: str
    name: str
    active: bool
    workspaces: list[str]  # "slug (role)"


async def list_users(db: Database) -> list[UserRow]:
    async with db.shared_transaction() as session:
        users = list(await session.scalars(select(User).order_by(User.email)))
        memberships = (
            await session.execute(
                select(Membership.user_id, Tenant.slug, Membership.role).join(
                    Tenant, Tenant.id == Membership.tenant_id
                )
            )
        ).all()
    places: dict = {}
    for user_id, slug, role in memberships:
        places.setdefault(user_id, []).append(f"{slug} ({role.value})")
    return [
        UserRow(user.email, user.name, user.is_active, sorted(places.get(user.id, [])))
        for user in users
        if user.provisioning_tenant_id is None
    ]


async def _user(session, email: str) -> User:
    user = await session.scalar(
        select(User).where(User.email == email.strip().lower()).with_for_update()
    )
    if user is None:
        raise NotFound("No user with the e-mail '%(email)s'.", email=email)
    return user


async def set_password(db: Database, email: str, password: str) -> None:
    """Set a new password and sign the user out everywhere."""
    check_password(password, email=email)
    password_hash = await hash_password(password)
    async with db.shared_transaction() as session:
        user = await _user(session, email)
        user.password_hash = password_hash
        user.password_changed_at = utcnow()
        await session.execute(delete(WebSession).where(WebSession.user_id == user.id))


async def set_active(db: Database, email: str, active: bool) -> None:
    """A deactivated user can neither sign in nor use API keys."""
    async with db.shared_transaction() as session:
        user = await _user(session, email)
        user.is_active = active
        forget_principals()
        if not active:
            await session.execute(delete(WebSession).where(WebSession.user_id == user.id))
