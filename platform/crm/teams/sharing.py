"""Who a record may be given to: its owner a member of the workspace, its team one of the
caller's. The services of contacts, companies and deals run every write of ``owner_id`` and
``team_id`` through ``checked_sharing``, whichever page, API or job asks.

The members live in the shared registry, which a tenant session may not read: the caller reads
them once (``members_for``) and hands them over. Given none, a record may be given only to the
caller, so a path that forgets them refuses rather than lets a stranger in."""

import uuid
from collections.abc import Collection, Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.crm.teams import service as teams
from atrium.platform.db import Database
from atrium.platform.errors import Invalid
from atrium.platform.tenancy.service import member_ids


async def checked_sharing(
    session: AsyncSession,
    principal: Principal,
    data: Mapping[str, Any],
    members: Collection[uuid.UUID],
) -> dict[str, Any]:
    """The ``owner_id`` and ``team_id`` a write gives (None as owner: not given), checked."""
    values: dict[str, Any] = {}
    owner = data.get("owner_id")
    if owner is not None:
        if owner != principal.user_id and owner not in members:
            raise Invalid(
                "%(id)s is not a member of this workspace.", field="owner_id", id=str(owner)
            )
        values["owner_id"] = owner
    if "team_id" in data:
        if data["team_id"] is not None:
            await teams.checked_team(session, principal, data["team_id"])
        values["team_id"] = data["team_id"]
    return values


async def members_for(db: Database, principal: Principal, owner_id: object) -> frozenset[uuid.UUID]:
    """The workspace's members for ``checked_sharing``: read from the registry only when the
    write names an owner other than the caller, the one case that needs them."""
    if not isinstance(owner_id, uuid.UUID) or owner_id == principal.user_id:
        return frozenset()
    return frozenset(await member_ids(db, principal.workspace.id))
