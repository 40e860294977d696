"""Reading a workspace's own settings and headcount."""

import time
import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.models import Membership
from atrium.platform.db import Database, WorkspaceSchema
from atrium.platform.tenancy.models import Tenant, TenantStatus, WorkspaceSettings


async def workspace_settings(session: AsyncSession) -> WorkspaceSettings:
    """The settings row of the workspace the tenant session is bound to."""
    return await session.get_one(WorkspaceSettings, 1)


# A workspace's country, for reading phone numbers typed without +: asked for by searches,
# which must cost one round trip. Changing it here forgets it; other processes follow within
# COUNTRY_TTL seconds.
COUNTRY_TTL = 60.0
_countries: dict[str, tuple[float, str]] = {}


async def workspace_country(db: Database, schema: WorkspaceSchema) -> str:
    found = _countries.get(schema.name)
    if found is not None and found[0] > time.monotonic():
        return found[1]
    [row] = await db.read_in_workspace(schema, select(WorkspaceSettings.country))
    _countries[schema.name] = (time.monotonic() + COUNTRY_TTL, row.country)
    return row.country


def forget_workspace_country(schema: WorkspaceSchema) -> None:
    _countries.pop(schema.name, None)


async def ready_workspace(db: Database, slug: str) -> WorkspaceSchema | None:
    """The schema of an open workspace by its slug (public links and webhooks name it)."""
    async with db.shared_transaction() as session:
        tenant = await session.scalar(
            select(Tenant).where(Tenant.slug == slug, Tenant.status == TenantStatus.READY)
        )
    return tenant.schema if tenant is not None else None


async def member_count(session: AsyncSession, tenant_id: uuid.UUID) -> int:
    return await session.scalar(
        select(func.count()).select_from(Membership).where(Membership.tenant_id == tenant_id)
    )


async def member_ids(db: Database, tenant_id: uuid.UUID) -> set[uuid.UUID]:
    """The users of a workspace (from the registry, in its own short transaction)."""
    async with db.shared_transaction() as session:
        rows = await session.scalars(
            select(Membership.user_id).where(Membership.tenant_id == tenant_id)
        )
        return set(rows)
