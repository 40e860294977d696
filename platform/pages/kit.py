"""What a domain's or a pack's HTML pages get from the app, and small helpers they share.

A page handler asks for ``page`` (a signed-in member's page) or ``visitor`` (a public page) and
the app injects them (web/pages/kit.py builds both): so pages live beside their domain and never
import the web layer. The protocols name what a page may use.
"""

import uuid
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

from litestar import Request
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template

from atrium.platform.auth.principal import Principal
from atrium.platform.errors import DomainError
from atrium.platform.forms import FormFields
from atrium.platform.http.auth import database


@runtime_checkable  # litestar checks an injected page against it
class WorkspacePage(Protocol):
    """A signed-in member on one of their workspace's pages (/w/<slug>/...)."""

    request: Request
    principal: Principal
    locale: str
    csrf_token: str
    timezone: str
    currency: str

    @property
    def slug(self) -> str: ...

    @property
    def base(self) -> str: ...  # /w/<slug>

    def _(self, text: str, **values) -> str: ...

    def ngettext(self, singular: str, plural: str, num: int, **values) -> str: ...

    def redirect(
        self, path: str, *, notice: str | None = None, error: str | None = None
    ) -> Redirect: ...

    def error_text(self, error: DomainError) -> str: ...

    def form_errors(self, fields: FormFields | None, *errors: DomainError) -> dict[str, str]: ...

    def form_problems(self, fields: FormFields, form: Any) -> dict[str, str]: ...

    def tabs(self, key: str) -> Sequence[Any]: ...

    def render(
        self,
        template: str,
        status_code: int = 200,
        *,
        section: str = "home",
        form_fields: FormFields | None = None,
        **context,
    ) -> Template: ...


@runtime_checkable
class VisitorPage(Protocol):
    """A visitor (not signed in) on a public page, such as a salon's booking page."""

    request: Request

    def locale(self, fallback: str | None = None) -> str: ...

    def _(self, text: str, locale: str, **values) -> str: ...

    def error_text(self, error: DomainError, locale: str) -> str: ...

    def render(
        self,
        template: str,
        status_code: int = 200,
        *,
        locale: str,
        timezone: str = "UTC",
        currency: str = "RUB",
        **context,
    ) -> Template: ...

    def form_is_genuine(self, form: dict[str, str]) -> bool: ...


class Unreadable(Exception):
    """A form value the page could not read, already worded in the page's language."""

    def __init__(self, field: str, text: str) -> None:
        super().__init__(text)
        self.field, self.text = field, text


def transaction(page: WorkspacePage):
    """The member's workspace, in one transaction (committed when the block ends well)."""
    return database(page.request).tenant_transaction(page.principal.workspace.schema)


def record_id(raw: str) -> uuid.UUID:
    """An id from a page's path; anything else is a 404, like a record that is not there."""
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise NotFoundException() from None


def refused(page: WorkspacePage, text: str) -> Template:
    """A clear 403 settings page saying why."""
    return page.render("settings/_team_refused.html", 403, section="settings", text=text)


def refusal(page: WorkspacePage, permission: str) -> Template | None:
    """A clear 403 page when the member's role lacks ``permission``; None when it has it."""
    if page.principal.can(permission):
        return None
    return refused(
        page, page._("Your role cannot change these settings: ask the owner or an administrator.")
    )


def whole_number(
    page: WorkspacePage, raw: str, field: str, *, low: int, high: int, blank: int | None
) -> int | None:
    """An integer as typed ("1 000" too); ``blank`` when the box is left empty."""
    cleaned = raw.replace("\u00a0", "").replace(" ", "")
    if not cleaned:
        return blank
    if not cleaned.isdecimal() or not low <= int(cleaned) <= high:
        raise Unreadable(
            field, page._("Enter a whole number from %(low)d to %(high)d.", low=low, high=high)
        )
    return int(cleaned)


def not_found_or(error: DomainError) -> DomainError:
    """Another workspace's (or a deleted) record is a 404 page, like one that never was."""
    if error.status == 404:
        raise NotFoundException() from None
    return error
