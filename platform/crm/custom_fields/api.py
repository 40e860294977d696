"""/api/v1/custom-fields."""

import uuid

import msgspec
from litestar import Controller, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.crm.custom_fields import service as custom_fields
from atrium.platform.http.auth import (
    requires,
)
from atrium.platform.http.kit import DEPENDENCIES


class CustomFieldIn(msgspec.Struct, forbid_unknown_fields=True):
    object_type: str
    key: str
    label: str
    field_type: str
    choices: list[str] = []
    required: bool = False


class CustomFieldOut(msgspec.Struct):
    id: uuid.UUID
    object_type: str
    key: str
    label: str
    field_type: str
    choices: list[str]
    required: bool


class CustomFieldList(msgspec.Struct):
    items: list[CustomFieldOut]
    next_cursor: str | None = None


def _field_out(definition) -> CustomFieldOut:
    return CustomFieldOut(
        id=definition.id,
        object_type=definition.object_type,
        key=definition.key,
        label=definition.label,
        field_type=definition.field_type,
        choices=definition.choices,
        required=definition.required,
    )


class CustomFieldController(Controller):
    path = "/custom-fields"
    tags = ["Custom fields"]
    dependencies = DEPENDENCIES

    @get("/", guards=[requires("crm.read")])
    async def list_fields(
        self,
        session: NamedDependency[AsyncSession],
        object_type: FromQuery[str | None] = None,
    ) -> CustomFieldList:
        fields = await custom_fields.list_fields(session, object_type)
        return CustomFieldList(items=[_field_out(field) for field in fields])

    @post("/", guards=[requires("crm.settings")])
    async def create_field(
        self, session: NamedDependency[AsyncSession], data: JSONBody[CustomFieldIn]
    ) -> CustomFieldOut:
        definition = await custom_fields.create_field(session, **msgspec.structs.asdict(data))
        return _field_out(definition)

    @delete("/{field_id:uuid}", guards=[requires("crm.settings")], status_code=204)
    async def delete_field(
        self, session: NamedDependency[AsyncSession], field_id: FromPath[uuid.UUID]
    ) -> None:
        await custom_fields.delete_field(session, field_id)


routes = [CustomFieldController]
