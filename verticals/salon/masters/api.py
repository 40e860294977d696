"""/api/v1/salon/masters: masters with the services they do, their weekly hours, breaks and
time off. Reads need salon.book, changes salon.manage, and the plan must include the pack."""

import uuid
from datetime import date, datetime, time
from decimal import Decimal

import msgspec
from litestar import Controller, Request, delete, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.http.auth import database
from atrium.platform.http.kit import DEPENDENCIES, UNSET, Unset, given_fields
from atrium.platform.instants import Checked, check
from atrium.platform.tenancy.service import member_ids
from atrium.verticals.salon.access import salon_requires
from atrium.verticals.salon.masters import service as staff
from atrium.verticals.salon.models import Master, TimeOff

READ, MANAGE = salon_requires("salon.book"), salon_requires("salon.manage")


class MasterIn(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """Create needs location_id and name; PATCH changes only the fields it sends."""

    location_id: uuid.UUID | Unset = UNSET
    name: str | Unset = UNSET
    position: str | Unset = UNSET
    phone: str | Unset = UNSET
    commission_percent: Decimal | Unset = UNSET
    color: str | Unset = UNSET  # "#rrggbb", the master's column in the journal
    online: bool | Unset = UNSET
    user_id: uuid.UUID | None | Unset = UNSET  # the workspace member who is this master


class OfferOut(msgspec.Struct):
    service_id: uuid.UUID
    name: str
    category: str
    price: Decimal  # what this master charges: the own price, else the service's
    duration_minutes: int
    own_price: Decimal | None
    own_duration_minutes: int | None


class IntervalOut(msgspec.Struct):
    weekday: int | None  # 0 is Monday; a break with null is on every working day
    starts: str  # "09:00", the salon's time
    ends: str


class MasterOut(msgspec.Struct):
    id: uuid.UUID
    location_id: uuid.UUID
    user_id: uuid.UUID | None
    name: str
    position: str
    phone: str
    commission_percent: Decimal
    color: str
    online: bool
    archived: bool
    services: list[OfferOut]
    hours: list[IntervalOut]
    breaks: list[IntervalOut]
    created_at: datetime


class MasterList(msgspec.Struct):
    items: list[MasterOut]


def _clock(value: time) -> str:
    return value.strftime("%H:%M")


async def master_outs(session: AsyncSession, masters: list[Master]) -> list[MasterOut]:
    ids = [master.id for master in masters]
    offers, weeks = await staff.offers_of(session, ids), await staff.weeks_of(session, ids)
    return [
        MasterOut(
            id=master.id,
            location_id=master.location_id,
            user_id=master.user_id,
            name=master.name,
            position=master.position,
            phone=master.phone,
            commission_percent=master.commission_percent,
            color=master.color,
            online=master.online,
            archived=master.archived_at is not None,
            services=[OfferOut(**vars(offer)) for offer in offers[master.id]],
            hours=[
                IntervalOut(row.weekday, _clock(row.starts), _clock(row.ends))
                for row in weeks[master.id].hours
            ],
            breaks=[
                IntervalOut(row.weekday, _clock(row.starts), _clock(row.ends))
                for row in weeks[master.id].breaks
            ],
            created_at=master.created_at,
        )
        for master in masters
    ]


async def _members(request: Request, principal: Principal, values: dict) -> set | None:
    """The workspace's users, read only when a user is being linked."""
    if values.get("user_id") is None:
        return None
    return await member_ids(database(request), principal.workspace.id)


class OfferIn(msgspec.Struct, forbid_unknown_fields=True):
    service_id: uuid.UUID
    price: Decimal | None = None  # null: the service's price
    duration_minutes: int | None = None


class OffersIn(msgspec.Struct, forbid_unknown_fields=True):
    services: list[OfferIn]


class IntervalIn(msgspec.Struct, forbid_unknown_fields=True):
    weekday: int
    starts: str  # "09:00"
    ends: str


class BreakIn(msgspec.Struct, forbid_unknown_fields=True):
    starts: str
    ends: str
    weekday: int | None = None  # null: every working day


class WeekIn(msgspec.Struct, forbid_unknown_fields=True):
    hours: list[IntervalIn]
    breaks: list[BreakIn] = []


class TimeOffIn(Checked, forbid_unknown_fields=True):
    starts_on: date
    ends_on: date | None = None  # null: one day
    kind: str = "day_off"
    note: str = ""


class TimeOffOut(msgspec.Struct):
    id: uuid.UUID
    master_id: uuid.UUID
    starts_on: date
    ends_on: date
    kind: str
    note: str


class TimeOffList(msgspec.Struct):
    items: list[TimeOffOut]


def _time_off_out(row: TimeOff) -> TimeOffOut:
    return TimeOffOut(row.id, row.master_id, row.starts_on, row.ends_on, row.kind, row.note)


class MasterController(Controller):
    path = "/salon/masters"
    tags = ["Salon"]
    dependencies = DEPENDENCIES

    @get("/", guards=[READ])
    async def list_masters(
        self,
        session: NamedDependency[AsyncSession],
        location_id: FromQuery[uuid.UUID | None] = None,
        archived: FromQuery[bool] = False,
    ) -> MasterList:
        found = await staff.list_masters(session, location_id=location_id, archived=archived)
        return MasterList(items=await master_outs(session, found))

    @post("/", guards=[MANAGE])
    async def create_master(
        self,
        request: Request,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        data: JSONBody[MasterIn],
    ) -> MasterOut:
        values = given_fields(data)
        members = await _members(request, principal, values)
        master = await staff.create_master(session, values, members=members)
        return (await master_outs(session, [master]))[0]

    @get("/{master_id:uuid}", guards=[READ])
    async def show_master(
        self, session: NamedDependency[AsyncSession], master_id: FromPath[uuid.UUID]
    ) -> MasterOut:
        return (await master_outs(session, [await staff.get_master(session, master_id)]))[0]

    @patch("/{master_id:uuid}", guards=[MANAGE])
    async def change_master(
        self,
        request: Request,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        master_id: FromPath[uuid.UUID],
        data: JSONBody[MasterIn],
    ) -> MasterOut:
        values = given_fields(data)
        members = await _members(request, principal, values)
        master = await staff.update_master(session, master_id, values, members=members)
        return (await master_outs(session, [master]))[0]

    @delete("/{master_id:uuid}", guards=[MANAGE], status_code=200)
    async def archive_master(
        self, session: NamedDependency[AsyncSession], master_id: FromPath[uuid.UUID]
    ) -> MasterOut:
        return (await master_outs(session, [await staff.archive_master(session, master_id)]))[0]

    @put("/{master_id:uuid}/services", guards=[MANAGE])
    async def set_services(
        self,
        session: NamedDependency[AsyncSession],
        master_id: FromPath[uuid.UUID],
        data: JSONBody[OffersIn],
    ) -> MasterOut:
        offers = [msgspec.structs.asdict(offer) for offer in data.services]
        await staff.set_master_services(session, master_id, offers)
        return (await master_outs(session, [await staff.get_master(session, master_id)]))[0]

    @put("/{master_id:uuid}/hours", guards=[MANAGE])
    async def set_hours(
        self,
        session: NamedDependency[AsyncSession],
        master_id: FromPath[uuid.UUID],
        data: JSONBody[WeekIn],
    ) -> MasterOut:
        hours = [msgspec.structs.asdict(row) for row in data.hours]
        breaks = [msgspec.structs.asdict(row) for row in data.breaks]
        await staff.set_week(session, master_id, hours, breaks)
        return (await master_outs(session, [await staff.get_master(session, master_id)]))[0]

    @get("/{master_id:uuid}/time-off", guards=[READ])
    async def list_time_off(
        self,
        session: NamedDependency[AsyncSession],
        master_id: FromPath[uuid.UUID],
        since: FromQuery[date | None] = None,
    ) -> TimeOffList:
        if since is not None:
            check(since, "since")
        found = await staff.list_time_off(session, master_id, since=since)
        return TimeOffList(items=[_time_off_out(row) for row in found])

    @post("/{master_id:uuid}/time-off", guards=[MANAGE])
    async def add_time_off(
        self,
        session: NamedDependency[AsyncSession],
        master_id: FromPath[uuid.UUID],
        data: JSONBody[TimeOffIn],
    ) -> TimeOffOut:
        added = await staff.add_time_off(session, master_id, msgspec.structs.asdict(data))
        return _time_off_out(added)

    @delete("/{master_id:uuid}/time-off/{time_off_id:uuid}", guards=[MANAGE])
    async def delete_time_off(
        self,
        session: NamedDependency[AsyncSession],
        master_id: FromPath[uuid.UUID],
        time_off_id: FromPath[uuid.UUID],
    ) -> None:
        await staff.delete_time_off(session, master_id, time_off_id)


routes = [MasterController]
