"""Stock pages of the salon catalogue: one salon's levels with what to reorder first, a
receipt form, a count (adjustment), and adding or changing an item with its reorder rule."""

import uuid
from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from atrium.platform.errors import DomainError
from atrium.platform.pages.kit import WorkspacePage, record_id, transaction
from atrium.verticals.salon.catalog import service as catalog
from atrium.verticals.salon.catalog.page_kit import (
    check_form,
    errors_of,
    home,
    may_change,
    may_read,
    plain,
    render,
    values_of,
)
from atrium.verticals.salon.models import STOCK_KINDS, Location
from atrium.verticals.salon.stock import service as stock

RECEIPT_LINES = 5


def stock_path(page: WorkspacePage, location_id: uuid.UUID | str | None = None) -> str:
    return f"{home(page)}/stock" + (f"?location={location_id}" if location_id else "")


def _chosen(locations: list[Location], raw: str | None) -> Location | None:
    return next(
        (loc for loc in locations if str(loc.id) == raw), locations[0] if locations else None
    )


async def _stock_page(
    page: WorkspacePage,
    raw_location: str | None,
    status: int = 200,
    *,
    forms: dict | None = None,
    errors: dict | None = None,
) -> Template:
    async with transaction(page) as session:
        locations = await catalog.list_locations(session)
        location = _chosen(locations, raw_location)
        levels = await stock.salon_stock(session, location.id) if location else []
    forms = forms or {}
    return render(
        page,
        "salon/catalog_stock.html",
        status,
        tab="stock",
        locations=locations,
        location=location,
        levels=levels,
        reorder=[level for level in levels if level.low],
        kinds=STOCK_KINDS,
        receipt=forms.get("receipt", {}),
        count=forms.get("count", {}),
        item=forms.get("item", {"kind": "consumable", "unit": page._("pcs")}),
        lines=range(RECEIPT_LINES),
        errors=errors or {},
    )


@get("/w/{slug:str}/salon/catalog/stock")
async def stock_page(request: Request, page: NamedDependency[WorkspacePage]) -> Template:
    may_read(page)
    return await _stock_page(page, request.query_params.get("location"))


@post("/w/{slug:str}/salon/catalog/stock/receipts")
async def receipt_create(
    request: Request, page: NamedDependency[WorkspacePage]
) -> Template | Redirect:
    may_change(page)
    form = await request.form()
    lines, where = [], {}
    for n in range(RECEIPT_LINES):
        item_id, amount = form.get(f"item_{n}", ""), form.get(f"quantity_{n}", "")
        if item_id or amount.strip():
            where |= {
                f"lines[{len(lines)}].item_id": f"item_{n}",
                f"lines[{len(lines)}].quantity": f"quantity_{n}",
            }
            lines.append({"item_id": item_id, "quantity": amount})
    data = {
        "location_id": form.get("location_id", ""),
        "lines": lines,
        "note": form.get("note", ""),
    }
    try:
        check_form(form)
        async with transaction(page) as session:
            await stock.receive(session, data, page.principal.user_id)
    except DomainError as error:
        return await _stock_page(
            page,
            data["location_id"],
            422,
            forms={"receipt": values_of(form)},
            errors=errors_of(page, error, where | {"lines": "item_0"}),
        )
    notice = page._("The receipt is saved.")
    return page.redirect(stock_path(page, data["location_id"]), notice=notice)


@post("/w/{slug:str}/salon/catalog/stock/counts")
async def count_create(
    request: Request, page: NamedDependency[WorkspacePage]
) -> Template | Redirect:
    may_change(page)
    form = await request.form()
    data = {name: form.get(name, "") for name in ("location_id", "item_id", "quantity", "note")}
    fields = {"item_id": "count_item_id", "quantity": "count_quantity"}
    try:
        check_form(form)
        async with transaction(page) as session:
            await stock.adjust(session, data, page.principal.user_id)
    except DomainError as error:
        return await _stock_page(
            page,
            data["location_id"],
            422,
            forms={"count": values_of(form)},
            errors=errors_of(page, error, fields),
        )
    notice = page._("The stocktake is saved.")
    return page.redirect(stock_path(page, data["location_id"]), notice=notice)


