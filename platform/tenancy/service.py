"""A workspace's own settings (reading and changing them) and its headcount."""

import enum
import re
import time
import uuid
import zoneinfo
from datetime import time as clock_time

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.models import Membership
from atrium.platform.auth.principal import Principal
from atrium.platform.auth.service import forget_principals
from atrium.platform.components import seed_trade_defaults
from atrium.platform.db import TENANT_SCHEMA, Database, WorkspaceSchema
from atrium.platform.errors import Invalid
from atrium.platform.packs import GENERAL, vertical_choices
from atrium.platform.tenancy.entitlements import Entitlements, require_pack
from atrium.platform.tenancy.models import Tenant, TenantStatus, WorkspaceSettings

WORKSPACE_LOCALES = ("en", "ru")
BIRTHDAY_CHANNELS = ("telegram", "email", "sms")  # tried in this order
BIRTHDAY_HOURS = range(24)  # the local hour greetings start; each edge parses into it


class Unchanged(enum.Enum):
    """A setting left as it is (quiet hours may be set to None: none at all)."""

    UNCHANGED = "unchanged"


UNCHANGED = Unchanged.UNCHANGED


async def workspace_settings(session: AsyncSession) -> WorkspaceSettings:
    """The settings row of the workspace the tenant session is bound to."""
    return await session.get_one(WorkspaceSettings, 1)


def _check_profile(
    locale: str | None, timezone: str | None, currency: str | None, country: str | None
) -> None:
    if locale is not None and locale not in WORKSPACE_LOCALES:
        raise Invalid("Unknown locale; choose en or ru.", field="locale")
    if timezone is not None and timezone not in zoneinfo.available_timezones():
        raise Invalid("Unknown time zone '%(zone)s'.", field="timezone", zone=timezone)
    if currency is not None and not re.fullmatch(r"[A-Z]{3}", currency):
        raise Invalid("Currency must be an ISO 4217 code such as RUB.", field="currency")
    if country is not None and not re.fullmatch(r"[A-Z]{2}", country):
        raise Invalid("Country must be an ISO 3166 code such as RU.", field="country")


def _check_birthday_channels(channels: list[str]) -> None:
    if set(channels) - set(BIRTHDAY_CHANNELS) or not channels or len(set(channels)) < len(channels):
        raise Invalid(
            "Channels are some of telegram, email and sms, each once.",
            field="birthday_greetings.channels",
        )


async def switch_vertical(session: AsyncSession, principal: Principal, vertical: str) -> bool:
    """Turn on another trade's pack (its pipelines and appeal subjects added); 402 when the plan
    lacks it. True when the workspace changed trade (the registry row must follow)."""
    principal.require("workspace.update")
    if vertical not in vertical_choices():
        raise Invalid(
            "Unknown vertical '%(vertical)s'; choose one of: %(choices)s.",
            field="vertical",
            vertical=vertical,
            choices=", ".join(vertical_choices()),
        )
    settings = await session.get_one(WorkspaceSettings, 1, with_for_update=True)
    if settings.vertical == vertical:
        return False
    if vertical != GENERAL:
        require_pack(principal.workspace.entitlements, vertical)
    settings.vertical = vertical
    await seed_trade_defaults(session, vertical, settings.locale)
    return True


