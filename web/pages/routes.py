"""HTML pages: sign in and out, sign up, password reset, invitations, the workspace home."""

from litestar import Request, Response, Router, get, post
from litestar.di import Provide
from litestar.exceptions import NotFoundException
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.response import Redirect, Template
from litestar.static_files import create_static_files_router

from atrium.platform.auth import accounts, invitations, sessions
from atrium.platform.auth.throttle import password_attempts
from atrium.platform.components import plugged
from atrium.platform.crm.demo.service import clear_demo_data
from atrium.platform.crm.overview.service import setup_checklist, workspace_overview
from atrium.platform.errors import DomainError, TooManyRequests
from atrium.platform.http.auth import database
from atrium.platform.http.problems import UNAVAILABLE
from atrium.platform.packs import GENERAL, registered_packs
from atrium.platform.tenancy.service import member_count
from atrium.tenants.service import sign_up
from atrium.tenants.signup import checked_signup
from atrium.web.pages import settings, workspaces
from atrium.web.pages.errors import (
    page_not_found,
    page_refused,
    page_too_large,
    page_unavailable,
    sign_in_first,
)
from atrium.web.pages.i18n import pick_locale, template_functions
from atrium.web.pages.kit import (
    SHARED,
    STATIC_DIR,
    FormData,
    Session,
    SignInRequired,
    anonymous_form,
    anonymous_form_is_genuine,
    error_text,
    form_errors,
    message,
    page_locale,
    render,
    safe_next,
    vertical_choices,
    workspace_page,
)
from atrium.web.pages.workspaces import NEW_WORKSPACE


def signed_in_redirect(target: str, token: str) -> Redirect:
    response = Redirect(target)
    sessions.set_session_cookie(response, token)
    return response


@get("/", dependencies=SHARED)
async def home(request: Request, session: Session) -> Response:
    """Signed in: your first workspace. A visitor: what Atrium is, and the way in."""
    found = await sessions.user_from_session(request)
    if found is None:
        return render(request, "landing.html", verticals=vertical_choices(page_locale(request)))
    mine = await accounts.workspaces_of(session, found[0].id)
    return Redirect(f"/w/{mine[0].slug}/" if mine else NEW_WORKSPACE)


@get("/login")
async def login_form(request: Request) -> Template:
    t = template_functions(page_locale(request))
    notice = (
        t["_"]("Your password is changed. Sign in with it.")
        if "reset" in request.query_params
        else None
    )
    return anonymous_form(
        request, "login.html", next=safe_next(request.query_params.get("next")), notice=notice
    )


