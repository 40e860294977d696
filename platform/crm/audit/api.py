"""/api/v1/audit: who changed what and when."""

import uuid
from datetime import datetime
from typing import Any

import msgspec
from litestar import get
from litestar.di import NamedDependency
from litestar.params import FromQuery
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.crm.audit.service import audit_trail
from atrium.platform.http.auth import (
    requires,
)
from atrium.platform.http.kit import DEPENDENCIES


class AuditEntryOut(msgspec.Struct):
    id: uuid.UUID
    record_type: str
    record_id: uuid.UUID
    action: str
    field: str
    old_value: Any
    new_value: Any
    actor_id: uuid.UUID | None
    at: datetime


class AuditList(msgspec.Struct):
    items: list[AuditEntryOut]
    next_cursor: str | None


@get("/audit", guards=[requires("audit.read")], dependencies=DEPENDENCIES, tags=["Audit"])
async def audit(
    principal: NamedDependency[Principal],
    session: NamedDependency[AsyncSession],
    record_type: FromQuery[str | None] = None,
    record_id: FromQuery[uuid.UUID | None] = None,
    cursor: FromQuery[str | None] = None,
    limit: FromQuery[int] = 50,
) -> AuditList:
    page = await audit_trail(
        session,
        principal,
        record_type=record_type,
        record_id=record_id,
        cursor=cursor,
        limit=limit,
    )
    items = [
        AuditEntryOut(
            id=entry.id,
            record_type=entry.record_type,
            record_id=entry.record_id,
            action=entry.action,
            field=entry.field,
            old_value=entry.old_value,
            new_value=entry.new_value,
            actor_id=entry.actor_id,
            at=entry.at,
        )
        for entry in page.items
    ]
    return AuditList(items=items, next_cursor=page.next_cursor)


routes = [audit]
