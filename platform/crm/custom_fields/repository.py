"""The SQL of custom fields."""

from sqlalchemy import (
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.crm.custom_fields.models import CustomField


async def custom_field_definitions(session: AsyncSession, object_type: str) -> dict:
    rows = await session.scalars(select(CustomField).where(CustomField.object_type == object_type))
    return {field.key: field for field in rows}