def _item_data(form: Any) -> dict:
    """The item form (fields item_name, item_kind, ...) as stock.create_item takes it."""
    data = {name: form.get(f"item_{name}", "") for name in ("name", "kind", "unit", "price")}
    if form.get("location_id"):
        data["levels"] = [
            {
                name: form.get(name, "")
                for name in ("location_id", "reorder_level", "reorder_quantity")
            }
        ]
    return data


ITEM_FIELDS = {
    "name": "item_name",
    "kind": "item_kind",
    "unit": "item_unit",
    "price": "item_price",
    "levels[0].reorder_level": "reorder_level",
    "levels[0].reorder_quantity": "reorder_quantity",
}


@post("/w/{slug:str}/salon/catalog/stock/items")
async def item_create(
    request: Request, page: NamedDependency[WorkspacePage]
) -> Template | Redirect:
    may_change(page)
    form = await request.form()
    data = _item_data(form)
    try:
        check_form(form)
        async with transaction(page) as session:
            item = await stock.create_item(session, data)
    except DomainError as error:
        return await _stock_page(
            page,
            form.get("location_id"),
            422,
            forms={"item": values_of(form)},
            errors=errors_of(page, error, ITEM_FIELDS),
        )
    notice = page._("“%(name)s” is added.") % {"name": item.name}
    return page.redirect(stock_path(page, form.get("location_id")), notice=notice)


async def _item_form(
    page: WorkspacePage,
    item_id: uuid.UUID,
    location_id: str | None,
    status: int = 200,
    *,
    values: dict | None = None,
    errors: dict | None = None,
) -> Template:
    async with transaction(page) as session:
        item = await stock.get_item(session, item_id)
        locations = await catalog.list_locations(session)
        location = _chosen(locations, location_id)
        held = await stock.levels_of(session, item_ids=[item.id])
    level = next((lv for lv in held if location and lv.location_id == location.id), None)
    shown = {
        "item_name": item.name,
        "item_kind": item.kind,
        "item_unit": item.unit,
        "item_price": plain(item.price),
        "reorder_level": plain(level.reorder_level) if level else "0",
        "reorder_quantity": plain(level.reorder_quantity) if level else "0",
    }
    return render(
        page,
        "salon/catalog_stock_item.html",
        status,
        tab="stock",
        item=item,
        location=location,
        kinds=STOCK_KINDS,
        values=values or shown,
        errors=errors or {},
    )


@get("/w/{slug:str}/salon/catalog/stock/items/{item_id:str}")
async def item_edit(
    request: Request, page: NamedDependency[WorkspacePage], item_id: FromPath[str]
) -> Template:
    may_change(page)
    return await _item_form(page, record_id(item_id), request.query_params.get("location"))


@post("/w/{slug:str}/salon/catalog/stock/items/{item_id:str}")
async def item_update(
    request: Request, page: NamedDependency[WorkspacePage], item_id: FromPath[str]
) -> Template | Redirect:
    may_change(page)
    found, form = record_id(item_id), await request.form()
    data = _item_data(form)
    data["archived"] = form.get("archived", "")
    try:
        check_form(form)
        async with transaction(page) as session:
            await stock.update_item(session, found, data)
    except DomainError as error:
        return await _item_form(
            page,
            found,
            form.get("location_id"),
            422,
            values=values_of(form),
            errors=errors_of(page, error, ITEM_FIELDS),
        )
    notice = page._("The changes are saved.")
    return page.redirect(stock_path(page, form.get("location_id")), notice=notice)


routes = [stock_page, receipt_create, count_create, item_create, item_edit, item_update]
