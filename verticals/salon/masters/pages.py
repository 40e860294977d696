"""Masters' pages of the salon catalogue: the list by salon, adding one, and a master's page
with the services they do (own price and duration), the weekly hours with breaks, time off."""

import re
import uuid
from typing import Any

from babel.core import Locale
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
from atrium.verticals.salon.masters import service as staff
from atrium.verticals.salon.models import TIME_OFF_KINDS, Master

MASTER_FIELDS = ("location_id", "name", "position", "phone", "commission_percent", "color")
INTERVALS = 2  # working intervals a day the grid offers
LISTED = re.compile(r"(hours|breaks)\[(\d+)\]\.(\w+)")


def masters_path(page: WorkspacePage) -> str:
    return f"{home(page)}/masters"


@get("/w/{slug:str}/salon/catalog/masters")
async def masters_page(page: NamedDependency[WorkspacePage]) -> Template:
    may_read(page)
    async with transaction(page) as session:
        locations = await catalog.list_locations(session)
        masters = await staff.list_masters(session)
    by_salon = [(loc, [m for m in masters if m.location_id == loc.id]) for loc in locations]
    return render(page, "salon/catalog_masters.html", tab="masters", by_salon=by_salon)


def _master_data(form: Any) -> dict:
    data = {name: form.get(name, "") for name in MASTER_FIELDS}
    data["online"] = form.get("online", "")
    return data


@get("/w/{slug:str}/salon/catalog/masters/new")
async def master_new(page: NamedDependency[WorkspacePage]) -> Template:
    may_change(page)
    async with transaction(page) as session:
        locations = await catalog.list_locations(session)
    values = {"online": "on", "commission_percent": "40", "color": "#5b6cff"}
    if locations:
        values["location_id"] = str(locations[0].id)
    return render(
        page,
        "salon/catalog_master_new.html",
        tab="masters",
        locations=locations,
        values=values,
        errors={},
    )


@post("/w/{slug:str}/salon/catalog/masters")
async def master_create(
    request: Request, page: NamedDependency[WorkspacePage]
) -> Template | Redirect:
    may_change(page)
    form = await request.form()
    try:
        check_form(form)
        async with transaction(page) as session:
            master = await staff.create_master(session, _master_data(form))
    except DomainError as error:
        errors = errors_of(page, error)
        async with transaction(page) as session:
            locations = await catalog.list_locations(session)
        return render(
            page,
            "salon/catalog_master_new.html",
            422,
            tab="masters",
            locations=locations,
            values=values_of(form),
            errors=errors,
        )
    notice = page._("“%(name)s” is added. Now choose the services and the hours.")
    return page.redirect(f"{masters_path(page)}/{master.id}", notice=notice % {"name": master.name})


def _weekday_names(locale: str) -> list[str]:
    days = Locale.parse(locale).days["format"]["wide"]
    return [days[day] for day in range(7)]


def _grid_values(week: staff.Week) -> dict[str, str]:
    """The week as the grid's fields: h<day>_<n>_starts/ends, b<day>_starts/ends, b_all_…"""
    values: dict[str, str] = {}
    counts = [0] * 7
    for row in week.hours:
        counts[row.weekday] += 1
        if counts[row.weekday] <= INTERVALS:
            prefix = f"h{row.weekday}_{counts[row.weekday]}"
            values[f"{prefix}_starts"] = row.starts.strftime("%H:%M")
            values[f"{prefix}_ends"] = row.ends.strftime("%H:%M")
    for row in week.breaks:
        prefix = "b_all" if row.weekday is None else f"b{row.weekday}"
        values.setdefault(f"{prefix}_starts", row.starts.strftime("%H:%M"))
        values.setdefault(f"{prefix}_ends", row.ends.strftime("%H:%M"))
    return values


async def _master_page(
    page: WorkspacePage,
    master_id: uuid.UUID,
    status: int = 200,
    *,
    forms: dict | None = None,
    errors: dict | None = None,
) -> Template:
    """A master's page; ``forms`` holds what was typed in the form that was refused."""
    async with transaction(page) as session:
        master: Master = await staff.get_master(session, master_id)
        locations = await catalog.list_locations(session, archived=True)
        services = await catalog.list_services(session)
        offers = {o.service_id: o for o in (await staff.offers_of(session, [master.id]))[master.id]}
        week = (await staff.weeks_of(session, [master.id]))[master.id]
        time_off = await staff.list_time_off(session, master.id)
    values = {name: plain(getattr(master, name)) for name in MASTER_FIELDS}
    values |= {"location_id": str(master.location_id), "online": "on" if master.online else ""}
    offered = (
        {f"service_{sid}": "on" for sid in offers}
        | {f"price_{sid}": plain(o.own_price) for sid, o in offers.items()}
        | {f"duration_{sid}": plain(o.own_duration_minutes) for sid, o in offers.items()}
    )
    forms = forms or {}
    return render(
        page,
        "salon/catalog_master.html",
        status,
        tab="masters",
        master=master,
        locations=[loc for loc in locations if not loc.archived_at or loc.id == master.location_id],
        values=forms.get("master", values),
        services=services,
        offered=forms.get("services", offered),
        grid=forms.get("hours", _grid_values(week)),
        weekdays=_weekday_names(page.locale),
        intervals=range(1, INTERVALS + 1),
        time_off=time_off,
        kinds=TIME_OFF_KINDS,
        off=forms.get("time_off", {"kind": "day_off"}),
        errors=errors or {},
    )


@get("/w/{slug:str}/salon/catalog/masters/{master_id:str}")
async def master_page(page: NamedDependency[WorkspacePage], master_id: FromPath[str]) -> Template:
    may_read(page)
    return await _master_page(page, record_id(master_id))


