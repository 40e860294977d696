"""Teams: who shares records with whom, and whose records a manager sees (repo.visibility)."""

import uuid
from collections.abc import Collection

from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.crm.audit.service import audit_event
from atrium.platform.crm.teams.models import Team, TeamMember
from atrium.platform.db.names import by_name
from atrium.platform.errors import Conflict, Invalid, NotFound


def _name(raw: str) -> str:
    name = " ".join(raw.split())
    if not name or len(name) > 100:
        raise Invalid("A team needs a name of 1 to 100 characters.", field="name")
    return name


def _members(user_ids: list[uuid.UUID], workspace_members: Collection[uuid.UUID]) -> list:
    for index, user_id in enumerate(user_ids):
        if user_id not in workspace_members:
            raise Invalid(
                "%(id)s is not a member of this workspace.",
                field=f"member_ids[{index}]",
                id=str(user_id),
            )
    return list(dict.fromkeys(user_ids))


async def _refuse_taken_name(session: AsyncSession, name: str, exclude=None) -> None:
    query = select(Team.id).where(func.lower(Team.name) == name.lower())
    if exclude is not None:
        query = query.where(Team.id != exclude)
    if await session.scalar(query) is not None:
        raise Conflict("There is already a team named %(name)s.", field="name", name=name)


async def members_of(session: AsyncSession, team_ids: list[uuid.UUID]) -> dict:
    rows = await session.execute(
        select(TeamMember.team_id, TeamMember.user_id)
        .where(TeamMember.team_id.in_(team_ids))
        .order_by(TeamMember.user_id)
    )
    found: dict = {team_id: [] for team_id in team_ids}
    for team_id, user_id in rows:
        found[team_id].append(user_id)
    return found


async def _replace_members(session: AsyncSession, team_id: uuid.UUID, user_ids: list) -> None:
    await session.execute(delete(TeamMember).where(TeamMember.team_id == team_id))
    if user_ids:
        await session.execute(
            insert(TeamMember), [{"team_id": team_id, "user_id": u} for u in user_ids]
        )


async def list_teams(session: AsyncSession) -> list[Team]:
    return list(await session.scalars(select(Team).order_by(*by_name(Team.name))))


async def get_team(session: AsyncSession, team_id: uuid.UUID, *, lock: bool = False) -> Team:
    query = select(Team).where(Team.id == team_id)
    team = await session.scalar(query.with_for_update() if lock else query)
    if team is None:
        raise NotFound("No such team.")
    return team


async def create_team(
    session: AsyncSession,
    principal: Principal,
    name: str,
    user_ids: list[uuid.UUID],
    workspace_members: Collection[uuid.UUID],
) -> Team:
    name = _name(name)
    user_ids = _members(user_ids, workspace_members)
    await _refuse_taken_name(session, name)
    team = Team(name=name)
    session.add(team)
    await session.flush()
    await _replace_members(session, team.id, user_ids)
    audit_event(session, "team", team.id, "created", principal)
    return team


async def update_team(
    session: AsyncSession,
    principal: Principal,
    team_id: uuid.UUID,
    name: str | None,
    user_ids: list[uuid.UUID] | None,
    workspace_members: Collection[uuid.UUID],
) -> Team:
    team = await get_team(session, team_id, lock=True)
    if name is not None:
        name = _name(name)
        await _refuse_taken_name(session, name, exclude=team_id)
        team.name = name
    if user_ids is not None:
        await _replace_members(session, team_id, _members(user_ids, workspace_members))
    audit_event(session, "team", team_id, "updated", principal)
    return team


async def delete_team(session: AsyncSession, principal: Principal, team_id: uuid.UUID) -> None:
    team = await get_team(session, team_id, lock=True)
    audit_event(session, "team", team_id, "deleted", principal, old=team.name)
    await session.delete(team)  # records shared with it become unshared (SET NULL)


async def checked_team(
    session: AsyncSession, principal: Principal, team_id: uuid.UUID, field: str = "team_id"
) -> uuid.UUID:
    """A team a record may be shared with: one of the principal's, or any for crm.all_records."""
    query = select(Team.id).where(Team.id == team_id)
    if not principal.can("crm.all_records"):
        query = query.where(
            Team.id.in_(select(TeamMember.team_id).where(TeamMember.user_id == principal.user_id))
        )
    if await session.scalar(query) is None:
        raise Invalid("You are in no team %(id)s.", field=field, id=str(team_id))
    return team_id
