"""Operator actions on workspaces: list, suspend, resume, delete."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from atrium.platform.auth.models import Membership
from atrium.platform.auth.service import forget_principals
from atrium.platform.db import Database
from atrium.platform.db.types import utcnow
from atrium.platform.errors import Conflict, NotFound
from atrium.platform.tenancy.models import Tenant, TenantStatus
from atrium.tenants.provisioning import remove_workspace


@dataclass(frozen=True)
class WorkspaceRow:
    slug: str
    name: str
    status: str
    vertical: str | None
    schema: str
    members: int
    created_at: datetime


async def list_workspaces(db: Database, *, include_spares: bool = False) -> list[WorkspaceRow]:
    members = (
        select(func.count())
        .where(Membership.tenant_id == Tenant.id)
        .correlate(Tenant)
        .scalar_subquery()
    )
    query = select(Tenant, members).order_by(Tenant.created_at)
    if not include_spares:
        query = query.where(Tenant.status.in_([TenantStatus.READY, TenantStatus.SUSPENDED]))
    async with db.shared_transaction() as session:
        rows = (await session.execute(query)).all()
    return [
        WorkspaceRow(
            slug=tenant.slug or "—",
            name=tenant.name,
            status=tenant.status.value,
            vertical=tenant.vertical,
            schema=tenant.schema_name,
            members=count,
            created_at=tenant.created_at,
        )
        for tenant, count in rows
    ]


async def _by_slug(session, slug: str) -> Tenant:
    tenant = await session.scalar(select(Tenant).where(Tenant.slug == slug).with_for_update())
    if tenant is None:
        raise NotFound("No workspace with the slug '%(slug)s'.", slug=slug)
    return tenant


async def set_suspended(db: Database, slug: str, suspended: bool) -> None:
    """A suspended workspace keeps its data, but no key or sign-in reaches it."""
    async with db.shared_transaction() as session:
        tenant = await _by_slug(session, slug)
        wanted_from = TenantStatus.READY if suspended else TenantStatus.SUSPENDED
        if tenant.status != wanted_from:
            raise Conflict(
                "Workspace '%(slug)s' is %(status)s.", slug=slug, status=tenant.status.value
            )
        tenant.status = TenantStatus.SUSPENDED if suspended else TenantStatus.READY
        tenant.suspended_at = utcnow() if suspended else None
        tenant.status_changed_at = utcnow()
    forget_principals()


async def delete_workspace(db: Database, slug: str) -> None:
    """Drop the workspace's schema, role and registry rows; users stay (they are global)."""
    async with db.shared_transaction() as session:
        tenant_id = (await _by_slug(session, slug)).id
    await remove_workspace(db, tenant_id)
