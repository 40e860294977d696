"""The salon catalogue's pages for the administrator, under /w/<slug>/salon/catalog: salons,
services with their consumables, and the salon settings (reminders, the VIP rule); masters and
stock have their own modules. Everyone who books may look; changes need salon.manage."""

import zoneinfo
from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from atrium.platform.errors import DomainError
from atrium.platform.notify.sms import sms_route
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
from atrium.verticals.salon.models import PHONE_CHECKS, Location, Service
from atrium.verticals.salon.online import phone_check
from atrium.verticals.salon.stock.service import list_items

STEPS = (5, 10, 15, 20, 30, 60)
BLANK_ROWS = [("", "")] * 3  # empty rows the service form offers beyond the ones in use
LOCATION_FIELDS = (
    "name",
    "slug",
    "address",
    "phone",
    "timezone",
    "cancel_window_hours",
    "slot_step_minutes",
    "booking_horizon_days",
    "loyalty_threshold",
    "loyalty_discount_percent",
    "loyalty_points_percent",
)


# Salons


@get("/w/{slug:str}/salon/catalog")
async def salons_page(request: Request, page: NamedDependency[WorkspacePage]) -> Template:
    may_read(page)
    async with transaction(page) as session:
        locations = await catalog.list_locations(session, archived=True)
    return render(page, "salon/catalog_salons.html", tab="salons", locations=locations)


def _location_values(location: Location) -> dict:
    values = {name: plain(getattr(location, name)) for name in LOCATION_FIELDS}
    values["timezone"] = location.timezone or ""
    values["online_booking"] = "on" if location.online_booking else ""
    return values


def _salon_form(page: WorkspacePage, status: int = 200, **context) -> Template:
    return render(
        page,
        "salon/catalog_salon_form.html",
        status,
        tab="salons",
        steps=STEPS,
        zones=sorted(zoneinfo.available_timezones()),
        **context,
    )


def _location_data(form: Any) -> dict:
    data = {name: form.get(name, "") for name in LOCATION_FIELDS}
    data["online_booking"] = form.get("online_booking", "")
    return data


@get("/w/{slug:str}/salon/catalog/salons/new")
async def salon_new(page: NamedDependency[WorkspacePage]) -> Template:
    may_change(page)
    values = {
        "online_booking": "on",
        "cancel_window_hours": "24",
        "slot_step_minutes": "15",
        "booking_horizon_days": "60",
    }
    return _salon_form(page, location=None, values=values, errors={})


@post("/w/{slug:str}/salon/catalog/salons")
async def salon_create(
    request: Request, page: NamedDependency[WorkspacePage]
) -> Template | Redirect:
    may_change(page)
    form = await request.form()
    try:
        check_form(form)
        async with transaction(page) as session:
            location = await catalog.create_location(session, _location_data(form))
    except DomainError as error:
        errors = errors_of(page, error)
        return _salon_form(page, 422, location=None, values=values_of(form), errors=errors)
    notice = page._("“%(name)s” is added.") % {"name": location.name}
    return page.redirect(home(page), notice=notice)


@get("/w/{slug:str}/salon/catalog/salons/{location_id:str}")
async def salon_edit(page: NamedDependency[WorkspacePage], location_id: FromPath[str]) -> Template:
    may_change(page)
    async with transaction(page) as session:
        location = await catalog.get_location(session, record_id(location_id))
    return _salon_form(page, location=location, values=_location_values(location), errors={})


@post("/w/{slug:str}/salon/catalog/salons/{location_id:str}")
async def salon_update(
    request: Request, page: NamedDependency[WorkspacePage], location_id: FromPath[str]
) -> Template | Redirect:
    may_change(page)
    form = await request.form()
    try:
        check_form(form)
        async with transaction(page) as session:
            location = await catalog.update_location(
                session, record_id(location_id), _location_data(form)
            )
    except DomainError as error:
        errors = errors_of(page, error)
        async with transaction(page) as session:
            location = await catalog.get_location(session, record_id(location_id))
        return _salon_form(page, 422, location=location, values=values_of(form), errors=errors)
    return page.redirect(home(page), notice=page._("The changes are saved."))


