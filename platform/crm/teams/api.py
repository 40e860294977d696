"""/api/v1/teams: list for every member; create, change and delete with members.manage."""

import uuid
from datetime import datetime

import msgspec
from litestar import Controller, Request, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.crm.teams import service as teams
from atrium.platform.crm.teams.models import Team
from atrium.platform.http.auth import database, requires
from atrium.platform.http.kit import DEPENDENCIES
from atrium.platform.tenancy.service import member_ids

UNSET = msgspec.UNSET


class TeamIn(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    member_ids: list[uuid.UUID] = []


class TeamPatch(msgspec.Struct, forbid_unknown_fields=True):
    name: str | msgspec.UnsetType = UNSET
    member_ids: list[uuid.UUID] | msgspec.UnsetType = UNSET


class TeamOut(msgspec.Struct):
    id: uuid.UUID
    name: str
    member_ids: list[uuid.UUID]
    created_at: datetime


class TeamList(msgspec.Struct):
    items: list[TeamOut]
    next_cursor: str | None = None  # a workspace has a handful of teams: one page


async def _out(session: AsyncSession, team_list: list[Team]) -> list[TeamOut]:
    members = await teams.members_of(session, [team.id for team in team_list])
    return [TeamOut(t.id, t.name, members[t.id], t.created_at) for t in team_list]


class TeamController(Controller):
    path = "/teams"
    tags = ["Teams"]
    dependencies = DEPENDENCIES

    @get("/", guards=[requires("members.read")])
    async def list_teams(self, session: NamedDependency[AsyncSession]) -> TeamList:
        return TeamList(items=await _out(session, await teams.list_teams(session)))

    @post("/", guards=[requires("members.manage")])
    async def create_team(
        self,
        request: Request,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        data: JSONBody[TeamIn],
    ) -> TeamOut:
        members = await member_ids(database(request), principal.workspace.id)
        team = await teams.create_team(session, principal, data.name, data.member_ids, members)
        return (await _out(session, [team]))[0]

    @get("/{team_id:uuid}", guards=[requires("members.read")])
    async def show_team(
        self, session: NamedDependency[AsyncSession], team_id: FromPath[uuid.UUID]
    ) -> TeamOut:
        return (await _out(session, [await teams.get_team(session, team_id)]))[0]

    @patch("/{team_id:uuid}", guards=[requires("members.manage")])
    async def change_team(
        self,
        request: Request,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        team_id: FromPath[uuid.UUID],
        data: JSONBody[TeamPatch],
    ) -> TeamOut:
        members = await member_ids(database(request), principal.workspace.id)
        team = await teams.update_team(
            session,
            principal,
            team_id,
            None if data.name is UNSET else data.name,
            None if data.member_ids is UNSET else data.member_ids,
            members,
        )
        return (await _out(session, [team]))[0]

    @delete("/{team_id:uuid}", status_code=204, guards=[requires("members.manage")])
    async def delete_team(
        self,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        team_id: FromPath[uuid.UUID],
    ) -> None:
        await teams.delete_team(session, principal, team_id)


routes = [TeamController]
