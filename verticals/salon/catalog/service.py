"""The salon's catalogue: its salons (locations) with their booking and loyalty rules, the
services with the consumables each uses, and the workspace's salon settings (reminders, VIP).
Services take a session and never commit; masters live in masters/, stock in stock/."""

import re
import uuid
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from slugify import slugify
from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.db.names import by_name
from atrium.platform.db.types import utcnow
from atrium.platform.errors import Conflict, Invalid, NotFound
from atrium.platform.http.origins import site_origin
from atrium.platform.tenancy.service import workspace_settings
from atrium.verticals.salon.catalog import checks as check
from atrium.verticals.salon.models import (
    PHONE_CHECKS,
    Location,
    SalonSettings,
    Service,
    ServiceConsumable,
    StockItem,
)

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
REMINDER_CHANNELS = ("telegram", "sms", "email")


async def workspace_country(session: AsyncSession) -> str | None:
    return (await workspace_settings(session)).country or None


# Salons


async def list_locations(session: AsyncSession, *, archived: bool = False) -> list[Location]:
    query = select(Location).order_by(*by_name(Location.name), Location.id)
    if not archived:
        query = query.where(Location.archived_at.is_(None))
    return list(await session.scalars(query))


async def get_location(session: AsyncSession, location_id: uuid.UUID) -> Location:
    location = await session.get(Location, location_id)
    if location is None:
        raise NotFound("No such salon.")
    return location


async def active_location(session: AsyncSession, raw: Any, field: str = "location_id") -> Location:
    """A salon chosen in a request body: one that exists and is open (else 422 on ``field``)."""
    location = await session.get(Location, check.record_id(raw, field))
    if location is None or location.archived_at is not None:
        raise Invalid("No such salon.", field=field)
    return location


async def _free_slug(session: AsyncSession, name: str) -> str:
    base = slugify(name, max_length=50, word_boundary=True) or "salon"
    taken = set(await session.scalars(select(Location.slug).where(Location.slug.like(f"{base}%"))))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


async def _checked_slug(session: AsyncSession, raw: Any, location_id: uuid.UUID | None) -> str:
    slug = str(raw or "").strip().lower()
    if not SLUG.fullmatch(slug) or len(slug) > SLUG_LIMIT:
        raise Invalid(
            "Use latin letters, digits and dashes (up to %(max)d).", field="slug", max=SLUG_LIMIT
        )
    owner = await session.scalar(select(Location.id).where(Location.slug == slug))
    if owner is not None and owner != location_id:
        raise Conflict("Another salon has the address %(slug)s.", field="slug", slug=slug)
    return slug


def _timezone(raw: Any) -> str | None:
    zone = str(raw or "").strip()
    if not zone:
        return None
    if zone not in zoneinfo.available_timezones():
        raise Invalid("Unknown time zone '%(zone)s'.", field="timezone", zone=zone[:64])
    return zone


def _step(raw: Any) -> int:
    step = check.whole(raw, "slot_step_minutes", low=5, high=60)
    if 60 % step:
        raise Invalid(
            "Choose a step that divides an hour: 5, 10, 15, 20, 30 or 60.",
            field="slot_step_minutes",
        )
    return step


NAME_LIMIT = 200  # a salon's, a service's, a master's or a stock item's name
ADDRESS_LIMIT = 500
SLUG_LIMIT = 60
CATEGORY_LIMIT = 100
DESCRIPTION_LIMIT = 5000

LOCATION_RULES = {
    "address": lambda raw: check.long_text(raw, ADDRESS_LIMIT),
    "timezone": _timezone,
    "online_booking": lambda raw: check.flag(raw, "online_booking"),
    "cancel_window_hours": lambda raw: check.whole(raw, "cancel_window_hours", low=0, high=168),
    "slot_step_minutes": _step,
    "booking_horizon_days": lambda raw: check.whole(raw, "booking_horizon_days", low=1, high=365),
    "loyalty_threshold": lambda raw: check.optional_amount(raw, "loyalty_threshold"),
    "loyalty_discount_percent": lambda raw: check.optional_percent(raw, "loyalty_discount_percent"),
    "loyalty_points_percent": lambda raw: check.optional_percent(raw, "loyalty_points_percent"),
}


