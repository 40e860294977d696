"""What every page shares: the locale, rendering with translations and formats, forms' CSRF,
and the signed-in workspace page (its member, settings, navigation)."""

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from litestar import Request
from litestar.di import NamedDependency, Provide
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.params import Body
from litestar.response import Redirect, Template

from atrium.billing.subscriptions.views import BillingNotice, billing_notice
from atrium.platform.auth import accounts, sessions
from atrium.platform.auth.accounts import EMAIL_LIMIT
from atrium.platform.auth.passwords import MAX_LENGTH as PASSWORD_LIMIT
from atrium.platform.auth.principal import Principal
from atrium.platform.crm.records.normalize import MAX_TAG_LENGTH
from atrium.platform.crm.search.service import MAX_QUERY
from atrium.platform.errors import DomainError
from atrium.platform.forms import FormFields
from atrium.platform.http.auth import database, optional_principal, provide_shared_session
from atrium.platform.notify.inbox import unread_count
from atrium.platform.packs import GENERAL, Pack, registered_packs
from atrium.platform.pages.formats import formatters
from atrium.platform.tenancy.service import workspace_settings
from atrium.tenants.signup import COMPANY_LIMIT, NAME_LIMIT
from atrium.web.pages.flash import flash_cookie, forget_flash, take_flash
from atrium.web.pages.i18n import (
    message_text,
    pick_locale,
    plain_plural,
    plain_text,
    template_functions,
)

FormData = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]

Session = NamedDependency[Any]  # an AsyncSession; typed loosely so web needs no SQLAlchemy

STATIC_DIR = Path(__file__).parent / "static"

TEMPLATE_DIR = Path(__file__).parent / "templates"

FORM_COOKIE = "atrium_form"  # double-submit CSRF token for forms used before signing in

LANG_COOKIE = "atrium_lang"

SHARED = {"session": Provide(provide_shared_session)}

# Signing up, in, and a new workspace: the limits the account services hold the fields to.
ACCOUNT_LIMITS = {
    "email": EMAIL_LIMIT,
    "password": PASSWORD_LIMIT,
    "company": COMPANY_LIMIT,
    "name": NAME_LIMIT,
}


def page_locale(request: Request, fallback: str | None = None) -> str:
    return pick_locale(
        request.query_params.get("lang"),
        request.cookies.get(LANG_COOKIE),
        fallback,
        accept_language=request.headers.get("accept-language", ""),
    )


def _secure(request: Request) -> bool:
    """Cookies only over HTTPS when the site is served over HTTPS (BASE_URL)."""
    return request.app.state.settings.cookie_secure


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> Template:
    """The page in the request's language; it shows the flash the server left for it, once."""
    locale = context.pop("locale", None) or page_locale(request)
    flash = context.pop("flash", None)
    left = take_flash(request)
    response = Template(
        template,
        context={
            "locale": locale,
            "errors": {},
            "values": {},
            "limits": {},
            "search_limit": MAX_QUERY,  # every search box: what a search reads
            "tag_limit": MAX_TAG_LENGTH,  # a tag typed alone (a filter, a bulk action)
            "flash": flash or left,
            **template_functions(locale),
            **formatters(locale),
            **context,
        },
        status_code=status_code,
    )
    if left is not None:
        forget_flash(response)
    if request.query_params.get("lang") == locale:
        response.set_cookie(
            LANG_COOKIE, locale, max_age=365 * 86400, samesite="lax", secure=_secure(request)
        )
    return response


def anonymous_form(request: Request, template: str, status_code: int = 200, **context) -> Template:
    """A form used before signing in, with a double-submit CSRF token (cookie + hidden field)."""
    context.setdefault("limits", ACCOUNT_LIMITS)
    token = request.cookies.get(FORM_COOKIE) or secrets.token_urlsafe(24)
    response = render(request, template, status_code, csrf_token=token, **context)
    response.set_cookie(
        FORM_COOKIE, token, httponly=True, samesite="lax", path="/", secure=_secure(request)
    )
    return response


def anonymous_form_is_genuine(request: Request, form: dict[str, str]) -> bool:
    cookie = request.cookies.get(FORM_COOKIE, "")
    return bool(cookie) and secrets.compare_digest(cookie, form.get("csrf_token", ""))