@post("/w/{slug:str}/salon/catalog/salons/{location_id:str}/archive")
async def salon_archive(
    page: NamedDependency[WorkspacePage], location_id: FromPath[str]
) -> Redirect:
    may_change(page)
    async with transaction(page) as session:
        location = await catalog.archive_location(session, record_id(location_id))
    notice = page._("“%(name)s” is archived.") % {"name": location.name}
    return page.redirect(home(page), notice=notice)


# Services


@get("/w/{slug:str}/salon/catalog/services")
async def services_page(page: NamedDependency[WorkspacePage]) -> Template:
    may_read(page)
    async with transaction(page) as session:
        services = await catalog.list_services(session)
        used = await catalog.consumables_of(session, [service.id for service in services])
    return render(
        page,
        "salon/catalog_services.html",
        tab="services",
        groups=catalog.by_category(services),
        used=used,
    )


async def _service_form(
    page: WorkspacePage,
    status: int = 200,
    *,
    service: Service | None,
    values: dict,
    rows: list,
    errors: dict,
) -> Template:
    async with transaction(page) as session:
        items = (await list_items(session)).items
        categories = sorted({s.category for s in await catalog.list_services(session)} - {""})
    return render(
        page,
        "salon/catalog_service_form.html",
        status,
        tab="services",
        service=service,
        values=values,
        rows=rows,
        items=items,
        categories=categories,
        errors=errors,
    )


def _service_data(form: Any) -> tuple[dict, list, dict[str, str]]:
    """The form as catalog.create_service takes it, the consumable rows as typed, and where
    a consumable's refusal is shown (the service counts only the rows filled in)."""
    fields = ("name", "category", "duration_minutes", "price", "repeat_after_days", "description")
    data: dict[str, Any] = {name: form.get(name, "") for name in fields}
    data["online"] = form.get("online", "")
    rows = list(zip(form.getall("item_id", []), form.getall("quantity", []), strict=False))
    data["consumables"], where = [], {}
    for index, (item_id, amount) in enumerate(rows):
        if item_id or amount.strip():
            used = len(data["consumables"])
            where[f"consumables[{used}].item_id"] = f"item_id_{index}"
            where[f"consumables[{used}].quantity"] = f"quantity_{index}"
            data["consumables"].append((item_id, amount))
    return data, rows, where


@get("/w/{slug:str}/salon/catalog/services/new")
async def service_new(page: NamedDependency[WorkspacePage]) -> Template:
    may_change(page)
    values = {"online": "on", "duration_minutes": "60"}
    return await _service_form(page, service=None, values=values, rows=BLANK_ROWS, errors={})


@post("/w/{slug:str}/salon/catalog/services")
async def service_create(
    request: Request, page: NamedDependency[WorkspacePage]
) -> Template | Redirect:
    may_change(page)
    form = await request.form()
    data, rows, where = _service_data(form)
    try:
        check_form(form)
        async with transaction(page) as session:
            service = await catalog.create_service(session, data)
    except DomainError as error:
        errors = errors_of(page, error, where)
        return await _service_form(
            page, 422, service=None, values=values_of(form), rows=rows, errors=errors
        )
    notice = page._("“%(name)s” is added.") % {"name": service.name}
    return page.redirect(f"{home(page)}/services", notice=notice)


@get("/w/{slug:str}/salon/catalog/services/{service_id:str}")
async def service_edit(page: NamedDependency[WorkspacePage], service_id: FromPath[str]) -> Template:
    may_change(page)
    async with transaction(page) as session:
        service = await catalog.get_service(session, record_id(service_id))
        used = (await catalog.consumables_of(session, [service.id]))[service.id]
    values = {
        name: plain(getattr(service, name))
        for name in ("name", "category", "duration_minutes", "price", "repeat_after_days")
    }
    values |= {"description": service.description, "online": "on" if service.online else ""}
    rows = [(str(c.item_id), plain(c.quantity)) for c in used] + BLANK_ROWS
    return await _service_form(page, service=service, values=values, rows=rows, errors={})