@post("/login", dependencies=SHARED)
async def login(request: Request, data: FormData, session: Session) -> Response:
    t = template_functions(page_locale(request))
    context = {"values": {"email": data.get("email", "")}, "next": safe_next(data.get("next"))}
    if not anonymous_form_is_genuine(request, data):
        errors = {"_form": t["_"]("The form expired. Please try again.")}
        return anonymous_form(request, "login.html", 403, errors=errors, **context)
    try:
        signed_in = await accounts.log_in(
            session,
            password_attempts(request),
            email=data.get("email", ""),
            password=data.get("password", ""),
            user_agent=request.headers.get("user-agent", ""),
        )
    except TooManyRequests as error:
        minutes = max(1, -(-error.retry_after // 60))
        text = t["ngettext"](
            "Too many attempts. Try again in %(num)d minute.",
            "Too many attempts. Try again in %(num)d minutes.",
            minutes,
        )
        return anonymous_form(request, "login.html", 429, errors={"_form": text}, **context)
    except DomainError:
        errors = {"_form": t["_"]("Wrong e-mail or password.")}
        return anonymous_form(request, "login.html", 401, errors=errors, **context)
    first = f"/w/{signed_in.workspaces[0].slug}/" if signed_in.workspaces else NEW_WORKSPACE
    return signed_in_redirect(context["next"] or first, signed_in.token)


@post("/logout", dependencies=SHARED)
async def logout(request: Request, session: Session) -> Redirect:
    found = await sessions.user_from_session(request)
    if found is not None:
        await sessions.check_csrf(request, found[1])
        await sessions.end_session(session, found[1])
    return sessions.clear_session_cookie(Redirect("/login"))


@get("/signup")
async def signup_form(request: Request) -> Template:
    return anonymous_form(request, "signup.html", verticals=vertical_choices(page_locale(request)))


@post("/signup", dependencies=SHARED)
async def signup(request: Request, data: FormData, session: Session) -> Response:
    locale = pick_locale(data.get("locale"), page_locale(request))
    values = {key: data.get(key, "") for key in ("company", "name", "email", "vertical", "demo")}
    context = {"verticals": vertical_choices(locale), "values": values, "locale": locale}
    if not anonymous_form_is_genuine(request, data):
        errors = {"_form": template_functions(locale)["_"]("The form expired. Please try again.")}
        return anonymous_form(request, "signup.html", 403, errors=errors, **context)
    try:
        request_ = checked_signup(
            company=values["company"],
            email=values["email"],
            password=data.get("password", ""),
            vertical=values["vertical"] or GENERAL,
            locale=locale,
            name=values["name"],
        )
        workspace = await sign_up(database(request), request_, demo=values["demo"] == "on")
    except DomainError as error:
        errors = form_errors(locale, error)
        return anonymous_form(request, "signup.html", error.status, errors=errors, **context)
    token, _ = await sessions.start_session_for(
        session, workspace.user_id, request.headers.get("user-agent", "")
    )
    return signed_in_redirect(f"/w/{workspace.slug}/", token)


@get("/forgot-password")
async def forgot_password_form(request: Request) -> Template:
    return anonymous_form(request, "forgot_password.html")


@post("/forgot-password", dependencies=SHARED)
async def forgot_password(request: Request, data: FormData, session: Session) -> Template:
    t = template_functions(page_locale(request))
    values = {"email": data.get("email", "")}
    if not anonymous_form_is_genuine(request, data):
        errors = {"_form": t["_"]("The form expired. Please try again.")}
        return anonymous_form(request, "forgot_password.html", 403, errors=errors, values=values)
    try:
        await accounts.request_password_reset(
            session,
            password_attempts(request),
            email=values["email"],
            base_url=request.app.state.settings.base_url,
        )
    except TooManyRequests:
        errors = {"_form": t["_"]("Too many reset requests. Try again in an hour.")}
        return anonymous_form(request, "forgot_password.html", 429, errors=errors, values=values)
    return message(
        request,
        t["_"]("Check your e-mail"),
        t["_"](
            "If an account uses %(email)s, we have sent it a link to choose a new password.",
            email=values["email"],
        ),
        link="/login",
        link_text=t["_"]("Back to sign in"),
    )


@get("/reset-password")
async def reset_password_form(request: Request) -> Template:
    return anonymous_form(
        request, "reset_password.html", token=request.query_params.get("token", "")
    )


@post("/reset-password", dependencies=SHARED)
async def reset_password(request: Request, data: FormData, session: Session) -> Response:
    t = template_functions(page_locale(request))
    token = data.get("token", "")
    if not anonymous_form_is_genuine(request, data):
        errors = {"_form": t["_"]("The form expired. Please try again.")}
        return anonymous_form(request, "reset_password.html", 403, errors=errors, token=token)
    try:
        await accounts.reset_password(session, token=token, password=data.get("password", ""))
    except accounts.LinkNotUsable as error:
        return message(
            request,
            t["_"]("This link does not work"),
            error_text(page_locale(request), error),
            400,
            link="/forgot-password",
            link_text=t["_"]("Ask for a new link"),
        )
    except DomainError as error:
        errors = form_errors(page_locale(request), error)
        return anonymous_form(
            request, "reset_password.html", error.status, errors=errors, token=token
        )
    return Redirect("/login?reset=1")


@get("/invitations/accept", dependencies=SHARED)
async def invitation_form(request: Request, session: Session) -> Template:
    token = request.query_params.get("token", "")
    try:
        preview = await invitations.preview_invitation(session, token)
    except accounts.LinkNotUsable as error:
        t = template_functions(page_locale(request))
        return message(
            request,
            t["_"]("This invitation does not work"),
            error_text(page_locale(request), error),
            400,
        )
    return anonymous_form(
        request,
        "accept_invitation.html",
        token=token,
        invitation=preview,
        **await _signed_in_as(request),
    )


async def _signed_in_as(request: Request) -> dict:
    found = await sessions.user_from_session(request)
    return {"signed_in_email": found[0].email if found else None}


@post("/invitations/accept", dependencies=SHARED)
async def accept_invitation(request: Request, data: FormData, session: Session) -> Response:
    t = template_functions(page_locale(request))
    token = data.get("token", "")
    found = await sessions.user_from_session(request)
    try:
        preview = await invitations.preview_invitation(session, token)
    except accounts.LinkNotUsable as error:
        return message(
            request,
            t["_"]("This invitation does not work"),
            error_text(page_locale(request), error),
            400,
        )
    context = {
        "token": token,
        "invitation": preview,
        "values": {"name": data.get("name", "")},
        **await _signed_in_as(request),
    }
    if not anonymous_form_is_genuine(request, data):
        errors = {"_form": t["_"]("The form expired. Please try again.")}
        return anonymous_form(request, "accept_invitation.html", 403, errors=errors, **context)
    try:
        joined = await invitations.accept_invitation(
            session,
            password_attempts(request),
            token=token,
            password=data.get("password") or None,
            name=data.get("name") or None,
            signed_in=found[0] if found else None,
        )
    except DomainError as error:
        errors = form_errors(page_locale(request), error)
        return anonymous_form(
            request, "accept_invitation.html", error.status, errors=errors, **context
        )
    target = f"/w/{joined.tenant.slug}/"
    if found is not None and found[0].id == joined.user.id:
        return Redirect(target)
    token_, _ = await sessions.start_session_for(
        session, joined.user.id, request.headers.get("user-agent", "")
    )
    return signed_in_redirect(target, token_)


@get("/w/{slug:str}/", dependencies=SHARED)
async def workspace_home(request: Request, session: Session) -> Template:
    page = await workspace_page(request)
    workspace = page.principal.workspace
    members = await member_count(session, workspace.id)
    async with database(request).tenant_transaction(workspace.schema) as tenant_session:
        overview = await workspace_overview(tenant_session, page.principal)
        steps = await setup_checklist(tenant_session, page.active_pack(), members)
    checklist = [(step.done, page._(step.label), f"{page.base}/{step.path}") for step in steps]
    return page.render(
        "workspace_home.html",
        overview=overview,
        checklist=checklist,
        display_name=page.principal.name or page.principal.email,
    )


@post("/w/{slug:str}/demo/clear")
async def demo_clear(request: Request) -> Response:
    page = await workspace_page(request)
    async with database(request).tenant_transaction(page.principal.workspace.schema) as session:
        cleared = await clear_demo_data(session, page.principal)
    notice = page.ngettext("%(num)d demo record cleared.", "%(num)d demo records cleared.", cleared)
    return page.redirect(f"{page.base}/", notice=notice)


# The pages of daily work, each module with its ``routes``.
WEB_PAGES = (settings, workspaces)  # the web layer's own pages


def page_routes() -> list:
    static = create_static_files_router(
        path="/static", directories=[STATIC_DIR], include_in_schema=False
    )
    pages = Router(
        path="/",
        route_handlers=[
            home,
            login_form,
            login,
            logout,
            signup_form,
            signup,
            forgot_password_form,
            forgot_password,
            reset_password_form,
            reset_password,
            invitation_form,
            accept_invitation,
            workspace_home,
            demo_clear,
            *(route for module in WEB_PAGES for route in module.routes),
            *(route for part in plugged() for route in part.page_routes),
        ],
        # Page handlers get the member's page as the ``page`` dependency.
        dependencies={"page": Provide(workspace_page)},
        exception_handlers={
            NotFoundException: page_not_found,
            SignInRequired: sign_in_first,
            DomainError: page_refused,
            RequestEntityTooLarge: page_too_large,
            **dict.fromkeys(UNAVAILABLE, page_unavailable),
        },
        include_in_schema=False,
    )
    # A pack's own scripts and styles: /static/<pack>/...
    pack_static = [
        create_static_files_router(
            path=f"/static/{pack.key}", directories=[folder], include_in_schema=False
        )
        for pack in registered_packs().values()
        if (folder := pack.subfolder("static"))
    ]
    return [pages, static, *pack_static]
