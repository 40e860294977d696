"""/api/v1/segments: saved audiences, how many are in them now, and who."""

import uuid
from typing import Any

import msgspec
from litestar import delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.crm.segments import service as segments
from atrium.platform.crm.segments.models import Segment
from atrium.platform.http.auth import requires
from atrium.platform.http.kit import DEPENDENCIES
from atrium.platform.http.pagination import checked_limit

TAGS = ["Segments"]


class ConditionIo(msgspec.Struct, forbid_unknown_fields=True):
    field: str
    op: str
    value: Any = None


class SegmentIn(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    conditions: list[ConditionIo] = []


class PreviewIn(msgspec.Struct, forbid_unknown_fields=True):
    conditions: list[ConditionIo] = []


class SegmentOut(msgspec.Struct):
    id: uuid.UUID
    name: str
    conditions: list[ConditionIo]
    count: int


class SegmentList(msgspec.Struct):
    items: list[SegmentOut]


class Member(msgspec.Struct):
    id: uuid.UUID
    display_name: str


class MemberList(msgspec.Struct):
    items: list[Member]
    count: int


def _out(segment: Segment, count: int) -> SegmentOut:
    conditions = [ConditionIo(c["field"], c["op"], c.get("value")) for c in segment.conditions]
    return SegmentOut(segment.id, segment.name, conditions, count)


def _raw(conditions: list[ConditionIo]) -> list[dict[str, Any]]:
    return [msgspec.structs.asdict(condition) for condition in conditions]


@get("/segments", guards=[requires("crm.read")], dependencies=DEPENDENCIES, tags=TAGS)
async def list_segments(
    principal: NamedDependency[Principal], session: NamedDependency[AsyncSession]
) -> SegmentList:
    found = await segments.list_segments(session, principal)
    return SegmentList([_out(segment, count) for segment, count in found])


@post("/segments", guards=[requires("crm.write")], dependencies=DEPENDENCIES, tags=TAGS)
async def create_segment(
    principal: NamedDependency[Principal],
    session: NamedDependency[AsyncSession],
    data: JSONBody[SegmentIn],
) -> SegmentOut:
    segment = await segments.save_segment(
        session, principal, name=data.name, conditions=_raw(data.conditions)
    )
    conditions = await segments.segment_conditions(session, segment.id)
    return _out(segment, await segments.count_members(session, conditions, principal))


@post(
    "/segments/preview",
    guards=[requires("crm.read")],
    dependencies=DEPENDENCIES,
    tags=TAGS,
    status_code=200,
    summary="How many contacts these conditions hold now, without saving them",
)
async def preview_segment(
    principal: NamedDependency[Principal],
    session: NamedDependency[AsyncSession],
    data: JSONBody[PreviewIn],
) -> dict[str, int]:
    conditions = await segments.checked_conditions(session, _raw(data.conditions))
    return {"count": await segments.count_members(session, conditions, principal)}


@get(
    "/segments/{segment_id:uuid}",
    guards=[requires("crm.read")],
    dependencies=DEPENDENCIES,
    tags=TAGS,
)
async def show_segment(
    principal: NamedDependency[Principal],
    session: NamedDependency[AsyncSession],
    segment_id: FromPath[uuid.UUID],
) -> SegmentOut:
    segment = await segments.get_segment(session, segment_id)
    conditions = await segments.segment_conditions(session, segment_id)
    return _out(segment, await segments.count_members(session, conditions, principal))


@patch(
    "/segments/{segment_id:uuid}",
    guards=[requires("crm.write")],
    dependencies=DEPENDENCIES,
    tags=TAGS,
)
async def change_segment(
    principal: NamedDependency[Principal],
    session: NamedDependency[AsyncSession],
    segment_id: FromPath[uuid.UUID],
    data: JSONBody[SegmentIn],
) -> SegmentOut:
    segment = await segments.save_segment(
        session,
        principal,
        name=data.name,
        conditions=_raw(data.conditions),
        segment_id=segment_id,
    )
    conditions = await segments.segment_conditions(session, segment.id)
    return _out(segment, await segments.count_members(session, conditions, principal))


@get(
    "/segments/{segment_id:uuid}/contacts",
    guards=[requires("crm.read")],
    dependencies=DEPENDENCIES,
    tags=TAGS,
    summary="The contacts in the segment now (first ones by name), and how many in all",
)
async def segment_contacts(
    principal: NamedDependency[Principal],
    session: NamedDependency[AsyncSession],
    segment_id: FromPath[uuid.UUID],
    limit: FromQuery[int] = 50,
) -> MemberList:
    checked_limit(limit)
    conditions = await segments.segment_conditions(session, segment_id)
    people = await segments.first_members(session, conditions, principal, limit)
    count = await segments.count_members(session, conditions, principal)
    return MemberList([Member(c.id, c.display_name) for c in people], count)


@delete(
    "/segments/{segment_id:uuid}",
    guards=[requires("crm.write")],
    dependencies=DEPENDENCIES,
    tags=TAGS,
    status_code=204,
)
async def delete_segment(
    principal: NamedDependency[Principal],
    session: NamedDependency[AsyncSession],
    segment_id: FromPath[uuid.UUID],
) -> None:
    await segments.delete_segment(session, principal, segment_id)


routes = [
    list_segments,
    create_segment,
    preview_segment,
    show_segment,
    change_segment,
    segment_contacts,
    delete_segment,
]
