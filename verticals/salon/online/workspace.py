"""The workspace behind a public booking link (/book/<slug>): found in the registry by its
slug, open, on a plan with the salon pack; whom its online bookings act as (its owner); and a
client's own link to their visit there."""

from dataclasses import dataclass

from litestar import Request
from sqlalchemy import select

from atrium.platform.auth.models import Membership, Role, User
from atrium.platform.auth.principal import Principal
from atrium.platform.auth.service import member_principal
from atrium.platform.db import Database, WorkspaceSchema
from atrium.platform.errors import Conflict, DomainError, NotFound
from atrium.platform.tenancy.entitlements import Entitlements, require_pack
from atrium.platform.tenancy.models import Tenant, TenantStatus
from atrium.verticals.salon.access import PACK_KEY


@dataclass(frozen=True)
class PublicWorkspace:
    tenant: Tenant
    slug: str
    name: str
    schema: WorkspaceSchema
    read_only: bool

    def require_open(self) -> None:
        """New bookings and changes wait while the workspace is read-only (unpaid)."""
        if self.read_only:
            raise Conflict("This salon does not take online bookings at the moment.")


async def public_workspace(db: Database, slug: str) -> PublicWorkspace:
    """404 for a slug that is unknown, not open, or whose plan lacks the salon pack: a
    visitor learns nothing about which."""
    async with db.shared_reads() as session:
        tenant = await session.scalar(
            select(Tenant).where(Tenant.slug == slug, Tenant.status == TenantStatus.READY)
        )
    if tenant is None:
        raise NotFound("There is no such salon.")
    try:
        require_pack(Entitlements.from_json(tenant.entitlements), PACK_KEY)
    except DomainError:
        raise NotFound("There is no such salon.") from None
    return PublicWorkspace(
        tenant=tenant,
        slug=tenant.slug,
        name=tenant.name,
        schema=tenant.schema,
        read_only=tenant.read_only_since is not None,
    )


async def acting_owner(db: Database, workspace: PublicWorkspace) -> Principal:
    """Online bookings act as the workspace's owner: new clients' cards are theirs."""
    async with db.shared_reads() as session:
        row = (
            await session.execute(
                select(User, Membership)
                .join(Membership, Membership.user_id == User.id)
                .where(
                    Membership.tenant_id == workspace.tenant.id,
                    Membership.role == Role.OWNER,
                )
                .order_by(Membership.created_at)
                .limit(1)
            )
        ).one_or_none()
    if row is None:
        raise Conflict("This salon does not take online bookings at the moment.")
    user, membership = row
    return member_principal(user, workspace.tenant, membership, via="session")


def manage_url(request: Request, slug: str, token: str) -> str:
    """The client's own link to their visit (sent when she booked)."""
    return f"{request.app.state.settings.base_url}/book/{slug}/visit/{token}"
