"""What the salon catalogue's pages share: the tabs, access checks, the request's transaction,
reading forms and turning a service's refusal into a message next to its field."""

from decimal import Decimal
from typing import Any

from litestar.exceptions import NotFoundException
from litestar.response import Template

from atrium.platform.crm.records.normalize import PHONE_INPUT_LIMIT
from atrium.platform.errors import DomainError
from atrium.platform.forms import Field, FormFields, gettext
from atrium.platform.pages.kit import WorkspacePage
from atrium.verticals.salon.access import require_salon
from atrium.verticals.salon.catalog import service as catalog
from atrium.verticals.salon.masters import service as staff
from atrium.verticals.salon.stock import service as stock

SECTION = "salon_catalog"
TABS = (  # key, label (translated in the template), path below /salon/catalog
    ("salons", "Salons", ""),
    ("services", "Services", "/services"),
    ("masters", "Masters", "/masters"),
    ("stock", "Stock", "/stock"),
    ("settings", "Salon settings", "/settings"),
)


# The catalogue's forms' text fields: labels in messages, the services' limits as maxlength.
CATALOG_FORM = FormFields(
    name=Field(gettext("Name"), catalog.NAME_LIMIT, required=True),
    address=Field(gettext("Address"), catalog.ADDRESS_LIMIT),
    phone=Field(gettext("Phone"), PHONE_INPUT_LIMIT),
    slug=Field(gettext("Booking page address"), catalog.SLUG_LIMIT),
    category=Field(gettext("Category"), catalog.CATEGORY_LIMIT),
    duration_minutes=Field(gettext("Duration, minutes"), required=True),
    price=Field(gettext("Price"), required=True),
    description=Field(gettext("Description"), catalog.DESCRIPTION_LIMIT),
    position=Field(gettext("Position"), staff.POSITION_LIMIT),
    note=Field(gettext("Note"), min(staff.NOTE_LIMIT, stock.NOTE_LIMIT)),
    item_name=Field(gettext("Name"), catalog.NAME_LIMIT, required=True),
    item_unit=Field(gettext("Unit"), stock.UNIT_LIMIT, required=True),
    reminder_hours=Field(
        gettext("Remind this many hours before a visit"), catalog.REMINDER_INPUT_LIMIT
    ),
    widget_sites=Field(
        gettext("Sites that may show the booking button"), catalog.WIDGET_SITES_INPUT_LIMIT
    ),
    # Fields without a length: here so that messages name them by their labels.
    timezone=Field(gettext("Time zone")),
    slot_step_minutes=Field(gettext("Slot step, minutes")),
    cancel_window_hours=Field(gettext("Clients may cancel up to this many hours before")),
    booking_horizon_days=Field(gettext("Booking opens this many days ahead")),
    loyalty_threshold=Field(gettext("Spend for a discount card")),
    loyalty_discount_percent=Field(gettext("Discount, %")),
    loyalty_points_percent=Field(gettext("Points, % of the bill")),
    repeat_after_days=Field(gettext("Suggest the next visit after, days")),
    commission_percent=Field(gettext("Commission, %")),
    color=Field(gettext("Colour in the journal")),
    item_price=Field(gettext("Retail price")),
    reorder_quantity=Field(gettext("Order quantity")),
    rebook_days_early=Field(gettext("Invite to book again, days before the service is due")),
    vip_quarters=Field(gettext("Quarters with visits")),
    vip_spend=Field(gettext("Spent")),
)
# A row's own fields (a master's price for one service): named by what they hold.
ROW_LABELS = {"price_": gettext("Own price"), "duration_": gettext("Own duration, minutes")}


def home(page: WorkspacePage) -> str:
    return f"{page.base}/salon/catalog"


def may_read(page: WorkspacePage) -> None:
    """402 page when the plan lacks the pack; everyone who books may look at the catalogue."""
    require_salon(page.principal, "salon.book")


def may_change(page: WorkspacePage) -> None:
    require_salon(page.principal, "salon.manage")


def values_of(form: Any) -> dict[str, str]:
    """The form as typed (first value of each field), to show again after a refusal."""
    return {key: form.get(key, "") for key in form}


def check_form(form: Any) -> None:
    """Every too long or missing text of the submit at once, before a service reads it."""
    CATALOG_FORM.check(form)


def errors_of(
    page: WorkspacePage, error: DomainError, fields: dict[str, str] | None = None
) -> dict:
    """The refusal next to its field (``fields`` maps a service's field to the form's), named
    by its label; a record of another workspace, or gone, is the page's 404."""
    if error.status == 404:
        raise NotFoundException() from None
    if error.field in (fields or {}):
        old, error.field = error.field, fields[error.field]
        error.params = {k: error.field if v == old else v for k, v in error.params.items()}
    known = FormFields(CATALOG_FORM)
    if error.field and error.field not in known:  # a field of its own (a row, an hour)
        label = next(
            (text for start, text in ROW_LABELS.items() if error.field.startswith(start)),
            error.field,
        )
        known[error.field] = Field(label)
    return page.form_errors(known, error)


def plain(value: Decimal | int | None) -> str:
    """A number as a form field shows it: "1500" rather than "1500.00", "" for none."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text
    return str(value)


def render(
    page: WorkspacePage, template: str, status_code: int = 200, *, tab: str, **context
) -> Template:
    return page.render(
        template,
        status_code,
        section=SECTION,
        form_fields=CATALOG_FORM,
        tab=tab,
        tabs=TABS,
        catalog=home(page),
        can_change=page.principal.can("salon.manage"),
        plain=plain,
        **context,
    )
