"""Reading a workspace's own settings and headcount."""

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.models import Membership
from atrium.platform.db import Database
from atrium.platform.tenancy.models import WorkspaceSettings


async def workspace_settings(session: AsyncSession) -> WorkspaceSettings:
    """The settings row of the workspace the tenant session is bound to."""
    return await session.get_one(WorkspaceSettings, 1)


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
