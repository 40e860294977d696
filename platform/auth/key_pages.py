"""Settings → API keys: a member's personal keys, shown once when made, revoked any time."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from atrium.platform.auth import members
from atrium.platform.auth import service as api_keys
from atrium.platform.auth.models import ApiKey
from atrium.platform.errors import DomainError, Invalid
from atrium.platform.forms import column_limit
from atrium.platform.http.auth import database
from atrium.platform.instants import check
from atrium.platform.pages.kit import WorkspacePage, record_id, refused


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
async def api_keys_list(request: Request, page: NamedDependency[WorkspacePage]) -> Template:
    if not page.principal.can("api_keys.manage_own"):
        return refused(page, page._("Your role does not let you use API keys."))
    return await _api_keys_page(page)


@post("/w/{slug:str}/settings/api-keys")
async def api_key_create(request: Request, page: NamedDependency[WorkspacePage]) -> Template:
    if not page.principal.can("api_keys.manage_own"):
        return refused(page, page._("Your role does not let you use API keys."))
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
async def api_key_revoke(
    request: Request, page: NamedDependency[WorkspacePage], key_id: FromPath[str]
) -> Redirect:
    try:
        async with database(request).shared_transaction() as shared:
            await api_keys.revoke_api_key(shared, page.principal, record_id(key_id))
    except DomainError:
        raise NotFoundException() from None
    notice = page._("The key is revoked: it no longer works.")
    return page.redirect(f"{page.base}/settings/api-keys", notice=notice)


routes = [api_keys_list, api_key_create, api_key_revoke]
