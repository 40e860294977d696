"""GET and PATCH /api/v1/workspace: the settings kept in the workspace's own schema."""

import re
import zoneinfo

import msgspec
from litestar import Controller, get, patch
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.errors import Invalid
from atrium.platform.http.auth import provide_principal, provide_tenant_session, requires
from atrium.platform.tenancy.models import WorkspaceSettings
from atrium.platform.tenancy.service import forget_workspace_country


class WorkspaceSettingsOut(msgspec.Struct):
    name: str
    locale: str
    timezone: str
    currency: str
    country: str
    vertical: str


class WorkspaceSettingsPatch(msgspec.Struct, forbid_unknown_fields=True):
    locale: str | None = None
    timezone: str | None = None
    currency: str | None = None
    country: str | None = None


def _out(settings: WorkspaceSettings) -> WorkspaceSettingsOut:
    return WorkspaceSettingsOut(
        name=settings.name,
        locale=settings.locale,
        timezone=settings.timezone,
        currency=settings.currency,
        country=settings.country,
        vertical=settings.vertical,
    )


class WorkspaceController(Controller):
    path = "/workspace"
    tags = ["Workspace"]
    dependencies = {
        "principal": Provide(provide_principal),
        "session": Provide(provide_tenant_session),
    }

    @get("/", guards=[requires("workspace.read")])
    async def show(self, session: NamedDependency[AsyncSession]) -> WorkspaceSettingsOut:
        return _out(await session.get_one(WorkspaceSettings, 1))

    @patch("/", guards=[requires("workspace.update")])
    async def change(
        self,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        data: JSONBody[WorkspaceSettingsPatch],
    ) -> WorkspaceSettingsOut:
        settings = await session.get_one(WorkspaceSettings, 1, with_for_update=True)
        if data.locale is not None and data.locale not in ("en", "ru"):
            raise Invalid("Unknown locale; choose en or ru.", field="locale")
        if data.timezone is not None and data.timezone not in zoneinfo.available_timezones():
            raise Invalid(f"Unknown time zone {data.timezone!r}.", field="timezone")
        if data.currency is not None and not re.fullmatch(r"[A-Z]{3}", data.currency):
            raise Invalid("Currency must be an ISO 4217 code such as RUB.", field="currency")
        if data.country is not None and not re.fullmatch(r"[A-Z]{2}", data.country):
            raise Invalid("Country must be an ISO 3166 code such as RU.", field="country")
        for field in ("locale", "timezone", "currency", "country"):
            if (value := getattr(data, field)) is not None:
                setattr(settings, field, value)
        forget_workspace_country(principal.workspace.schema)
        return _out(settings)


routes = [WorkspaceController]
