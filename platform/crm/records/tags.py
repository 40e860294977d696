"""Tags on contacts and companies: reading, replacing, filtering by them."""

import uuid

from sqlalchemy import (
    Select,
    delete,
    func,
    insert,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.crm.records.models import Tag
from atrium.platform.db.names import name_key_of


async def tags_of(session: AsyncSession, link, key, record_ids: list[uuid.UUID]) -> dict:
    rows = await session.execute(
        select(key, Tag.name).join(Tag, Tag.id == link.tag_id).where(key.in_(record_ids))
    )
    found: dict = {record_id: [] for record_id in record_ids}
    for record_id, name in rows:
        found[record_id].append(name)
    return {record_id: sorted(names, key=name_key_of) for record_id, names in found.items()}


async def tag_ids(session: AsyncSession, names: list[str]) -> list[uuid.UUID]:
    """Ids of these tags, creating the missing ones (names compared case-insensitively)."""
    if not names:
        return []
    existing = {
        name.lower(): tag_id
        for tag_id, name in await session.execute(
            select(Tag.id, Tag.name).where(func.lower(Tag.name).in_([n.lower() for n in names]))
        )
    }
    ids = []
    for name in names:
        if name.lower() not in existing:
            tag = Tag(name=name)
            session.add(tag)
            await session.flush()
            existing[name.lower()] = tag.id
        ids.append(existing[name.lower()])
    return ids


async def replace_tags(session: AsyncSession, link, key, record_id, names: list[str]) -> None:
    await session.execute(delete(link).where(key == record_id))
    ids = await tag_ids(session, names)
    if ids:
        column = key.key
        await session.execute(insert(link), [{column: record_id, "tag_id": i} for i in ids])


def with_tag(query: Select, model, link, key, name: str) -> Select:
    tagged = (
        select(key).join(Tag, Tag.id == link.tag_id).where(func.lower(Tag.name) == name.lower())
    )
    return query.where(model.id.in_(tagged))
