"""Custom fields a workspace defines for contacts and companies."""

import re
import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.crm.custom_fields.models import CustomField
from atrium.platform.db.savepoints import unique_or
from atrium.platform.errors import Conflict, Invalid, NotFound
from atrium.platform.forms import column_limit

OBJECT_TYPES = ("contact", "company")
FIELD_TYPES = ("text", "number", "date", "choice", "boolean")
KEY = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
MAX_CHOICES = 100  # of a choice field
LABEL_LIMIT = column_limit(CustomField.label)
KEY_LIMIT = column_limit(CustomField.key)


async def list_fields(session: AsyncSession, object_type: str | None) -> list[CustomField]:
    query = select(CustomField).order_by(CustomField.object_type, CustomField.created_at)
    if object_type:
        query = query.where(CustomField.object_type == object_type)
    return list(await session.scalars(query))


async def create_field(
    session: AsyncSession,
    *,
    object_type: str,
    key: str,
    label: str,
    field_type: str,
    choices: list[str],
    required: bool,
) -> CustomField:
    if object_type not in OBJECT_TYPES:
        raise Invalid("object_type must be contact or company.", field="object_type")
    if field_type not in FIELD_TYPES:
        raise Invalid(
            "field_type must be one of: %(choices)s.",
            field="field_type",
            choices=", ".join(FIELD_TYPES),
        )
    if not KEY.match(key):
        raise Invalid(
            "%(name)s: lower-case latin letters, digits and _, starting with a letter.",
            field="key",
            name="key",
        )
    label = " ".join(label.split())
    if not label or len(label) > LABEL_LIMIT:
        raise Invalid(
            "%(name)s needs 1 to %(max)d characters.", field="label", name="label", max=LABEL_LIMIT
        )
    choices = [" ".join(choice.split()) for choice in choices]
    if len(choices) > MAX_CHOICES:
        raise Invalid(
            "A choice field holds up to %(max)d choices.", field="choices", max=MAX_CHOICES
        )
    if field_type == "choice" and (not choices or any(not c or len(c) > 100 for c in choices)):
        raise Invalid(
            "A choice field needs its choices (1 to 100 characters each).", field="choices"
        )
    definition = CustomField(
        object_type=object_type,
        key=key,
        label=label,
        field_type=field_type,
        choices=choices if field_type == "choice" else [],
        required=required,
    )
    taken = Conflict(
        "The %(object_type)s field %(key)s already exists.",
        field="key",
        object_type=object_type,
        key=key,
    )
    async with unique_or(session, taken):
        session.add(definition)
    return definition


async def delete_field(session: AsyncSession, field_id: uuid.UUID) -> None:
    definition = await session.get(CustomField, field_id)
    if definition is None:
        raise NotFound("No such custom field.")
    await session.delete(definition)
