"""A member's own in-app notifications: newest first, how many are unread, marking them read."""

import uuid
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.db.types import utcnow
from atrium.platform.errors import NotFound
from atrium.platform.http.pagination import Page, paginate
from atrium.platform.notify.models import Notification


async def unread_count(session: AsyncSession, principal: Principal) -> int:
    return int(
        await session.scalar(
            select(func.count()).where(
                Notification.user_id == principal.user_id, Notification.read_at.is_(None)
            )
        )
        or 0
    )


async def notifications_of(
    session: AsyncSession,
    principal: Principal,
    *,
    unread: bool = False,
    cursor: str | None = None,
    limit: int = 25,
) -> Page[Notification]:
    mine = select(Notification).where(Notification.user_id == principal.user_id)
    return await paginate(
        session,
        mine.where(Notification.read_at.is_(None)) if unread else mine,
        sort=[Notification.created_at, Notification.id],
        key=lambda note: [note.created_at.isoformat(), note.id],
        parse=[datetime.fromisoformat, uuid.UUID],
        cursor=cursor,
        limit=limit,
        descending=True,
    )


async def mark_read(
    session: AsyncSession, principal: Principal, notification_id: uuid.UUID
) -> Notification:
    note = await session.scalar(
        select(Notification)
        .where(Notification.id == notification_id, Notification.user_id == principal.user_id)
        .with_for_update()
    )
    if note is None:
        raise NotFound("No such notification.")
    note.read_at = note.read_at or utcnow()
    return note


async def mark_all_read(session: AsyncSession, principal: Principal) -> None:
    await session.execute(
        update(Notification)
        .where(Notification.user_id == principal.user_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
