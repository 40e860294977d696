"""POST /api/v1/signup."""

import uuid

import msgspec
from litestar import Request, post
from litestar.params import JSONBody

from atrium.platform.http.auth import database
from atrium.tenants.service import sign_up
from atrium.tenants.signup import checked_signup


class SignupIn(msgspec.Struct, forbid_unknown_fields=True):
    company: str
    email: str
    password: str
    vertical: str
    locale: str = "en"
    name: str = ""
    timezone: str | None = None
    currency: str | None = None
    country: str | None = None


class TenantOut(msgspec.Struct):
    id: uuid.UUID
    slug: str


class UserOut(msgspec.Struct):
    id: uuid.UUID
    email: str


class SignupOut(msgspec.Struct):
    tenant: TenantOut
    user: UserOut
    api_key: str  # shown once


@post("/signup", status_code=201, summary="Create a workspace and its owner")
async def signup(request: Request, data: JSONBody[SignupIn]) -> SignupOut:
    checked = checked_signup(**msgspec.structs.asdict(data))
    workspace = await sign_up(database(request), checked)
    return SignupOut(
        tenant=TenantOut(id=workspace.tenant_id, slug=workspace.slug),
        user=UserOut(id=workspace.user_id, email=workspace.email),
        api_key=workspace.api_key,
    )


routes = [signup]
