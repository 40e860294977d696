"""GET and PATCH /api/v1/workspace: the settings kept in the workspace's own schema."""

from datetime import time
from typing import Annotated

import msgspec
from litestar import Controller, Request, get, patch
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.auth.service import forget_principals
from atrium.platform.http.auth import (
    database,
    provide_principal,
    provide_tenant_session,
    requires,
)
from atrium.platform.tenancy.models import Tenant, WorkspaceSettings
from atrium.platform.tenancy.service import (
    BIRTHDAY_CHANNELS,
    BIRTHDAY_HOURS,
    UNCHANGED,
    Unchanged,
    change_workspace_settings,
    share_workspace_locale,
    switch_vertical,
)

HourMinute = Annotated[str, msgspec.Meta(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]


class QuietHours(msgspec.Struct, forbid_unknown_fields=True):
    """Local times ("21:00" to "09:00"); automated messages wait until the end."""

    start: HourMinute
    end: HourMinute


class BirthdayGreetings(msgspec.Struct, forbid_unknown_fields=True):
    """Greet customers who agreed to marketing on their birthday, from ``hour`` (local), by
    the first of ``channels`` (telegram, email, sms) each can be reached on."""

    enabled: bool
    hour: Annotated[int, msgspec.Meta(ge=BIRTHDAY_HOURS.start, le=BIRTHDAY_HOURS.stop - 1)] = 10
    channels: list[str] = msgspec.field(default_factory=lambda: list(BIRTHDAY_CHANNELS))


class WorkspaceSettingsOut(msgspec.Struct):
    name: str
    locale: str
    timezone: str
    currency: str
    country: str
    vertical: str
    quiet_hours: QuietHours | None
    birthday_greetings: BirthdayGreetings


class WorkspaceSettingsPatch(msgspec.Struct, forbid_unknown_fields=True):
    vertical: str | None = None  # the trade's pack to use; the plan must include it
    locale: str | None = None
    timezone: str | None = None
    currency: str | None = None
    country: str | None = None
    quiet_hours: QuietHours | None | msgspec.UnsetType = msgspec.UNSET  # null: none
    birthday_greetings: BirthdayGreetings | None = None


def _out(settings: WorkspaceSettings) -> WorkspaceSettingsOut:
    return WorkspaceSettingsOut(
        name=settings.name,
        locale=settings.locale,
        timezone=settings.timezone,
        currency=settings.currency,
        country=settings.country,
        vertical=settings.vertical,
        quiet_hours=QuietHours(
            settings.quiet_from.strftime("%H:%M"), settings.quiet_to.strftime("%H:%M")
        )
        if settings.quiet_from and settings.quiet_to
        else None,
        birthday_greetings=BirthdayGreetings(
            settings.birthday_greetings, settings.birthday_hour, list(settings.birthday_channels)
        ),
    )


def _quiet_hours(
    quiet: QuietHours | None | msgspec.UnsetType,
) -> tuple[time, time] | None | Unchanged:
    if quiet is msgspec.UNSET:
        return UNCHANGED
    return (time.fromisoformat(quiet.start), time.fromisoformat(quiet.end)) if quiet else None


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
        request: Request,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        data: JSONBody[WorkspaceSettingsPatch],
    ) -> WorkspaceSettingsOut:
        if data.vertical is not None and await switch_vertical(session, principal, data.vertical):
            async with database(request).shared_transaction() as shared:
                tenant = await shared.get_one(Tenant, principal.workspace.id)
                tenant.vertical = data.vertical
            forget_principals()
        greetings = data.birthday_greetings
        settings = await change_workspace_settings(
            session,
            principal,
            locale=data.locale,
            timezone=data.timezone,
            currency=data.currency,
            country=data.country,
            quiet_hours=_quiet_hours(data.quiet_hours),
            birthday_greetings=greetings.enabled if greetings else None,
            birthday_hour=greetings.hour if greetings else None,
            birthday_channels=greetings.channels if greetings else None,
        )
        await share_workspace_locale(database(request), principal, data.locale)
        return _out(settings)


routes = [WorkspaceController]
