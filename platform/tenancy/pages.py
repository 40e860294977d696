"""Settings of the workspace and its people: the profile (language, zone, currency, quiet hours,
birthday greetings), members with their roles, and invitations."""

import zoneinfo
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from babel.core import Locale
from litestar import Request, get, post
from litestar.datastructures import FormMultiDict
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from atrium.platform.auth import invitations, members
from atrium.platform.auth.accounts import EMAIL_LIMIT
from atrium.platform.auth.permissions import ASSIGNABLE_ROLES
from atrium.platform.errors import Conflict, DomainError
from atrium.platform.http.auth import database
from atrium.platform.pages.kit import WorkspacePage, record_id, refused, transaction
from atrium.platform.tenancy.models import WorkspaceSettings
from atrium.platform.tenancy.service import (
    BIRTHDAY_CHANNELS,
    BIRTHDAY_HOURS,
    WORKSPACE_LOCALES,
    change_workspace_settings,
    share_workspace_locale,
    workspace_settings,
)

# Offered first: where most of our workspaces are (Russia west to east, then the CIS).
COMMON_ZONES = (
    "Europe/Kaliningrad", "Europe/Moscow", "Europe/Samara", "Asia/Yekaterinburg", "Asia/Omsk",
    "Asia/Novosibirsk", "Asia/Krasnoyarsk", "Asia/Irkutsk", "Asia/Yakutsk", "Asia/Vladivostok",
    "Asia/Magadan", "Asia/Kamchatka", "Europe/Minsk", "Asia/Almaty", "Asia/Tashkent",
    "Asia/Bishkek", "Asia/Dushanbe", "Asia/Yerevan", "Asia/Tbilisi", "Asia/Baku",
)  # fmt: skip

COMMON_CURRENCIES = ("RUB", "KZT", "BYN", "UZS", "KGS", "TJS", "AMD", "GEL", "AZN", "USD", "EUR")

COMMON_COUNTRIES = ("RU", "KZ", "BY", "UZ", "KG", "TJ", "AM", "GE", "AZ")

CHANNEL_SLOTS = ("channel_1", "channel_2", "channel_3")  # the greeting channels, in order


def _role_labels(page: WorkspacePage) -> dict[str, str]:
    return {
        "owner": page._("Owner"),
        "admin": page._("Admin"),
        "manager": page._("Manager"),
        "employee": page._("Employee"),
    }


def _zone_label(name: str, now: datetime) -> str:
    offset = now.astimezone(ZoneInfo(name)).strftime("%z")
    return f"{name} (UTC{offset[:3]}:{offset[3:]})"


def _profile_choices(locale: str) -> dict:
    now = datetime.now(UTC)
    everywhere = sorted(zoneinfo.available_timezones() - {"localtime", "Factory"})
    names = Locale.parse(locale)
    return {
        "common_zones": [(z, _zone_label(z, now)) for z in COMMON_ZONES if z in everywhere],
        "all_zones": [(z, _zone_label(z, now)) for z in everywhere if z not in COMMON_ZONES],
        "currencies": [(code, names.currencies.get(code, code)) for code in COMMON_CURRENCIES],
        "countries": [(code, names.territories.get(code, code)) for code in COMMON_COUNTRIES],
        "hours": list(BIRTHDAY_HOURS),
        "channels": BIRTHDAY_CHANNELS,
    }


def _profile_values(settings: WorkspaceSettings) -> dict:
    channels = list(settings.birthday_channels)
    return {
        "locale": settings.locale,
        "timezone": settings.timezone,
        "currency": settings.currency,
        "country": settings.country,
        "quiet_from": settings.quiet_from.strftime("%H:%M") if settings.quiet_from else "",
        "quiet_to": settings.quiet_to.strftime("%H:%M") if settings.quiet_to else "",
        "birthday_greetings": "on" if settings.birthday_greetings else "",
        "birthday_hour": str(settings.birthday_hour),
        **{slot: channels[i] if i < len(channels) else "" for i, slot in enumerate(CHANNEL_SLOTS)},
    }


