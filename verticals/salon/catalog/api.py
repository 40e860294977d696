"""/api/v1/salon/locations, /salon/services and /salon/settings; with the masters
(masters.api) and the stock (stock.api) the salon's catalogue. Reads need
salon.book, changes salon.manage, and the plan must include the pack."""

import uuid
from datetime import datetime
from decimal import Decimal

import msgspec
from litestar import Controller, delete, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.http.kit import DEPENDENCIES, UNSET, Unset, given_fields
from atrium.platform.tenancy.service import workspace_settings
from atrium.verticals.salon.access import salon_requires
from atrium.verticals.salon.catalog import service as catalog
from atrium.verticals.salon.models import Location, SalonSettings, Service

READ, MANAGE = salon_requires("salon.book"), salon_requires("salon.manage")


class LocationIn(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """Create takes any of these (name required); PATCH changes only the fields it sends."""

    name: str | Unset = UNSET
    slug: str | Unset = UNSET  # made from the name when not given
    address: str | Unset = UNSET
    phone: str | Unset = UNSET
    timezone: str | None | Unset = UNSET  # null: the workspace's
    online_booking: bool | Unset = UNSET
    cancel_window_hours: int | Unset = UNSET
    slot_step_minutes: int | Unset = UNSET
    booking_horizon_days: int | Unset = UNSET
    loyalty_threshold: Decimal | None | Unset = UNSET
    loyalty_discount_percent: Decimal | None | Unset = UNSET
    loyalty_points_percent: Decimal | None | Unset = UNSET


class LocationOut(msgspec.Struct):
    id: uuid.UUID
    name: str
    slug: str
    address: str
    phone: str
    timezone: str | None
    online_booking: bool
    cancel_window_hours: int
    slot_step_minutes: int
    booking_horizon_days: int
    loyalty_threshold: Decimal | None
    loyalty_discount_percent: Decimal | None
    loyalty_points_percent: Decimal | None
    archived: bool
    created_at: datetime


class LocationList(msgspec.Struct):
    items: list[LocationOut]


def location_out(location: Location) -> LocationOut:
    return LocationOut(
        id=location.id,
        name=location.name,
        slug=location.slug,
        address=location.address,
        phone=location.phone,
        timezone=location.timezone,
        online_booking=location.online_booking,
        cancel_window_hours=location.cancel_window_hours,
        slot_step_minutes=location.slot_step_minutes,
        booking_horizon_days=location.booking_horizon_days,
        loyalty_threshold=location.loyalty_threshold,
        loyalty_discount_percent=location.loyalty_discount_percent,
        loyalty_points_percent=location.loyalty_points_percent,
        archived=location.archived_at is not None,
        created_at=location.created_at,
    )


class LocationController(Controller):
    path = "/salon/locations"
    tags = ["Salon"]
    dependencies = DEPENDENCIES

    @get("/", guards=[READ])
    async def list_locations(
        self, session: NamedDependency[AsyncSession], archived: FromQuery[bool] = False
    ) -> LocationList:
        found = await catalog.list_locations(session, archived=archived)
        return LocationList(items=[location_out(location) for location in found])

    @post("/", guards=[MANAGE])
    async def create_location(
        self, session: NamedDependency[AsyncSession], data: JSONBody[LocationIn]
    ) -> LocationOut:
        return location_out(await catalog.create_location(session, given_fields(data)))

    @get("/{location_id:uuid}", guards=[READ])
    async def show_location(
        self, session: NamedDependency[AsyncSession], location_id: FromPath[uuid.UUID]
    ) -> LocationOut:
        return location_out(await catalog.get_location(session, location_id))

    @patch("/{location_id:uuid}", guards=[MANAGE])
    async def change_location(
        self,
        session: NamedDependency[AsyncSession],
        location_id: FromPath[uuid.UUID],
        data: JSONBody[LocationIn],
    ) -> LocationOut:
        changed = await catalog.update_location(session, location_id, given_fields(data))
        return location_out(changed)

    @delete("/{location_id:uuid}", guards=[MANAGE], status_code=200)
    async def archive_location(
        self, session: NamedDependency[AsyncSession], location_id: FromPath[uuid.UUID]
    ) -> LocationOut:
        return location_out(await catalog.archive_location(session, location_id))


class ConsumableIn(msgspec.Struct, forbid_unknown_fields=True):
    item_id: uuid.UUID
    quantity: Decimal


class ServiceIn(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """Create needs name, duration_minutes and price; ``consumables`` replace the set."""

    name: str | Unset = UNSET
    category: str | Unset = UNSET
    duration_minutes: int | Unset = UNSET
    price: Decimal | Unset = UNSET
    repeat_after_days: int | None | Unset = UNSET
    online: bool | Unset = UNSET
    description: str | Unset = UNSET
    consumables: list[ConsumableIn] | Unset = UNSET


class ConsumableOut(msgspec.Struct):
    item_id: uuid.UUID
    name: str
    unit: str
    quantity: Decimal


class ServiceOut(msgspec.Struct):
    id: uuid.UUID
    name: str
    category: str
    duration_minutes: int
    price: Decimal
    currency: str
    repeat_after_days: int | None
    online: bool
    description: str
    consumables: list[ConsumableOut]
    archived: bool
    created_at: datetime


class ServiceList(msgspec.Struct):
    items: list[ServiceOut]


async def _service_outs(session: AsyncSession, services: list[Service]) -> list[ServiceOut]:
    currency = (await workspace_settings(session)).currency
    used = await catalog.consumables_of(session, [service.id for service in services])
    return [
        ServiceOut(
            id=service.id,
            name=service.name,
            category=service.category,
            duration_minutes=service.duration_minutes,
            price=service.price,
            currency=currency,
            repeat_after_days=service.repeat_after_days,
            online=service.online,
            description=service.description,
            consumables=[
                ConsumableOut(c.item_id, c.name, c.unit, c.quantity) for c in used[service.id]
            ],
            archived=service.archived_at is not None,
            created_at=service.created_at,
        )
        for service in services
    ]


def _service_data(data: ServiceIn) -> dict:
    values = given_fields(data)
    if "consumables" in values:
        values["consumables"] = [(c.item_id, c.quantity) for c in values["consumables"]]
    return values


class ServiceController(Controller):
    path = "/salon/services"
    tags = ["Salon"]
    dependencies = DEPENDENCIES

    @get("/", guards=[READ])
    async def list_services(
        self,
        session: NamedDependency[AsyncSession],
        category: FromQuery[str | None] = None,
        archived: FromQuery[bool] = False,
    ) -> ServiceList:
        found = await catalog.list_services(session, archived=archived, category=category)
        return ServiceList(items=await _service_outs(session, found))

    @post("/", guards=[MANAGE])
    async def create_service(
        self, session: NamedDependency[AsyncSession], data: JSONBody[ServiceIn]
    ) -> ServiceOut:
        service = await catalog.create_service(session, _service_data(data))
        return (await _service_outs(session, [service]))[0]

    @get("/{service_id:uuid}", guards=[READ])
    async def show_service(
        self, session: NamedDependency[AsyncSession], service_id: FromPath[uuid.UUID]
    ) -> ServiceOut:
        return (await _service_outs(session, [await catalog.get_service(session, service_id)]))[0]

    @patch("/{service_id:uuid}", guards=[MANAGE])
    async def change_service(
        self,
        session: NamedDependency[AsyncSession],
        service_id: FromPath[uuid.UUID],
        data: JSONBody[ServiceIn],
    ) -> ServiceOut:
        service = await catalog.update_service(session, service_id, _service_data(data))
        return (await _service_outs(session, [service]))[0]

    @delete("/{service_id:uuid}", guards=[MANAGE], status_code=200)
    async def archive_service(
        self, session: NamedDependency[AsyncSession], service_id: FromPath[uuid.UUID]
    ) -> ServiceOut:
        service = await catalog.archive_service(session, service_id)
        return (await _service_outs(session, [service]))[0]


class SettingsIn(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    reminder_hours: list[int] | Unset = UNSET  # 1 to 3 of 1..168 hours before a visit
    reminder_channels: list[str] | Unset = UNSET  # tried in this order
    rebook_days_early: int | Unset = UNSET
    vip_quarters: int | Unset = UNSET
    vip_spend: Decimal | Unset = UNSET
    # Sites that may show the booking widget (https://liza-salon.ru); empty: any site.
    widget_sites: list[str] | Unset = UNSET
    # How online bookers confirm their phone: sms, telegram or none (the desk calls).
    phone_check: str | Unset = UNSET


class SettingsOut(msgspec.Struct):
    reminder_hours: list[int]
    reminder_channels: list[str]
    rebook_days_early: int
    vip_quarters: int
    vip_spend: Decimal
    widget_sites: list[str]
    phone_check: str
    updated_at: datetime | None


def settings_out(settings: SalonSettings) -> SettingsOut:
    return SettingsOut(
        reminder_hours=list(settings.reminder_hours),
        reminder_channels=list(settings.reminder_channels),
        rebook_days_early=settings.rebook_days_early,
        vip_quarters=settings.vip_quarters,
        vip_spend=settings.vip_spend,
        widget_sites=list(settings.widget_sites),
        phone_check=settings.phone_check,
        updated_at=settings.updated_at,
    )


class SettingsController(Controller):
    path = "/salon/settings"
    tags = ["Salon"]
    dependencies = DEPENDENCIES

    @get("/", guards=[READ])
    async def show_settings(self, session: NamedDependency[AsyncSession]) -> SettingsOut:
        return settings_out(await catalog.salon_settings(session))

    @put("/", guards=[MANAGE])
    async def change_settings(
        self, session: NamedDependency[AsyncSession], data: JSONBody[SettingsIn]
    ) -> SettingsOut:
        return settings_out(await catalog.update_salon_settings(session, given_fields(data)))


routes = [
    LocationController,
    ServiceController,
    SettingsController,
]
