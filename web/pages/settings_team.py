"""Settings of the workspace and its people: the profile (language, zone, currency, quiet hours,
birthday greetings), members with their roles and invitations, and the member's API keys."""

import uuid
import zoneinfo
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from babel.core import Locale
from litestar import Request, get, post
from litestar.datastructures import FormMultiDict
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from atrium.platform.auth import invitations, members
from atrium.platform.auth import service as api_keys
from atrium.platform.auth.accounts import EMAIL_LIMIT
from atrium.platform.auth.models import ApiKey
from atrium.platform.auth.permissions import ASSIGNABLE_ROLES
from atrium.platform.errors import Conflict, DomainError, Invalid
from atrium.platform.forms import column_limit
from atrium.platform.http.auth import database
from atrium.platform.instants import check
from atrium.platform.notify.birthdays import CHANNELS
from atrium.platform.tenancy.models import WorkspaceSettings
from atrium.platform.tenancy.service import (
    BIRTHDAY_HOURS,
    WORKSPACE_LOCALES,
    change_workspace_settings,
    share_workspace_locale,
    workspace_settings,
)
from atrium.web.pages.kit import WorkspacePage, workspace_page

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


def _refused(page: WorkspacePage, text: str) -> Template:
    return page.render("settings/_team_refused.html", 403, section="settings", text=text)


def _role_labels(page: WorkspacePage) -> dict[str, str]:
    return {
        "owner": page._("Owner"),
        "admin": page._("Admin"),
        "manager": page._("Manager"),
        "employee": page._("Employee"),
    }


def _parse_id(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise NotFoundException() from None


# The workspace profile


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
        "channels": CHANNELS,
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
async def workspace_profile(request: Request) -> Template:
    page = await workspace_page(request)
    if not page.principal.can("workspace.update"):
        return _refused(page, page._("Only the owner or an admin changes the workspace profile."))
    async with database(request).tenant_transaction(page.principal.workspace.schema) as s:
        settings = await workspace_settings(s)
    return _profile_page(page, values=_profile_values(settings))


@post("/w/{slug:str}/settings/workspace")
async def workspace_profile_save(request: Request) -> Template | Redirect:
    page = await workspace_page(request)
    form = await request.form()
    values = {key: form.get(key, "") for key in form}
    changes, errors = _profile_changes(page, form)
    if errors:
        return _profile_page(page, 422, values=values, errors=errors)
    try:
        async with database(request).tenant_transaction(page.principal.workspace.schema) as s:
            await change_workspace_settings(s, page.principal, **changes)
        await share_workspace_locale(database(request), page.principal, changes.get("locale"))
    except DomainError as error:
        if error.status == 403:
            return _refused(
                page, page._("Only the owner or an admin changes the workspace profile.")
            )
        field = error.field or "_form"
        return _profile_page(
            page, error.status, values=values, errors={field: page.error_text(error)}
        )
    return page.redirect(request.url.path, notice=page._("The settings are saved."))


# Members and invitations


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
async def members_list(request: Request) -> Template:
    page = await workspace_page(request)
    if not page.principal.can("members.read"):
        return _refused(page, page._("Your role does not let you see the members."))
    return await _members_page(page)


async def _change_member(page: WorkspacePage, user_id: str, role: str | None) -> Template | None:
    """Change a member's role (or remove them, with no role); the page again when refused."""
    if not page.principal.can("members.manage"):
        return _refused(page, page._("Only the owner or an admin changes members."))
    ident = _parse_id(user_id)
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
async def member_role(request: Request, user_id: FromPath[str]) -> Template | Redirect:
    page = await workspace_page(request)
    form = await request.form()
    refused = await _change_member(page, user_id, form.get("role", ""))
    if refused is not None:
        return refused
    return page.redirect(f"{page.base}/settings/members", notice=page._("The role is changed."))


@post("/w/{slug:str}/settings/members/{user_id:str}/remove")
async def member_remove(request: Request, user_id: FromPath[str]) -> Template | Redirect:
    page = await workspace_page(request)
    refused = await _change_member(page, user_id, None)
    if refused is not None:
        return refused
    notice = page._("The member is removed from the workspace.")
    return page.redirect(f"{page.base}/settings/members", notice=notice)


@post("/w/{slug:str}/settings/members/invitations")
async def invitation_send(request: Request) -> Template | Redirect:
    page = await workspace_page(request)
    if not page.principal.can("members.invite"):
        return _refused(page, page._("Only the owner or an admin invites people."))
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
    request: Request, invitation_id: FromPath[str]
) -> Template | Redirect:
    page = await workspace_page(request)
    if not page.principal.can("members.invite"):
        return _refused(page, page._("Only the owner or an admin invites people."))
    try:
        async with database(request).shared_transaction() as shared:
            await invitations.revoke_invitation(shared, page.principal, _parse_id(invitation_id))
    except DomainError:
        raise NotFoundException() from None
    notice = page._("The invitation is withdrawn.")
    return page.redirect(f"{page.base}/settings/members", notice=notice)


