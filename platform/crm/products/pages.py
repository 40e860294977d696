"""Products and services settings: the list with search and prices in the workspace currency,
and the add and edit forms. Anyone who reads the CRM sees the list; changes need crm.settings,
as /api/v1/products does."""

import secrets
import uuid
from decimal import Decimal

from litestar import Request, get, post
from litestar.datastructures import FormMultiDict
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from atrium.platform.crm.deals.pages import _decimal
from atrium.platform.crm.products import service
from atrium.platform.crm.products.models import PRODUCT_KINDS
from atrium.platform.errors import DomainError
from atrium.platform.forms import Field, FormFields, gettext
from atrium.platform.pages.kit import (
    Unreadable,
    WorkspacePage,
    not_found_or,
    record_id,
    refusal,
    transaction,
)

PAGE_SIZE = 25
CENTS = Decimal("0.01")
PRODUCT_FORM = FormFields(
    name=Field(gettext("Name"), service.TEXT_LIMITS["name"], required=True),
    kind=Field(gettext("Kind")),
    price=Field(gettext("Price"), required=True),
    sku=Field(gettext("SKU"), service.TEXT_LIMITS["sku"]),
    category=Field(gettext("Category"), service.CATEGORY_LIMIT),
    unit=Field(gettext("Unit"), service.TEXT_LIMITS["unit"]),
)


def _kind_labels(page: WorkspacePage) -> dict[str, str]:
    return {"product": page._("Product"), "service": page._("Service")}


@get("/w/{slug:str}/settings/products")
async def products_page(request: Request, page: NamedDependency[WorkspacePage]) -> Template:
    if refused := refusal(page, "crm.read"):
        return refused
    q = request.query_params.get("q", "").strip()
    errors: dict[str, str] = {}
    async with transaction(page) as session:
        try:
            found = await service.list_products(
                session,
                q=q or None,
                cursor=request.query_params.get("cursor") or None,
                limit=PAGE_SIZE,
            )
            items, next_cursor = found.items, found.next_cursor
        except DomainError as error:  # a cursor typed by hand
            errors["q"] = page.error_text(error)
            items, next_cursor = [], None
        categories = await service.category_names(session, [p.category_id for p in items])
    return page.render(
        "settings/products.html",
        section="settings",
        products=items,
        categories=categories,
        next_cursor=next_cursor,
        q=q,
        can_change=page.principal.can("crm.settings"),
        kind_labels=_kind_labels(page),
        errors=errors,
    )


def _product_data(page: WorkspacePage, form: FormMultiDict, *, creating: bool) -> dict:
    """The form as products.create_product / update_product take it."""
    if not form.get("name", "").strip():
        raise Unreadable("name", page._("Enter the name."))
    if not form.get("price", "").strip():
        raise Unreadable("price", page._("Enter the price."))
    price = _decimal(form.get("price", ""), "price")  # "1 500,50" as well as "1500.50"
    if not price.is_finite() or price < 0 or price != price.quantize(CENTS):
        raise Unreadable("price", page._("Enter a price of 0 or more, with at most 2 decimals."))
    data = {
        "name": form.get("name", ""),
        "kind": form.get("kind") or "product",
        "price": price,
        "category": form.get("category", "").strip() or None,
        "active": form.get("active") == "on",
    }
    if sku := form.get("sku", "").strip():
        data["sku"] = sku
    elif creating:  # the catalogue needs a unique SKU; one is made up for who has none
        data["sku"] = f"P-{secrets.token_hex(3).upper()}"
    return data


async def _form_page(
    page: WorkspacePage,
    status_code: int = 200,
    *,
    product_id: uuid.UUID | None = None,
    values: dict,
    errors: dict | None = None,
) -> Template:
    """The add form, or the edit form of ``product_id``."""
    return page.render(
        "settings/product_form.html",
        status_code,
        section="settings",
        form_fields=PRODUCT_FORM,
        product_id=product_id,
        values=values,
        errors=errors or {},
        kinds=PRODUCT_KINDS,
        kind_labels=_kind_labels(page),
    )


def _values_of(form: FormMultiDict) -> dict:
    return {key: form.get(key, "") for key in form}


def _failure(page: WorkspacePage, problem: Exception) -> tuple[int, dict[str, str]]:
    if isinstance(problem, Unreadable):
        return 422, {problem.field: problem.text}
    error = not_found_or(problem)
    return error.status, page.form_errors(PRODUCT_FORM, error)


@get("/w/{slug:str}/settings/products/new")
async def product_new(request: Request, page: NamedDependency[WorkspacePage]) -> Template:
    if refused := refusal(page, "crm.settings"):
        return refused
    return await _form_page(page, values={"kind": "product", "active": "on"})


@post("/w/{slug:str}/settings/products")
async def product_create(
    request: Request, page: NamedDependency[WorkspacePage]
) -> Template | Redirect:
    if refused := refusal(page, "crm.settings"):
        return refused
    form = await request.form()
    try:
        PRODUCT_FORM.check(form)
        data = _product_data(page, form, creating=True)
        async with transaction(page) as session:
            product = await service.create_product(session, data)
    except (Unreadable, DomainError) as problem:
        status, errors = _failure(page, problem)
        return await _form_page(page, status, values=_values_of(form), errors=errors)
    return page.redirect(
        f"{page.base}/settings/products",
        notice=page._("“%(name)s” is added.") % {"name": product.name},
    )


@get("/w/{slug:str}/settings/products/{product_id:str}")
async def product_edit(
    request: Request, page: NamedDependency[WorkspacePage], product_id: FromPath[str]
) -> Template:
    if refused := refusal(page, "crm.settings"):
        return refused
    async with transaction(page) as session:
        try:
            product = await service.get_product(session, record_id(product_id))
        except DomainError as error:
            raise not_found_or(error) from None
        category = await service.category_names(session, [product.category_id])
    values = {
        "name": product.name,
        "kind": product.kind,
        "sku": product.sku,
        "price": str(product.price),
        "category": category.get(product.category_id, ""),
        "active": "on" if product.active else "",
    }
    return await _form_page(page, product_id=product.id, values=values)


@post("/w/{slug:str}/settings/products/{product_id:str}")
async def product_update(
    request: Request, page: NamedDependency[WorkspacePage], product_id: FromPath[str]
) -> Template | Redirect:
    if refused := refusal(page, "crm.settings"):
        return refused
    ident = record_id(product_id)
    form = await request.form()
    try:
        async with transaction(page) as session:
            await service.get_product(session, ident)  # another workspace's id: 404 first
            PRODUCT_FORM.check(form)
            data = _product_data(page, form, creating=False)
            product = await service.update_product(session, ident, data)
    except (Unreadable, DomainError) as problem:
        status, errors = _failure(page, problem)
        return await _form_page(
            page, status, product_id=ident, values=_values_of(form), errors=errors
        )
    return page.redirect(
        f"{page.base}/settings/products",
        notice=page._("“%(name)s” is saved.") % {"name": product.name},
    )


routes = [products_page, product_new, product_create, product_edit, product_update]