def _quiet_hours(page: WorkspacePage, start: str, end: str) -> tuple[time, time] | None:
    if not start and not end:
        return None
    if not start or not end:
        raise ValueError(page._("Fill in both times, or leave both empty for no quiet hours."))
    try:
        return time.fromisoformat(start), time.fromisoformat(end)
    except ValueError:
        raise ValueError(page._("Enter times such as 21:00.")) from None


def _profile_changes(page: WorkspacePage, form: FormMultiDict) -> tuple[dict, dict[str, str]]:
    """The form as the service takes it, and what could not even be read (by field)."""
    errors: dict[str, str] = {}
    changes: dict = {
        "locale": form.get("locale", ""),
        "timezone": form.get("timezone", "").strip(),
        # Typed in lower case, meant as the code: the service checks it is one.
        "currency": form.get("currency", "").strip().upper(),
        "country": form.get("country", "").strip().upper(),
        "birthday_greetings": form.get("birthday_greetings") == "on",
        "birthday_channels": [form[slot] for slot in CHANNEL_SLOTS if form.get(slot)],
    }
    try:
        changes["quiet_hours"] = _quiet_hours(
            page, form.get("quiet_from", "").strip(), form.get("quiet_to", "").strip()
        )
    except ValueError as error:
        errors["quiet_hours"] = str(error)
    hour = form.get("birthday_hour", "")
    if hour.isdigit() and int(hour) in BIRTHDAY_HOURS:
        changes["birthday_hour"] = int(hour)
    else:
        errors["birthday_hour"] = page._("Choose an hour from the list.")
    return changes, errors


def _profile_page(page: WorkspacePage, status_code: int = 200, **context) -> Template:
    return page.render(
        "settings/workspace.html",
        status_code,
        section="settings",
        locales=WORKSPACE_LOCALES,
        **_profile_choices(page.locale),
        **context,
    )


@get("/w/{slug:str}/settings/workspace")
async def workspace_profile(request: Request, page: NamedDependency[WorkspacePage]) -> Template:
    if not page.principal.can("workspace.update"):
        return refused(page, page._("Only the owner or an admin changes the workspace profile."))
    async with transaction(page) as s:
        settings = await workspace_settings(s)
    return _profile_page(page, values=_profile_values(settings))


@post("/w/{slug:str}/settings/workspace")
async def workspace_profile_save(
    request: Request, page: NamedDependency[WorkspacePage]
) -> Template | Redirect:
    form = await request.form()
    values = {key: form.get(key, "") for key in form}
    changes, errors = _profile_changes(page, form)
    if errors:
        return _profile_page(page, 422, values=values, errors=errors)
    try:
        async with transaction(page) as s:
            await change_workspace_settings(s, page.principal, **changes)
        await share_workspace_locale(database(request), page.principal, changes.get("locale"))
    except DomainError as error:
        if error.status == 403:
            return refused(
                page, page._("Only the owner or an admin changes the workspace profile.")
            )
        field = error.field or "_form"
        return _profile_page(
            page, error.status, values=values, errors={field: page.error_text(error)}
        )
    return page.redirect(request.url.path, notice=page._("The settings are saved."))


async def _members_page(page: WorkspacePage, status_code: int = 200, **context) -> Template:
    principal = page.principal
    async with database(page.request).shared_reads() as shared:
        people = (await members.list_members(shared, principal, limit=200)).items
        pending = []
        if principal.can("members.invite"):
            pending = (await invitations.pending_invitations(shared, principal, limit=200)).items
    grantable = ASSIGNABLE_ROLES[principal.role] if principal.can("members.manage") else set()
    inviting = ASSIGNABLE_ROLES[principal.role] if principal.can("members.invite") else set()
    order = list(_role_labels(page))
    return page.render(
        "settings/members.html",
        status_code,
        section="settings",
        limits={"email": EMAIL_LIMIT},
        people=people,
        pending=pending,
        role_labels=_role_labels(page),
        grantable=[role for role in order if role in {r.value for r in grantable}],
        invite_roles=[role for role in order if role in {r.value for r in inviting}],
        **{"row_errors": {}, "values": {"role": "employee"}, **context},
    )


