"""Invitations and members of the caller's workspace."""

import uuid
from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, Request, delete, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth import invitations, members
from atrium.platform.auth.models import OneTimeToken
from atrium.platform.auth.principal import Principal
from atrium.platform.auth.sessions import check_csrf, user_from_session
from atrium.platform.auth.throttle import password_attempts
from atrium.platform.http.auth import provide_principal, provide_shared_session, requires

Password = Annotated[str, msgspec.Meta(max_length=1024)]
DEPENDENCIES = {
    "principal": Provide(provide_principal),
    "session": Provide(provide_shared_session),
}


class InvitationIn(msgspec.Struct, forbid_unknown_fields=True):
    email: Annotated[str, msgspec.Meta(max_length=320)]
    role: str


class InvitationOut(msgspec.Struct):
    id: uuid.UUID
    email: str
    role: str
    invited_by_id: uuid.UUID | None
    created_at: datetime
    expires_at: datetime


class InvitationList(msgspec.Struct):
    items: list[InvitationOut]
    next_cursor: str | None = None


class AcceptIn(msgspec.Struct, forbid_unknown_fields=True):
    token: Annotated[str, msgspec.Meta(max_length=200)]
    password: Password | None = None
    name: Annotated[str, msgspec.Meta(max_length=200)] | None = None


class JoinedOut(msgspec.Struct):
    slug: str  # the workspace joined: pages under /w/{slug}/, X-Workspace for the API
    name: str
    role: str
    user_id: uuid.UUID


class MemberOut(msgspec.Struct):
    user_id: uuid.UUID
    email: str
    name: str
    role: str
    joined_at: datetime


class MemberList(msgspec.Struct):
    items: list[MemberOut]
    next_cursor: str | None = None


class RoleIn(msgspec.Struct, forbid_unknown_fields=True):
    role: str


def _invitation_out(row: OneTimeToken) -> InvitationOut:
    return InvitationOut(
        id=row.id,
        email=row.email,
        role=row.role.value if row.role else "",
        invited_by_id=row.invited_by_id,
        created_at=row.created_at,
        expires_at=row.expires_at,
    )


def _member_out(member: members.Member) -> MemberOut:
    return MemberOut(
        user_id=member.user_id,
        email=member.email,
        name=member.name,
        role=member.role.value,
        joined_at=member.joined_at,
    )


class InvitationController(Controller):
    path = "/invitations"
    tags = ["Members"]
    guards = [requires("members.invite")]
    dependencies = DEPENDENCIES

    @post("/", status_code=201, summary="Invite someone by e-mail; the link is e-mailed to them")
    async def invite(
        self,
        request: Request,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        data: JSONBody[InvitationIn],
    ) -> InvitationOut:
        row = await invitations.invite(
            session,
            principal,
            email=data.email,
            role=data.role,
            base_url=request.app.state.settings.base_url,
        )
        return _invitation_out(row)

    @get("/", summary="Pending invitations of this workspace, newest first")
    async def list_invitations(
        self,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        cursor: FromQuery[str | None] = None,
        limit: FromQuery[int] = 50,
    ) -> InvitationList:
        page = await invitations.pending_invitations(session, principal, cursor=cursor, limit=limit)
        return InvitationList(
            items=[_invitation_out(row) for row in page.items], next_cursor=page.next_cursor
        )

    @delete("/{invitation_id:uuid}", status_code=204, summary="Withdraw an invitation")
    async def revoke(
        self,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        invitation_id: FromPath[uuid.UUID],
    ) -> None:
        await invitations.revoke_invitation(session, principal, invitation_id)


@post(
    "/invitations/accept",
    status_code=200,
    tags=["Members"],
    dependencies={"session": Provide(provide_shared_session)},
    summary="Join a workspace with an e-mailed invitation token",
)
async def accept_invitation(
    request: Request, session: NamedDependency[AsyncSession], data: JSONBody[AcceptIn]
) -> JoinedOut:
    signed_in = None
    if (found := await user_from_session(request)) is not None:
        await check_csrf(request, found[1])
        signed_in = found[0]
    joined = await invitations.accept_invitation(
        session,
        password_attempts(request),
        token=data.token,
        password=data.password,
        name=data.name,
        signed_in=signed_in,
    )
    return JoinedOut(
        slug=joined.tenant.slug or "",
        name=joined.tenant.name,
        role=joined.role.value,
        user_id=joined.user.id,
    )


class MemberController(Controller):
    path = "/members"
    tags = ["Members"]
    dependencies = DEPENDENCIES

    @get("/", guards=[requires("members.read")], summary="Members of this workspace")
    async def list_members(
        self,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        cursor: FromQuery[str | None] = None,
        limit: FromQuery[int] = 50,
    ) -> MemberList:
        page = await members.list_members(session, principal, cursor=cursor, limit=limit)
        return MemberList(
            items=[_member_out(member) for member in page.items], next_cursor=page.next_cursor
        )

    @patch("/{user_id:uuid}", guards=[requires("members.manage")], summary="Change a role")
    async def change_role(
        self,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        user_id: FromPath[uuid.UUID],
        data: JSONBody[RoleIn],
    ) -> MemberOut:
        return _member_out(await members.change_role(session, principal, user_id, data.role))

    @delete("/{user_id:uuid}", status_code=204, guards=[requires("members.manage")])
    async def remove(
        self,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        user_id: FromPath[uuid.UUID],
    ) -> None:
        await members.remove_member(session, principal, user_id)


routes = [InvitationController, accept_invitation, MemberController]