async def _location_values(
    session: AsyncSession, data: dict[str, Any], location_id: uuid.UUID | None
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "name" in data or location_id is None:
        values["name"] = check.text(data.get("name"), "name", limit=NAME_LIMIT, required=True)
    for name, rule in LOCATION_RULES.items():
        if name in data:
            values[name] = rule(data[name])
    if "phone" in data:
        values["phone"] = check.phone(data["phone"], await workspace_country(session))
    if data.get("slug") not in (None, ""):
        values["slug"] = await _checked_slug(session, data["slug"], location_id)
    elif location_id is None:
        values["slug"] = await _free_slug(session, values["name"])
    return values


async def create_location(session: AsyncSession, data: dict[str, Any]) -> Location:
    location = Location(**await _location_values(session, data, None))
    session.add(location)
    await session.flush()
    return location


async def update_location(
    session: AsyncSession, location_id: uuid.UUID, data: dict[str, Any]
) -> Location:
    location = await get_location(session, location_id)
    for name, value in (await _location_values(session, data, location.id)).items():
        setattr(location, name, value)
    await session.flush()
    return location


async def archive_location(session: AsyncSession, location_id: uuid.UUID) -> Location:
    """Closed for booking and hidden from lists; its visits and history stay."""
    location = await get_location(session, location_id)
    location.archived_at = location.archived_at or utcnow()
    await session.flush()
    return location


# Services


@dataclass
class Consumable:
    item_id: uuid.UUID
    name: str
    unit: str
    quantity: Decimal


async def list_services(
    session: AsyncSession, *, archived: bool = False, category: str | None = None
) -> list[Service]:
    """By category, then name."""
    query = select(Service).order_by(*by_name(Service.category), *by_name(Service.name))
    if not archived:
        query = query.where(Service.archived_at.is_(None))
    if category is not None:
        query = query.where(func.lower(Service.category) == category.strip().lower())
    return list(await session.scalars(query.order_by(Service.id)))


async def get_service(session: AsyncSession, service_id: uuid.UUID) -> Service:
    service = await session.get(Service, service_id)
    if service is None:
        raise NotFound("No such service.")
    return service


SERVICE_RULES = {
    "category": lambda raw: check.text(raw, "category", limit=CATEGORY_LIMIT),
    "duration_minutes": lambda raw: check.whole(raw, "duration_minutes", low=5, high=720),
    "price": lambda raw: check.amount(raw, "price"),
    "repeat_after_days": lambda raw: check.optional_whole(
        raw, "repeat_after_days", low=1, high=730
    ),
    "online": lambda raw: check.flag(raw, "online"),
    "description": lambda raw: check.long_text(raw, DESCRIPTION_LIMIT),
}


def _service_values(data: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "name" in data or creating:
        values["name"] = check.text(data.get("name"), "name", limit=NAME_LIMIT, required=True)
    for name, rule in SERVICE_RULES.items():
        if name in data:
            values[name] = rule(data[name])
        elif creating and name in ("duration_minutes", "price"):
            raise Invalid("%(name)s is required.", field=name, name=name)
    return values


async def _consumable_rows(session: AsyncSession, raw: list) -> list[tuple[uuid.UUID, Decimal]]:
    """[(item_id, quantity)] from [{"item_id", "quantity"}] or pairs; each item once."""
    rows: dict[uuid.UUID, Decimal] = {}
    for index, entry in enumerate(raw):
        item, amount = (entry["item_id"], entry["quantity"]) if isinstance(entry, dict) else entry
        field = f"consumables[{index}]"
        item_id = check.record_id(item, f"{field}.item_id")
        found = await session.get(StockItem, item_id)
        if found is None or found.archived_at is not None:
            raise Invalid("No such stock item.", field=f"{field}.item_id")
        if item_id in rows:
            raise Invalid("Each item may be listed once.", field=f"{field}.item_id")
        rows[item_id] = check.quantity(amount, f"{field}.quantity")
    return list(rows.items())


async def _replace_consumables(
    session: AsyncSession, service: Service, rows: list[tuple[uuid.UUID, Decimal]]
) -> None:
    await session.execute(
        delete(ServiceConsumable).where(ServiceConsumable.service_id == service.id)
    )
    session.add_all(
        ServiceConsumable(service_id=service.id, item_id=item_id, quantity=amount)
        for item_id, amount in rows
    )
    await session.flush()


async def create_service(session: AsyncSession, data: dict[str, Any]) -> Service:
    """``data["consumables"]``: what one service uses up, [{"item_id", "quantity"}]."""
    values = _service_values(data, creating=True)
    rows = await _consumable_rows(session, data.get("consumables") or [])
    service = Service(**values)
    session.add(service)
    await session.flush()
    await _replace_consumables(session, service, rows)
    return service


async def update_service(
    session: AsyncSession, service_id: uuid.UUID, data: dict[str, Any]
) -> Service:
    """Changes the fields given; ``consumables``, when given, replace the set."""
    service = await get_service(session, service_id)
    values = _service_values(data, creating=False)
    rows = None
    if data.get("consumables") is not None:
        rows = await _consumable_rows(session, data["consumables"])
    for name, value in values.items():
        setattr(service, name, value)
    if rows is not None:
        await _replace_consumables(session, service, rows)
    await session.flush()
    return service


async def archive_service(session: AsyncSession, service_id: uuid.UUID) -> Service:
    service = await get_service(session, service_id)
    service.archived_at = service.archived_at or utcnow()
    await session.flush()
    return service


async def consumables_of(
    session: AsyncSession, service_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[Consumable]]:
    found: dict[uuid.UUID, list[Consumable]] = {service_id: [] for service_id in service_ids}
    if not service_ids:
        return found
    rows = await session.execute(
        select(ServiceConsumable, StockItem)
        .join(StockItem, StockItem.id == ServiceConsumable.item_id)
        .where(ServiceConsumable.service_id.in_(service_ids))
        .order_by(*by_name(StockItem.name))
    )
    for used, item in rows:
        found[used.service_id].append(Consumable(item.id, item.name, item.unit, used.quantity))
    return found


def by_category(services: list[Service]) -> list[tuple[str, list[Service]]]:
    """Services grouped by category, in the list's order ("" first: no category)."""
    groups: dict[str, list[Service]] = {}
    for service in services:
        groups.setdefault(service.category, []).append(service)
    return list(groups.items())


# Salon settings


async def salon_settings(session: AsyncSession) -> SalonSettings:
    """The one settings row, made with the defaults the first time it is asked for."""
    await session.execute(insert(SalonSettings).values(id=1).on_conflict_do_nothing())
    return await session.get_one(SalonSettings, 1)


MAX_REMINDERS, MAX_REMINDER_HOURS = 3, 168
REMINDER_INPUT_LIMIT = MAX_REMINDERS * (len(str(MAX_REMINDER_HOURS)) + 2)  # "24, 2, 1"


def _reminder_hours(raw: Any) -> list[int]:
    if isinstance(raw, str):
        raw = [part for part in re.split(r"[\s,;]+", raw) if part]
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_REMINDERS:
        raise Invalid(
            "Give 1 to 3 reminder times, in hours before the visit.", field="reminder_hours"
        )
    hours = [check.whole(value, "reminder_hours", low=1, high=MAX_REMINDER_HOURS) for value in raw]
    return sorted(set(hours), reverse=True)


def _channels(raw: Any) -> list[str]:
    if not isinstance(raw, list) or set(raw) - set(REMINDER_CHANNELS) or len(set(raw)) < len(raw):
        raise Invalid(
            "Channels are some of telegram, sms and email, each once.", field="reminder_channels"
        )
    return list(raw)


MAX_WIDGET_SITES = 10
SITE_LIMIT = 200  # one site's address
WIDGET_SITES_INPUT_LIMIT = MAX_WIDGET_SITES * (SITE_LIMIT + 1)  # one a line


def _widget_sites(raw: Any) -> list[str]:
    """Each site as its origin (https://liza.example), from a list or one per line; a page's
    address is taken for its site. They go into the booking pages' Content-Security-Policy:
    only well-formed origins (platform.http.origins)."""
    if isinstance(raw, str):
        raw = raw.split()
    if not isinstance(raw, list) or len(raw) > MAX_WIDGET_SITES:
        raise Invalid(
            "List at most %(max)d sites, one per line.", field="widget_sites", max=MAX_WIDGET_SITES
        )
    sites = []
    for entry in raw:
        too_long = len(str(entry)) > SITE_LIMIT
        origin = site_origin(entry) if isinstance(entry, str) and not too_long else None
        if origin is None:  # platform.http.origins: nothing a header could read as more
            raise Invalid(
                "%(site)s is not a site's address, such as https://liza-salon.ru.",
                field="widget_sites",
                site=str(entry)[:200],
            )
        if origin not in sites:
            sites.append(origin)
    return sites


def _phone_check(raw: Any) -> str:
    if raw not in PHONE_CHECKS:
        raise Invalid(
            "Choose how online bookers confirm their phone: SMS, Telegram or none.",
            field="phone_check",
        )
    return raw


SETTINGS_RULES = {
    "reminder_hours": _reminder_hours,
    "reminder_channels": _channels,
    "rebook_days_early": lambda raw: check.whole(raw, "rebook_days_early", low=0, high=30),
    "vip_quarters": lambda raw: check.whole(raw, "vip_quarters", low=1, high=8),
    "vip_spend": lambda raw: check.amount(raw, "vip_spend"),
    "widget_sites": _widget_sites,
    "phone_check": _phone_check,
}


async def update_salon_settings(session: AsyncSession, data: dict[str, Any]) -> SalonSettings:
    values = {name: rule(data[name]) for name, rule in SETTINGS_RULES.items() if name in data}
    settings = await salon_settings(session)
    for name, value in values.items():
        setattr(settings, name, value)
    settings.updated_at = utcnow()
    await session.flush()
    return settings