@dataclass
class VisitorPage:
    """A visitor (not signed in) on a pack's public page, such as a salon's booking page."""

    request: Request

    def locale(self, fallback: str | None = None) -> str:
        """The visitor's language: their choice, else ``fallback`` (the workspace's), else the
        browser's."""
        return page_locale(self.request, fallback)

    def _(self, text: str, locale: str, **values) -> str:
        return plain_text(locale, text, **values)

    def error_text(self, error: DomainError, locale: str) -> str:
        return error_text(locale, error)

    def render(
        self,
        template: str,
        status_code: int = 200,
        *,
        locale: str,
        timezone: str = "UTC",
        currency: str = "RUB",
        **context,
    ) -> Template:
        """The page with translations and formats, and a form token (``csrf_token``)."""
        return anonymous_form(
            self.request,
            template,
            status_code,
            locale=locale,
            **formatters(locale, timezone, currency),
            **context,
        )

    def form_is_genuine(self, form: dict[str, str]) -> bool:
        return anonymous_form_is_genuine(self.request, form)


async def visitor_page(request: Request) -> VisitorPage:
    return VisitorPage(request)


def vertical_choices(locale: str) -> list[tuple[str, str]]:
    """The business types to choose from when a workspace is made, in the page's language."""
    general = str(template_functions(locale)["_"]("Other business (general CRM)"))
    return [
        *((key, pack.name(locale)) for key, pack in registered_packs().items()),
        (GENERAL, general),
    ]


def error_text(locale: str, error: DomainError) -> str:
    """The error in the page's language, as the API tells it (``message_text``)."""
    return message_text(locale, error.message, error.field, **error.params)


def form_errors(
    locale: str, *errors: DomainError, fields: FormFields | None = None
) -> dict[str, str]:
    """Each refusal beside its field, in the page's language, naming fields by their labels;
    the first one per field. One that names no field of the form (``fields``) is the form's."""
    shown: dict[str, str] = {}
    each = [one for error in errors for one in getattr(error, "problems", None) or [error]]
    for error in each:
        where = error.field or "_form"
        spec = fields.get(where) if fields is not None else None
        if spec is not None:
            label = plain_text(locale, spec.label)
            labelled = fields.labelled(error).items()
            params = {k: label if v == spec.label else v for k, v in labelled}
            text = plain_text(locale, error.message, **params)
        else:
            # Not one of the form's fields: named by the label the API gives it.
            where = "_form" if fields is not None else where
            text = message_text(locale, error.message, error.field, **error.params)
        shown.setdefault(where, text)
    return shown


def message(request: Request, heading: str, text: str, status_code: int = 200, **links) -> Template:
    return render(request, "message.html", status_code, heading=heading, text=text, **links)


def safe_next(target: str | None) -> str | None:
    # Only a path on this site: never an open redirect to another host.
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return None


class SignInRequired(Exception):
    """A workspace page asked for without a session: the sign-in page, then back here."""

    def __init__(self, path: str) -> None:
        self.path = path


@dataclass
class Section:
    key: str
    label: str
    href: str
    also: tuple[str, ...] = ()  # the keys of pages that light it up besides its own

    def current(self, section: str) -> bool:
        return section == self.key or section in self.also


