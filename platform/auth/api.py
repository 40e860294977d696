"""GET /api/v1/me and the caller's API keys."""

import uuid
from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, delete, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth import service
from atrium.platform.auth.models import ApiKey
from atrium.platform.auth.principal import Principal
from atrium.platform.http.auth import provide_principal, provide_shared_session, requires
from atrium.platform.instants import Checked


class WorkspaceOut(msgspec.Struct):
    id: uuid.UUID
    slug: str
    name: str
    vertical: str | None
    locale: str


class MeOut(msgspec.Struct):
    id: uuid.UUID
    email: str
    name: str
    role: str
    permissions: list[str]
    workspace: WorkspaceOut
    authenticated_by: str


class ApiKeyOut(msgspec.Struct):
    id: uuid.UUID
    name: str
    prefix: str
    user_id: uuid.UUID
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


class ApiKeyCreated(ApiKeyOut):
    key: str  # the only time the key is shown


class ApiKeyIn(Checked, forbid_unknown_fields=True):
    name: str
    # With its offset (2030-01-01T00:00:00Z): a bare local time names no instant.
    expires_at: Annotated[datetime, msgspec.Meta(tz=True)] | None = None


class ApiKeyList(msgspec.Struct):
    items: list[ApiKeyOut]
    next_cursor: str | None = None


def _key_out(key: ApiKey) -> dict:
    return {
        "id": key.id,
        "name": key.name,
        "prefix": key.prefix,
        "user_id": key.user_id,
        "created_at": key.created_at,
        "expires_at": key.expires_at,
        "revoked_at": key.revoked_at,
        "last_used_at": key.last_used_at,
    }


@get("/me", dependencies={"principal": Provide(provide_principal)})
async def me(principal: NamedDependency[Principal]) -> MeOut:
    workspace = principal.workspace
    return MeOut(
        id=principal.user_id,
        email=principal.email,
        name=principal.name,
        role=principal.role.value,
        permissions=sorted(principal.permissions),
        workspace=WorkspaceOut(
            id=workspace.id,
            slug=workspace.slug,
            name=workspace.name,
            vertical=workspace.vertical,
            locale=workspace.locale,
        ),
        authenticated_by=principal.via,
    )


class ApiKeyController(Controller):
    path = "/api-keys"
    tags = ["API keys"]
    guards = [requires("api_keys.manage_own")]
    dependencies = {
        "principal": Provide(provide_principal),
        "session": Provide(provide_shared_session),
    }

    @get("/", summary="Your API keys in this workspace (everyone's with api_keys.manage_all)")
    async def list_keys(
        self,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        cursor: FromQuery[str | None] = None,
        limit: FromQuery[int] = 50,
    ) -> ApiKeyList:
        everyone = principal.can("api_keys.manage_all")
        page = await service.list_api_keys(
            session, principal, everyone=everyone, cursor=cursor, limit=limit
        )
        return ApiKeyList(
            items=[ApiKeyOut(**_key_out(key)) for key in page.items], next_cursor=page.next_cursor
        )

    @post("/", status_code=201, summary="Create an API key; the key is shown only in this answer")
    async def create_key(
        self,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        data: JSONBody[ApiKeyIn],
    ) -> ApiKeyCreated:
        issued = await service.issue_api_key(
            session,
            tenant_id=principal.workspace.id,
            user_id=principal.user_id,
            name=data.name,
            expires_at=data.expires_at,
        )
        return ApiKeyCreated(**_key_out(issued.key), key=issued.plaintext)

    @delete("/{key_id:uuid}", status_code=204, summary="Revoke an API key")
    async def revoke_key(
        self,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        key_id: FromPath[uuid.UUID],
    ) -> None:
        await service.revoke_api_key(session, principal, key_id)


routes = [me, ApiKeyController]