@post("/w/{slug:str}/salon/catalog/masters/{master_id:str}")
async def master_update(
    request: Request, page: NamedDependency[WorkspacePage], master_id: FromPath[str]
) -> Template | Redirect:
    may_change(page)
    found, form = record_id(master_id), await request.form()
    try:
        check_form(form)
        async with transaction(page) as session:
            await staff.update_master(session, found, _master_data(form))
    except DomainError as error:
        return await _master_page(
            page, found, 422, forms={"master": values_of(form)}, errors=errors_of(page, error)
        )
    return page.redirect(f"{masters_path(page)}/{found}", notice=page._("The changes are saved."))


@post("/w/{slug:str}/salon/catalog/masters/{master_id:str}/archive")
async def master_archive(
    page: NamedDependency[WorkspacePage], master_id: FromPath[str]
) -> Redirect:
    may_change(page)
    async with transaction(page) as session:
        master = await staff.archive_master(session, record_id(master_id))
    notice = page._("“%(name)s” is archived.") % {"name": master.name}
    return page.redirect(masters_path(page), notice=notice)


@post("/w/{slug:str}/salon/catalog/masters/{master_id:str}/services")
async def master_services(
    request: Request, page: NamedDependency[WorkspacePage], master_id: FromPath[str]
) -> Template | Redirect:
    may_change(page)
    found, form = record_id(master_id), await request.form()
    offers, where = [], {}
    for key in form:
        if key.startswith("service_") and form.get(key) == "on":
            sid = key.removeprefix("service_")
            index = len(offers)
            where |= {
                f"services[{index}].price": f"price_{sid}",
                f"services[{index}].duration_minutes": f"duration_{sid}",
                f"services[{index}].service_id": f"service_{sid}",
            }
            offers.append(
                {
                    "service_id": sid,
                    "price": form.get(f"price_{sid}", ""),
                    "duration_minutes": form.get(f"duration_{sid}", ""),
                }
            )
    try:
        check_form(form)
        async with transaction(page) as session:
            await staff.set_master_services(session, found, offers)
    except DomainError as error:
        return await _master_page(
            page,
            found,
            422,
            forms={"services": values_of(form)},
            errors=errors_of(page, error, where),
        )
    return page.redirect(f"{masters_path(page)}/{found}", notice=page._("The services are saved."))


def _week_of(form: Any) -> tuple[list, list, list, list]:
    """The grid as staff.set_week takes it, with each row's field prefix for its messages."""
    hours, hour_fields, breaks, break_fields = [], [], [], []
    for day in range(7):
        for n in range(1, INTERVALS + 1):
            prefix = f"h{day}_{n}"
            starts, ends = form.get(f"{prefix}_starts", ""), form.get(f"{prefix}_ends", "")
            if starts or ends:
                hours.append({"weekday": day, "starts": starts, "ends": ends})
                hour_fields.append(prefix)
    for day in (None, *range(7)):
        prefix = "b_all" if day is None else f"b{day}"
        starts, ends = form.get(f"{prefix}_starts", ""), form.get(f"{prefix}_ends", "")
        if starts or ends:
            breaks.append({"weekday": day, "starts": starts, "ends": ends})
            break_fields.append(prefix)
    return hours, hour_fields, breaks, break_fields


@post("/w/{slug:str}/salon/catalog/masters/{master_id:str}/hours")
async def master_hours(
    request: Request, page: NamedDependency[WorkspacePage], master_id: FromPath[str]
) -> Template | Redirect:
    may_change(page)
    found, form = record_id(master_id), await request.form()
    hours, hour_fields, breaks, break_fields = _week_of(form)
    try:
        check_form(form)
        async with transaction(page) as session:
            await staff.set_week(session, found, hours, breaks)
    except DomainError as error:
        where = {}
        if error.field and (listed := LISTED.fullmatch(error.field)):
            prefixes = hour_fields if listed[1] == "hours" else break_fields
            where[error.field] = f"{prefixes[int(listed[2])]}_{listed[3]}"
        return await _master_page(
            page, found, 422, forms={"hours": values_of(form)}, errors=errors_of(page, error, where)
        )
    return page.redirect(f"{masters_path(page)}/{found}", notice=page._("The hours are saved."))


@post("/w/{slug:str}/salon/catalog/masters/{master_id:str}/time-off")
async def time_off_add(
    request: Request, page: NamedDependency[WorkspacePage], master_id: FromPath[str]
) -> Template | Redirect:
    may_change(page)
    found, form = record_id(master_id), await request.form()
    data = {name: form.get(name, "") for name in ("starts_on", "ends_on", "kind", "note")}
    try:
        check_form(form)
        async with transaction(page) as session:
            await staff.add_time_off(session, found, data)
    except DomainError as error:
        return await _master_page(
            page, found, 422, forms={"time_off": values_of(form)}, errors=errors_of(page, error)
        )
    return page.redirect(f"{masters_path(page)}/{found}", notice=page._("The time off is added."))


@post("/w/{slug:str}/salon/catalog/masters/{master_id:str}/time-off/{time_off_id:str}/delete")
async def time_off_delete(
    page: NamedDependency[WorkspacePage], master_id: FromPath[str], time_off_id: FromPath[str]
) -> Redirect:
    may_change(page)
    found = record_id(master_id)
    async with transaction(page) as session:
        await staff.delete_time_off(session, found, record_id(time_off_id))
    return page.redirect(f"{masters_path(page)}/{found}", notice=page._("The time off is deleted."))


routes = [
    masters_page,
    master_new,
    master_create,
    master_page,
    master_update,
    master_archive,
    master_services,
    master_hours,
    time_off_add,
    time_off_delete,
]