@dataclass
class WorkspacePage:
    """A signed-in member on one of their workspace's pages."""

    request: Request
    principal: Principal
    locale: str
    csrf_token: str
    timezone: str
    currency: str
    workspaces: list = field(default_factory=list)
    unread: int = 0  # the member's unread notifications, for the bell in the top bar
    billing_notice: BillingNotice | None = None  # a trial ending, a payment overdue, read-only

    @property
    def slug(self) -> str:
        return self.principal.workspace.slug

    @property
    def base(self) -> str:
        return f"/w/{self.slug}"

    def _(self, text: str, **values) -> str:
        return plain_text(self.locale, text, **values)

    def ngettext(self, singular: str, plural: str, num: int, **values) -> str:
        return plain_plural(self.locale, singular, plural, num, **values)

    def redirect(
        self, path: str, *, notice: str | None = None, error: str | None = None
    ) -> Redirect:
        """Back to a page (after a form post), with a line to show there once: ``notice`` for
        what was done, ``error`` for why it was not."""
        response = Redirect(path)
        if error or notice:
            kind = "error" if error else "success"
            response.cookies.append(flash_cookie(self.request, path, error or notice or "", kind))
        return response

    def error_text(self, error: DomainError) -> str:
        return error_text(self.locale, error)

    def form_errors(self, fields: FormFields | None, *errors: DomainError) -> dict[str, str]:
        """Refusals beside their fields, fields named by their labels (see ``form_errors``)."""
        return form_errors(self.locale, *errors, fields=fields)

    def form_problems(self, fields: FormFields, form: Any) -> dict[str, str]:
        """Every empty required field and every too long text of a submit, at once."""
        return form_errors(self.locale, *fields.problems(form), fields=fields)

    def sections(self) -> list[Section]:
        """The navigation: the core's sections and the pack's own; a pack section that belongs
        under a core one is a tab of that section's pages instead, and lights its entry up."""
        base = self.base
        pack = self.pack_sections()
        core = [
            Section("contacts", self._("Contacts"), f"{base}/contacts"),
            Section("companies", self._("Companies"), f"{base}/companies"),
            Section("deals", self._("Deals"), f"{base}/deals"),
            Section("leads", self._("Leads"), f"{base}/leads"),
            Section("tasks", self._("Tasks"), f"{base}/tasks"),
            Section("appeals", self._("Appeals"), f"{base}/appeals"),
            Section("reports", self._("Reports"), f"{base}/reports"),
            Section("segments", self._("Marketing"), f"{base}/segments"),
            Section("settings", self._("Settings"), f"{base}/settings"),
        ]
        for section in core:
            section.also = tuple(item.key for item, under in pack if under == section.key)
        return [
            Section("home", self._("Overview"), f"{base}/"),
            *(item for item, under in pack if under is None),
            *core,
        ]

    def tabs(self, key: str) -> list[Section]:
        """A core section and the pack's sections under it (clients, then the salon's view of
        them); a section alone needs no tabs."""
        found = [item for item in self.sections() if item.key == key]
        found += [item for item, under in self.pack_sections() if under == key]
        return found if len(found) > 1 else []

    def active_pack(self) -> Pack | None:
        """The workspace's trade pack, once its plan has it."""
        workspace = self.principal.workspace
        pack = registered_packs().get(workspace.vertical or "")
        entitlements = workspace.entitlements
        if pack is None or (entitlements is not None and pack.key not in entitlements.packs):
            return None
        return pack

    def pack_sections(self) -> list[tuple[Section, str | None]]:
        """The workspace's pack adds its sections (a journal, jobs, a till) once its plan has
        it, each with the core section it belongs under, if any."""
        pack = self.active_pack()
        if pack is None:
            return []
        return [
            (Section(item.key, self._(item.label), f"{self.base}/{item.path}"), item.under)
            for item in pack.sections
            if item.permission is None or self.principal.can(item.permission)
        ]

    def render(
        self,
        template: str,
        status_code: int = 200,
        *,
        section: str = "home",
        form_fields: FormFields | None = None,
        **context,
    ) -> Template:
        """The page in the member's language; ``form_fields`` gives its inputs' ``limits``."""
        pack = registered_packs().get(self.principal.workspace.vertical or "")
        if form_fields is not None:
            context.setdefault("limits", form_fields.limits())
        return render(
            self.request,
            template,
            status_code,
            locale=self.locale,
            page=self,
            workspace=self.principal.workspace,
            pack_name=pack.name(self.locale) if pack else "",
            principal=self.principal,
            csrf_token=self.csrf_token,
            section=section,
            now=datetime.now(UTC),
            **formatters(self.locale, self.timezone, self.currency),
            **context,
        )


async def workspace_page(request: Request) -> WorkspacePage:
    """The member's page context for /w/<slug>/...; another workspace's slug is a 404, exactly
    as a workspace that does not exist; no session: sign in first."""
    principal = await optional_principal(request)
    found = await sessions.user_from_session(request)
    if principal is None or principal.via != "session" or found is None:
        if found is None:
            raise SignInRequired(request.url.path)
        raise NotFoundException()
    user, web_session = found
    db = database(request)
    async with db.tenant_transaction(principal.workspace.schema) as tenant:
        settings = await workspace_settings(tenant)
        timezone, currency, workspace_locale = settings.timezone, settings.currency, settings.locale
        unread = await unread_count(tenant, principal)
    async with db.shared_reads() as shared:
        workspaces = await accounts.workspaces_of(shared, principal.user_id)
        notice = await billing_notice(shared, principal.workspace.id)
    locale = page_locale(request, user.locale or workspace_locale)
    return WorkspacePage(
        request=request,
        principal=principal,
        locale=locale,
        csrf_token=web_session.csrf_token,
        timezone=timezone,
        currency=currency,
        workspaces=workspaces,
        unread=unread,
        billing_notice=notice,
    )