async def change_workspace_settings(
    session: AsyncSession,
    principal: Principal,
    *,
    locale: str | None = None,
    timezone: str | None = None,
    currency: str | None = None,
    country: str | None = None,
    quiet_hours: tuple[clock_time, clock_time] | None | Unchanged = UNCHANGED,
    birthday_greetings: bool | None = None,
    birthday_hour: int | None = None,
    birthday_channels: list[str] | None = None,
) -> WorkspaceSettings:
    """Change what is given (None: as it is); every value is checked before any is set."""
    principal.require("workspace.update")
    _check_profile(locale, timezone, currency, country)
    if isinstance(quiet_hours, tuple) and quiet_hours[0] == quiet_hours[1]:
        raise Invalid("Quiet hours need an end apart from their start.", field="quiet_hours")
    if birthday_channels is not None:
        _check_birthday_channels(birthday_channels)
    settings = await session.get_one(WorkspaceSettings, 1, with_for_update=True)
    given = {
        "locale": locale,
        "timezone": timezone,
        "currency": currency,
        "country": country,
        "birthday_greetings": birthday_greetings,
        "birthday_hour": birthday_hour,
        "birthday_channels": birthday_channels,
    }
    for name, value in given.items():
        if value is not None:
            setattr(settings, name, value)
    if quiet_hours is not UNCHANGED:
        settings.quiet_from, settings.quiet_to = quiet_hours or (None, None)
    await session.flush()
    forget_workspace_country(principal.workspace.schema)
    return settings


async def share_workspace_locale(db: Database, principal: Principal, locale: str | None) -> None:
    """After the workspace's language changed: the registry's copy follows, read where the
    workspace's schema is not at hand (API answers, invitations, billing mail, campaigns)."""
    if locale is None or locale == principal.workspace.locale:
        return
    async with db.shared_transaction() as shared:
        tenant = await shared.get_one(Tenant, principal.workspace.id)
        tenant.locale = locale
    forget_principals()  # they carry the language


# A workspace's country, for reading phone numbers typed without +: asked for by searches,
# which must cost one round trip. Changing it here forgets it; other processes follow within
# COUNTRY_TTL seconds.
COUNTRY_TTL = 60.0
_countries: dict[str, tuple[float, str]] = {}


async def workspace_country(db: Database, schema: WorkspaceSchema) -> str:
    found = _countries.get(schema.name)
    if found is not None and found[0] > time.monotonic():
        return found[1]
    [row] = await db.read_in_workspace(schema, select(WorkspaceSettings.country))
    _countries[schema.name] = (time.monotonic() + COUNTRY_TTL, row.country)
    return row.country


# A workspace's plan allowances, for checks deep in a tenant transaction (an SMS against the
# month's allowance). Billing's changes forget them in its process; others follow in PLAN_TTL s.
PLAN_TTL = 60.0
_plans: dict[str, tuple[float, Entitlements | None]] = {}


async def workspace_entitlements(session: AsyncSession) -> Entitlements | None:
    """What the plan allows the workspace a tenant session works in. Read from the registry on a
    connection of its own: the workspace's role may not read the registry."""
    schema = session.bind.get_execution_options()["schema_translate_map"][TENANT_SCHEMA]
    found = _plans.get(schema)
    if found is not None and found[0] > time.monotonic():
        return found[1]
    async with session.bind.connect() as registry:
        data = await registry.scalar(
            select(Tenant.entitlements).where(Tenant.schema_name == schema)
        )
    entitlements = Entitlements.from_json(data)
    _plans[schema] = (time.monotonic() + PLAN_TTL, entitlements)
    return entitlements


def forget_workspace_entitlements() -> None:
    _plans.clear()


def forget_workspace_country(schema: WorkspaceSchema) -> None:
    _countries.pop(schema.name, None)


async def ready_workspace(db: Database, slug: str) -> WorkspaceSchema | None:
    """The schema of an open workspace by its slug (public links and webhooks name it)."""
    async with db.shared_transaction() as session:
        tenant = await session.scalar(
            select(Tenant).where(Tenant.slug == slug, Tenant.status == TenantStatus.READY)
        )
    return tenant.schema if tenant is not None else None


async def member_count(session: AsyncSession, tenant_id: uuid.UUID) -> int:
    return await session.scalar(
        select(func.count()).select_from(Membership).where(Membership.tenant_id == tenant_id)
    )


async def member_ids(db: Database, tenant_id: uuid.UUID) -> set[uuid.UUID]:
    """The users of a workspace (from the registry, in its own short transaction)."""
    async with db.shared_transaction() as session:
        rows = await session.scalars(
            select(Membership.user_id).where(Membership.tenant_id == tenant_id)
        )
        return set(rows)
