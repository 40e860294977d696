"""The audit trail: who changed which field of which record, from what to what, and when."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.crm.audit.models import AuditEntry
from atrium.platform.http.pagination import Page, paginate


def _json(value: Any) -> Any:
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_json(item) for item in value]
    if isinstance(value, dict):
        return {key: _json(item) for key, item in value.items()}
    return value


def audit_event(
    session: AsyncSession,
    record_type: str,
    record_id: uuid.UUID,
    action: str,
    principal: Principal,
    *,
    old: Any = None,
) -> None:
    session.add(
        AuditEntry(
            record_type=record_type,
            record_id=record_id,
            action=action,
            old_value=_json(old),
            actor_id=principal.user_id,
        )
    )


def audit_changes(
    session: AsyncSession,
    record_type: str,
    record_id: uuid.UUID,
    changes: dict[str, tuple[Any, Any]],
    principal: Principal,
) -> None:
    session.add_all(
        AuditEntry(
            record_type=record_type,
            record_id=record_id,
            action="updated",
            field=name,
            old_value=_json(old),
            new_value=_json(new),
            actor_id=principal.user_id,
        )
        for name, (old, new) in sorted(changes.items())
    )


async def audit_trail(
    session: AsyncSession,
    principal: Principal,
    *,
    record_type: str | None = None,
    record_id: uuid.UUID | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[AuditEntry]:
    """Newest first; needs audit.read."""
    principal.require("audit.read")
    query = select(AuditEntry)
    if record_type:
        query = query.where(AuditEntry.record_type == record_type)
    if record_id:
        query = query.where(AuditEntry.record_id == record_id)
    return await paginate(
        session,
        query,
        sort=[AuditEntry.at, AuditEntry.id],
        key=lambda entry: [entry.at.isoformat(), entry.id],
        parse=[datetime.fromisoformat, uuid.UUID],
        cursor=cursor,
        limit=limit,
        descending=True,
    )
