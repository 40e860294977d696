"""GET and PATCH /api/v1/workspace: the settings kept in the workspace's own schema."""

import re
import zoneinfo
from datetime import time
from typing import Annotated

import msgspec
from litestar import Controller, get, patch
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.errors import Invalid
from atrium.platform.http.auth import provide_principal, provide_tenant_session, requires
from atrium.platform.notify.birthdays import CHANNELS as BIRTHDAY_CHANNELS
from atrium.platform.tenancy.models import WorkspaceSettings
from atrium.platform.tenancy.service import forget_workspace_country

HourMinute = Annotated[str, msgspec.Meta(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]


class QuietHours(msgspec.Struct, forbid_unknown_fields=True):
    """Local times ("21:00" to "09:00"); automated messages wait until the end."""

    start: HourMinute
    end: HourMinute


class BirthdayGreetings(msgspec.Struct, forbid_unknown_fields=True):
    """Greet customers who agreed to marketing on their birthday, from ``hour`` (local), by
    the first of ``channels`` (telegram, email, sms) each can be reached on."""

    enabled: bool
    hour: Annotated[int, msgspec.Meta(ge=0, le=23)] = 10
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
        if data.quiet_hours is not msgspec.UNSET:
            quiet = data.quiet_hours
            if quiet is not None and quiet.start == quiet.end:
                raise Invalid(
                    "Quiet hours need an end apart from their start.", field="quiet_hours"
                )
            settings.quiet_from = time.fromisoformat(quiet.start) if quiet else None
            settings.quiet_to = time.fromisoformat(quiet.end) if quiet else None
        if (greetings := data.birthday_greetings) is not None:
            unknown = set(greetings.channels) - set(BIRTHDAY_CHANNELS)
            if (
                unknown
                or not greetings.channels
                or len(set(greetings.channels)) < len(greetings.channels)
            ):
                raise Invalid(
                    "Channels are some of telegram, email and sms, each once.",
                    field="birthday_greetings.channels",
                )
            settings.birthday_greetings = greetings.enabled
            settings.birthday_hour = greetings.hour
            settings.birthday_channels = greetings.channels
        forget_workspace_country(principal.workspace.schema)
        return _out(settings)


routes = [WorkspaceController]