@get("/w/{slug:str}/settings/members")
async def members_list(request: Request, page: NamedDependency[WorkspacePage]) -> Template:
    if not page.principal.can("members.read"):
        return refused(page, page._("Your role does not let you see the members."))
    return await _members_page(page)


async def _change_member(page: WorkspacePage, user_id: str, role: str | None) -> Template | None:
    """Change a member's role (or remove them, with no role); the page again when refused."""
    if not page.principal.can("members.manage"):
        return refused(page, page._("Only the owner or an admin changes members."))
    ident = record_id(user_id)
    try:
        async with database(page.request).shared_transaction() as shared:
            if role is None:
                await members.remove_member(shared, page.principal, ident)
            else:
                await members.change_role(shared, page.principal, ident, role)
    except DomainError as error:
        if error.status == 404:
            raise NotFoundException() from None
        return await _members_page(page, error.status, row_errors={ident: page.error_text(error)})
    return None


@post("/w/{slug:str}/settings/members/{user_id:str}/role")
async def member_role(
    request: Request, page: NamedDependency[WorkspacePage], user_id: FromPath[str]
) -> Template | Redirect:
    form = await request.form()
    refused = await _change_member(page, user_id, form.get("role", ""))
    if refused is not None:
        return refused
    return page.redirect(f"{page.base}/settings/members", notice=page._("The role is changed."))


@post("/w/{slug:str}/settings/members/{user_id:str}/remove")
async def member_remove(
    request: Request, page: NamedDependency[WorkspacePage], user_id: FromPath[str]
) -> Template | Redirect:
    refused = await _change_member(page, user_id, None)
    if refused is not None:
        return refused
    notice = page._("The member is removed from the workspace.")
    return page.redirect(f"{page.base}/settings/members", notice=notice)


@post("/w/{slug:str}/settings/members/invitations")
async def invitation_send(
    request: Request, page: NamedDependency[WorkspacePage]
) -> Template | Redirect:
    if not page.principal.can("members.invite"):
        return refused(page, page._("Only the owner or an admin invites people."))
    form = await request.form()
    values = {"email": form.get("email", "").strip(), "role": form.get("role", "")}
    try:
        async with database(request).shared_transaction() as shared:
            await invitations.invite(
                shared,
                page.principal,
                email=values["email"],
                role=values["role"],
                base_url=request.app.state.settings.base_url,
            )
    except Conflict as error:  # already a member: the service's message is English only
        text = page._("%(email)s is already a member of this workspace.", email=values["email"])
        return await _members_page(page, error.status, values=values, errors={"email": text})
    except DomainError as error:
        errors = {error.field or "_form": page.error_text(error)}
        return await _members_page(page, error.status, values=values, errors=errors)
    notice = page._("The invitation is sent to %(email)s.", email=values["email"])
    return page.redirect(f"{page.base}/settings/members", notice=notice)


@post("/w/{slug:str}/settings/members/invitations/{invitation_id:str}/withdraw")
async def invitation_withdraw(
    request: Request, page: NamedDependency[WorkspacePage], invitation_id: FromPath[str]
) -> Template | Redirect:
    if not page.principal.can("members.invite"):
        return refused(page, page._("Only the owner or an admin invites people."))
    try:
        async with database(request).shared_transaction() as shared:
            await invitations.revoke_invitation(shared, page.principal, record_id(invitation_id))
    except DomainError:
        raise NotFoundException() from None
    notice = page._("The invitation is withdrawn.")
    return page.redirect(f"{page.base}/settings/members", notice=notice)


routes = [
    workspace_profile,
    workspace_profile_save,
    members_list,
    member_role,
    member_remove,
    invitation_send,
    invitation_withdraw,
]
