"""A signed-in user adds another workspace: its name and business type, then they land in it."""

from litestar import Request, Response, get, post
from litestar.response import Redirect, Template

from atrium.platform.auth import sessions
from atrium.platform.errors import DomainError
from atrium.platform.http.auth import database
from atrium.platform.packs import GENERAL
from atrium.tenants.service import add_workspace
from atrium.web.pages.i18n import pick_locale, template_functions
from atrium.web.pages.kit import (
    ACCOUNT_LIMITS,
    FormData,
    form_errors,
    page_locale,
    render,
    vertical_choices,
)

NEW_WORKSPACE = "/workspaces/new"


def _form(request: Request, user, web_session, status_code: int = 200, **context) -> Template:
    locale = context.pop("locale", None) or page_locale(request, user.locale)
    return render(
        request,
        "workspace_new.html",
        status_code,
        locale=locale,
        csrf_token=web_session.csrf_token,
        verticals=vertical_choices(locale),
        signed_in_email=user.email,
        limits=ACCOUNT_LIMITS,
        **context,
    )


@get(NEW_WORKSPACE)
async def workspace_new(request: Request) -> Response:
    found = await sessions.user_from_session(request)
    if found is None:
        return Redirect(f"/login?next={NEW_WORKSPACE}")
    return _form(request, *found, values={"vertical": GENERAL})


@post(NEW_WORKSPACE)
async def workspace_create(request: Request, data: FormData) -> Response:
    found = await sessions.user_from_session(request)
    if found is None:
        return Redirect(f"/login?next={NEW_WORKSPACE}")
    user, web_session = found
    locale = pick_locale(data.get("locale"), page_locale(request, user.locale))
    values = {key: data.get(key, "") for key in ("company", "vertical", "demo")}
    try:
        await sessions.check_csrf(request, web_session)
    except sessions.FormExpired:
        text = template_functions(locale)["_"]("The form expired. Please try again.")
        return _form(request, *found, 403, locale=locale, values=values, errors={"_form": text})
    try:
        workspace = await add_workspace(
            database(request),
            user,
            company=values["company"],
            vertical=values["vertical"] or GENERAL,
            locale=locale,
            demo=values["demo"] == "on",
        )
    except DomainError as error:
        errors = form_errors(locale, error)
        return _form(request, *found, error.status, locale=locale, values=values, errors=errors)
    return Redirect(f"/w/{workspace.slug}/")


routes = [workspace_new, workspace_create]
