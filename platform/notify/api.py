"""/api/v1/notifications: the caller's own in-app notifications, newest first."""

import uuid
from datetime import datetime
from typing import Annotated

import msgspec
from litestar import get, post, put
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.http.auth import provide_principal, provide_tenant_session, requires
from atrium.platform.notify import inbox
from atrium.platform.notify.models import Notification
from atrium.platform.notify.quiet import preferences_of, save_preferences

DEPENDENCIES = {
    "principal": Provide(provide_principal),
    "session": Provide(provide_tenant_session),
}


class NotificationOut(msgspec.Struct):
    id: uuid.UUID
    kind: str
    title: str
    body: str
    link: str
    created_at: datetime
    read_at: datetime | None


class NotificationList(msgspec.Struct):
    items: list[NotificationOut]
    next_cursor: str | None
    unread: int


def _out(note: Notification) -> NotificationOut:
    return NotificationOut(
        note.id, note.kind, note.title, note.body, note.link, note.created_at, note.read_at
    )


@get(
    "/notifications",
    guards=[requires("workspace.read")],
    dependencies=DEPENDENCIES,
    tags=["Notifications"],
)
async def list_notifications(
    principal: NamedDependency[Principal],
    session: NamedDependency[AsyncSession],
    unread: FromQuery[bool] = False,
    cursor: FromQuery[str | None] = None,
    limit: FromQuery[int] = 25,
) -> NotificationList:
    page = await inbox.notifications_of(
        session, principal, unread=unread, cursor=cursor, limit=limit
    )
    unread_count = await inbox.unread_count(session, principal)
    return NotificationList([_out(n) for n in page.items], page.next_cursor, unread_count or 0)


@post(
    "/notifications/{notification_id:uuid}/read",
    guards=[requires("workspace.read")],
    dependencies=DEPENDENCIES,
    tags=["Notifications"],
    status_code=200,
)
async def mark_read(
    principal: NamedDependency[Principal],
    session: NamedDependency[AsyncSession],
    notification_id: FromPath[uuid.UUID],
) -> NotificationOut:
    note = await inbox.mark_read(session, principal, notification_id)
    return _out(note)


@post(
    "/notifications/read-all",
    guards=[requires("workspace.read")],
    dependencies=DEPENDENCIES,
    tags=["Notifications"],
    status_code=204,
)
async def mark_all_read(
    principal: NamedDependency[Principal], session: NamedDependency[AsyncSession]
) -> None:
    await inbox.mark_all_read(session, principal)


class PreferencesIo(msgspec.Struct, forbid_unknown_fields=True):
    email: bool = True
    muted: list[Annotated[str, msgspec.Meta(max_length=40)]] = []  # kinds: task.due, ...


@get(
    "/me/notification-preferences",
    guards=[requires("workspace.read")],
    dependencies=DEPENDENCIES,
    tags=["Notifications"],
)
async def show_preferences(
    principal: NamedDependency[Principal], session: NamedDependency[AsyncSession]
) -> PreferencesIo:
    found = await preferences_of(session, principal.user_id)
    return PreferencesIo(found.email, list(found.muted))


@put(
    "/me/notification-preferences",
    guards=[requires("workspace.read")],
    dependencies=DEPENDENCIES,
    tags=["Notifications"],
)
async def change_preferences(
    principal: NamedDependency[Principal],
    session: NamedDependency[AsyncSession],
    data: JSONBody[PreferencesIo],
) -> PreferencesIo:
    saved = await save_preferences(session, principal.user_id, email=data.email, muted=data.muted)
    return PreferencesIo(saved.email, list(saved.muted))


routes = [
    list_notifications,
    mark_read,
    mark_all_read,
    show_preferences,
    change_preferences,
]
