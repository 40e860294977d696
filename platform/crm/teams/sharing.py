"""Who a record may be given to: its owner a member of the workspace, its team one of the
caller's. One check for every write of ``owner_id`` and ``team_id``, pages and API alike."""

from litestar import Request
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.crm.teams import service as teams
from atrium.platform.errors import Invalid
from atrium.platform.http.auth import (
    database,
)
from atrium.platform.tenancy.service import member_ids


async def checked_sharing(
    request: Request, principal: Principal, session: AsyncSession, values: dict
) -> dict:
    """A record's owner must be a member of the workspace; its team one of the caller's."""
    if values.get("owner_id") is not None:
        if values["owner_id"] not in await member_ids(database(request), principal.workspace.id):
            raise Invalid(
                "%(id)s is not a member of this workspace.",
                field="owner_id",
                id=str(values["owner_id"]),
            )
    if values.get("team_id") is not None:
        await teams.checked_team(session, principal, values["team_id"])
    return values
