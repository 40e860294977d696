"""What the salon catalogue's pages share: the tabs, access checks, the request's transaction,
reading forms and turning a service's refusal into a message next to its field."""

import uuid
from decimal import Decimal
from typing import Any

from litestar.exceptions import NotFoundException
from litestar.response import Template

from atrium.platform.errors import DomainError
from atrium.platform.http.auth import database
from atrium.verticals.salon.access import require_salon

SECTION = "salon_catalog"
TABS = (  # key, label (translated in the template), path below /salon/catalog
    ("salons", "Salons", ""),
    ("services", "Services", "/services"),
    ("masters", "Masters", "/masters"),
    ("stock", "Stock", "/stock"),
    ("settings", "Salon settings", "/settings"),
)


def home(page: Any) -> str:
    return f"{page.base}/salon/catalog"


def may_read(page: Any) -> None:
    """402 page when the plan lacks the pack; everyone who books may look at the catalogue."""
    require_salon(page.principal, "salon.book")


def may_change(page: Any) -> None:
    require_salon(page.principal, "salon.manage")


def transaction(page: Any):
    return database(page.request).tenant_transaction(page.principal.workspace.schema)


def path_id(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise NotFoundException() from None


def values_of(form: Any) -> dict[str, str]:
    """The form as typed (first value of each field), to show again after a refusal."""
    return {key: form.get(key, "") for key in form}


def errors_of(page: Any, error: DomainError, fields: dict[str, str] | None = None) -> dict:
    """The refusal next to its field (``fields`` maps a service's field to the form's); a
    record of another workspace, or gone, is the page's 404."""
    if error.status == 404:
        raise NotFoundException() from None
    name = error.field or "_form"
    return {(fields or {}).get(name, name): page.error_text(error)}


def plain(value: Decimal | int | None) -> str:
    """A number as a form field shows it: "1500" rather than "1500.00", "" for none."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text
    return str(value)


def render(page: Any, template: str, status_code: int = 200, *, tab: str, **context) -> Template:
    return page.render(
        template,
        status_code,
        section=SECTION,
        tab=tab,
        tabs=TABS,
        catalog=home(page),
        can_change=page.principal.can("salon.manage"),
        plain=plain,
        **context,
    )