@post("/w/{slug:str}/salon/catalog/services/{service_id:str}")
async def service_update(
    request: Request, page: NamedDependency[WorkspacePage], service_id: FromPath[str]
) -> Template | Redirect:
    may_change(page)
    form = await request.form()
    data, rows, where = _service_data(form)
    try:
        check_form(form)
        async with transaction(page) as session:
            await catalog.update_service(session, record_id(service_id), data)
    except DomainError as error:
        errors = errors_of(page, error, where)
        async with transaction(page) as session:
            service = await catalog.get_service(session, record_id(service_id))
        return await _service_form(
            page, 422, service=service, values=values_of(form), rows=rows, errors=errors
        )
    return page.redirect(f"{home(page)}/services", notice=page._("The changes are saved."))


@post("/w/{slug:str}/salon/catalog/services/{service_id:str}/archive")
async def service_archive(
    page: NamedDependency[WorkspacePage], service_id: FromPath[str]
) -> Redirect:
    may_change(page)
    async with transaction(page) as session:
        service = await catalog.archive_service(session, record_id(service_id))
    notice = page._("“%(name)s” is archived.") % {"name": service.name}
    return page.redirect(f"{home(page)}/services", notice=notice)


# Salon settings


async def _settings_form(
    page: WorkspacePage, values: dict, errors: dict, status: int = 200
) -> Template:
    booking_url = f"{page.request.app.state.settings.base_url}/book/{page.principal.workspace.slug}"
    async with transaction(page) as session:
        ready = {mode: await phone_check.channel_ready(session, mode) for mode in PHONE_CHECKS}
        sms_kept = await sms_route(session) == "outbox"
    return render(
        page,
        "salon/catalog_settings.html",
        status,
        tab="settings",
        channels=catalog.REMINDER_CHANNELS,
        values=values,
        errors=errors,
        booking_url=booking_url,
        widget_snippet=f'<script src="{booking_url}/widget.js" async></script>',
        phone_checks=PHONE_CHECKS,
        channel_ready=ready,
        sms_kept=sms_kept,
    )


@get("/w/{slug:str}/salon/catalog/settings")
async def settings_page(page: NamedDependency[WorkspacePage]) -> Template:
    may_read(page)
    async with transaction(page) as session:
        settings = await catalog.salon_settings(session)
    values = {
        "reminder_hours": ", ".join(str(hours) for hours in settings.reminder_hours),
        "rebook_days_early": str(settings.rebook_days_early),
        "vip_quarters": str(settings.vip_quarters),
        "vip_spend": plain(settings.vip_spend),
        "widget_sites": "\n".join(settings.widget_sites),
        "phone_check": settings.phone_check,
        **{f"channel_{name}": "on" for name in settings.reminder_channels},
    }
    return await _settings_form(page, values, {})


@post("/w/{slug:str}/salon/catalog/settings")
async def settings_update(
    request: Request, page: NamedDependency[WorkspacePage]
) -> Template | Redirect:
    may_change(page)
    form = await request.form()
    data = {
        name: form.get(name, "")
        for name in (
            "reminder_hours", "rebook_days_early", "vip_quarters", "vip_spend", "widget_sites"
        )
    }  # fmt: skip
    if "phone_check" in form:
        data["phone_check"] = form.get("phone_check")
    data["reminder_channels"] = [
        name for name in catalog.REMINDER_CHANNELS if form.get(f"channel_{name}") == "on"
    ]
    try:
        check_form(form)
        async with transaction(page) as session:
            await catalog.update_salon_settings(session, data)
    except DomainError as error:
        return await _settings_form(page, values_of(form), errors_of(page, error), 422)
    return page.redirect(f"{home(page)}/settings", notice=page._("The changes are saved."))


routes = [
    salons_page,
    salon_new,
    salon_create,
    salon_edit,
    salon_update,
    salon_archive,
    services_page,
    service_new,
    service_create,
    service_edit,
    service_update,
    service_archive,
    settings_page,
    settings_update,
]
