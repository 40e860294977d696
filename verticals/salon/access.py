"""Who may use the salon: the workspace's plan must include the pack, and the member the right."""

from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler

from atrium.platform.auth.principal import Principal
from atrium.platform.http.auth import current_principal
from atrium.platform.tenancy.entitlements import require_pack

PACK_KEY = "salon"


def require_salon(principal: Principal, permission: str) -> None:
    """402 when the plan lacks the pack, 403 when the role lacks ``permission``."""
    require_pack(principal.workspace.entitlements, PACK_KEY)
    principal.require(permission)


def salon_requires(permission: str):
    """A route guard: ``require_salon`` for the caller."""

    async def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        require_salon(await current_principal(connection), permission)

    return guard