# API keys


async def _api_keys_page(page: WorkspacePage, status_code: int = 200, **context) -> Template:
    principal = page.principal
    everyone = principal.can("api_keys.manage_all")
    async with database(page.request).shared_reads() as shared:
        keys = await api_keys.list_api_keys(
            shared,
            principal,
            everyone=everyone,
            cursor=page.request.query_params.get("cursor") or None,
            limit=50,
        )
        people = []
        if everyone:  # the keys' owners are named only in everyone's list
            people = (await members.list_members(shared, principal, limit=200)).items
    return page.render(
        "settings/api_keys.html",
        status_code,
        section="settings",
        limits={"name": column_limit(ApiKey.name)},
        keys=keys.items,
        next_cursor=keys.next_cursor,
        everyone=everyone,
        owners={person.user_id: person.name or person.email for person in people},
        **context,
    )


def _expiry(page: WorkspacePage, raw: str) -> datetime | None:
    """The day a key stops working, as typed: from its midnight, workspace time."""
    if not raw.strip():
        return None
    midnight = datetime.combine(date.fromisoformat(raw.strip()), time(), ZoneInfo(page.timezone))
    return check(midnight, "expires_at")


@get("/w/{slug:str}/settings/api-keys")
async def api_keys_list(request: Request) -> Template:
    page = await workspace_page(request)
    if not page.principal.can("api_keys.manage_own"):
        return _refused(page, page._("Your role does not let you use API keys."))
    return await _api_keys_page(page)


@post("/w/{slug:str}/settings/api-keys")
async def api_key_create(request: Request) -> Template:
    page = await workspace_page(request)
    if not page.principal.can("api_keys.manage_own"):
        return _refused(page, page._("Your role does not let you use API keys."))
    form = await request.form()
    values = {"name": form.get("name", ""), "expires_on": form.get("expires_on", "")}
    try:
        expires_at = _expiry(page, values["expires_on"])
    except ValueError:
        errors = {"expires_on": page._("Enter the date as YYYY-MM-DD.")}
        return await _api_keys_page(page, 422, values=values, errors=errors)
    except Invalid as error:
        errors = {"expires_on": page.error_text(error)}
        return await _api_keys_page(page, 422, values=values, errors=errors)
    try:
        async with database(request).shared_transaction() as shared:
            issued = await api_keys.issue_api_key(
                shared,
                tenant_id=page.principal.workspace.id,
                user_id=page.principal.user_id,
                name=values["name"],
                expires_at=expires_at,
            )
    except DomainError as error:
        field = {"expires_at": "expires_on"}.get(error.field or "", error.field or "_form")
        errors = {field: page.error_text(error)}
        return await _api_keys_page(page, error.status, values=values, errors=errors)
    # The secret goes out once, in this answer's body: not in a redirect, a cookie or a cache.
    response = await _api_keys_page(
        page, 201, new_key=issued.plaintext, new_key_name=issued.key.name
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@post("/w/{slug:str}/settings/api-keys/{key_id:str}/revoke")
async def api_key_revoke(request: Request, key_id: FromPath[str]) -> Redirect:
    page = await workspace_page(request)
    try:
        async with database(request).shared_transaction() as shared:
            await api_keys.revoke_api_key(shared, page.principal, _parse_id(key_id))
    except DomainError:
        raise NotFoundException() from None
    notice = page._("The key is revoked: it no longer works.")
    return page.redirect(f"{page.base}/settings/api-keys", notice=notice)


routes = [
    workspace_profile,
    workspace_profile_save,
    members_list,
    member_role,
    member_remove,
    invitation_send,
    invitation_withdraw,
    api_keys_list,
    api_key_create,
    api_key_revoke,
]
