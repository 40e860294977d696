"""API keys and the principal behind a credential. Services take a session and never commit."""

import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.models import ApiKey, Membership, User
from atrium.platform.auth.principal import Principal, Workspace
from atrium.platform.auth.tokens import new_token, same_hash, token_hash
from atrium.platform.db.types import utcnow
from atrium.platform.errors import Invalid, NotFound
from atrium.platform.http.pagination import Page, paginate
from atrium.platform.tenancy.entitlements import Entitlements
from atrium.platform.tenancy.models import Tenant, TenantStatus

API_KEY_PREFIX = "atr"


@dataclass(frozen=True)
class IssuedApiKey:
    key: ApiKey
    plaintext: str  # shown once, never stored


def _split_api_key(plaintext: str) -> tuple[str, str] | None:
    parts = plaintext.split("_", 2)
    if len(parts) != 3 or parts[0] != API_KEY_PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


async def issue_api_key(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    user_id: uuid.UUID,
    name: str,
    expires_at: datetime | None = None,
) -> IssuedApiKey:
    name = " ".join(name.split())
    if not name or len(name) > 100:
        raise Invalid("An API key needs a name of 1 to 100 characters.", field="name")
    if expires_at is not None and expires_at <= utcnow():
        raise Invalid("The expiry must be in the future.", field="expires_at")
    prefix = new_token(6).replace("_", "x").replace("-", "x")
    secret = new_token(32)
    key = ApiKey(
        tenant_id=tenant_id,
        user_id=user_id,
        name=name,
        prefix=prefix,
        secret_hash=token_hash(secret),
        expires_at=expires_at,
    )
    session.add(key)
    await session.flush()
    return IssuedApiKey(key=key, plaintext=f"{API_KEY_PREFIX}_{prefix}_{secret}")


# "Last used" is kept to the minute: a write on every request would serialise all requests of a
# busy key on its row and make every read a committed write.
LAST_USED_PRECISION = timedelta(minutes=1)


# Keys resolved in the last few seconds, by the hash of the whole key: the lookup would be
# every API request's first query. A revocation, role change or removal in this process forgets
# them at once; other processes (and the CLI) take effect within PRINCIPAL_TTL.
PRINCIPAL_TTL = 5.0
_MAX_REMEMBERED = 10_000
_remembered: dict[str, tuple[float, Principal]] = {}


def remembered_principal(plaintext: str) -> Principal | None:
    found = _remembered.get(token_hash(plaintext))
    if found is None or found[0] < time.monotonic():
        return None
    return found[1]


def remember_principal(plaintext: str, principal: Principal) -> None:
    if len(_remembered) >= _MAX_REMEMBERED:
        _remembered.clear()
    _remembered[token_hash(plaintext)] = (time.monotonic() + PRINCIPAL_TTL, principal)


def forget_principals() -> None:
    """After a change to keys, members or users: the next request looks its key up again."""
    _remembered.clear()


async def principal_from_api_key(session: AsyncSession, plaintext: str) -> Principal | None:
    """The principal a bearer key stands for, or None when the key is unknown or unusable."""
    parts = _split_api_key(plaintext)
    if parts is None:
        return None
    prefix, secret = parts
    row = (
        await session.execute(
            select(ApiKey, User, Tenant, Membership)
            .join(User, User.id == ApiKey.user_id)
            .join(Tenant, Tenant.id == ApiKey.tenant_id)
            .join(
                Membership,
                (Membership.user_id == ApiKey.user_id) & (Membership.tenant_id == ApiKey.tenant_id),
            )
            .where(ApiKey.prefix == prefix)
        )
    ).one_or_none()
    if row is None:
        return None
    key, user, tenant, membership = row
    now = utcnow()
    if (
        not same_hash(key.secret_hash, token_hash(secret))
        or key.revoked_at is not None
        or (key.expires_at is not None and key.expires_at <= now)
        or not user.is_active
        or tenant.status != TenantStatus.READY
    ):
        return None
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_PRECISION:
        await session.execute(update(ApiKey).where(ApiKey.id == key.id).values(last_used_at=now))
    return member_principal(user, tenant, membership, via="api_key", api_key_id=key.id)


def member_principal(
    user: User,
    tenant: Tenant,
    membership: Membership,
    *,
    via: str,
    api_key_id: uuid.UUID | None = None,
) -> Principal:
    return Principal(
        user_id=user.id,
        email=user.email,
        name=user.name,
        workspace=workspace_of(tenant),
        role=membership.role,
        via=via,
        api_key_id=api_key_id,
    )


def workspace_of(tenant: Tenant) -> Workspace:
    return Workspace(
        id=tenant.id,
        slug=tenant.slug,
        name=tenant.name,
        schema=tenant.schema,
        locale=tenant.locale,
        vertical=tenant.vertical,
        entitlements=Entitlements.from_json(tenant.entitlements),
        read_only=tenant.read_only_since is not None,
    )


async def principal_for_member(
    session: AsyncSession, user: User, slug: str, via: str = "session"
) -> Principal | None:
    """The signed-in user acting in the workspace ``slug``, if they are a member of it."""
    row = (
        await session.execute(
            select(Tenant, Membership)
            .join(Membership, Membership.tenant_id == Tenant.id)
            .where(
                Tenant.slug == slug,
                Tenant.status == TenantStatus.READY,
                Membership.user_id == user.id,
            )
        )
    ).one_or_none()
    if row is None:
        return None
    tenant, membership = row
    return member_principal(user, tenant, membership, via=via)


async def list_api_keys(
    session: AsyncSession,
    principal: Principal,
    *,
    everyone: bool = False,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[ApiKey]:
    """Newest first: the principal's keys, or everyone's in the workspace."""
    query = select(ApiKey).where(ApiKey.tenant_id == principal.workspace.id)
    if not everyone:
        query = query.where(ApiKey.user_id == principal.user_id)
    return await paginate(
        session,
        query,
        sort=[ApiKey.created_at, ApiKey.id],
        key=lambda key: [key.created_at.isoformat(), key.id],
        parse=[datetime.fromisoformat, uuid.UUID],
        cursor=cursor,
        limit=limit,
        descending=True,
    )


async def revoke_api_key(session: AsyncSession, principal: Principal, key_id: uuid.UUID) -> ApiKey:
    """Revoke one of the principal's keys (or anyone's, for an admin) in this workspace."""
    key = await session.get(ApiKey, key_id, with_for_update=True)
    mine = key is not None and key.user_id == principal.user_id
    if (
        key is None
        or key.tenant_id != principal.workspace.id
        or not (mine or principal.can("api_keys.manage_all"))
    ):
        raise NotFound("No such API key.")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
    forget_principals()
    return key
