"""Reading visits: one with its services and client, or a period's for the journal."""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.crm.contacts.models import Contact, ContactPhone
from atrium.platform.errors import Invalid, NotFound
from atrium.platform.tenancy.service import workspace_settings
from atrium.verticals.salon.models import Visit, VisitService

MAX_COMMENT = 2000


@dataclass
class VisitView:
    visit: Visit
    client_name: str
    client_phone: str | None = None
    services: list[VisitService] = field(default_factory=list)


async def _views(session: AsyncSession, rows) -> list[VisitView]:
    views = [VisitView(visit, name or "") for visit, name in rows]
    if not views:
        return []
    lines = defaultdict(list)
    for line in await session.scalars(
        select(VisitService)
        .where(VisitService.visit_id.in_([view.visit.id for view in views]))
        .order_by(VisitService.visit_id, VisitService.position)
    ):
        lines[line.visit_id].append(line)
    for view in views:
        view.services = lines[view.visit.id]
    return views


def _with_client():
    return select(Visit, Contact.display_name).outerjoin(Contact, Contact.id == Visit.contact_id)


async def visit_view(session: AsyncSession, visit_id: uuid.UUID) -> VisitView:
    found = await _views(session, await session.execute(_with_client().where(Visit.id == visit_id)))
    if not found:
        raise NotFound("There is no such visit.")
    view = found[0]
    if view.visit.contact_id is not None:  # for the desk to call
        view.client_phone = await session.scalar(
            select(ContactPhone.number)
            .where(ContactPhone.contact_id == view.visit.contact_id)
            .order_by(ContactPhone.position)
            .limit(1)
        )
    return view


async def visits_between(
    session: AsyncSession,
    *,
    date_from: date,
    date_to: date,
    location_id: uuid.UUID | None = None,
    master_id: uuid.UUID | None = None,
    contact_id: uuid.UUID | None = None,
    include_cancelled: bool = True,
) -> list[VisitView]:
    """Visits starting on these days (the workspace's days), by start."""
    local = ZoneInfo((await workspace_settings(session)).timezone)
    starts = datetime.combine(date_from, time(), local).astimezone(UTC)
    ends = datetime.combine(date_to + timedelta(days=1), time(), local).astimezone(UTC)
    query = (
        _with_client()
        .where(Visit.starts_at >= starts, Visit.starts_at < ends)
        .order_by(Visit.starts_at, Visit.id)
    )
    if location_id is not None:
        query = query.where(Visit.location_id == location_id)
    if master_id is not None:
        query = query.where(Visit.master_id == master_id)
    if contact_id is not None:
        query = query.where(Visit.contact_id == contact_id)
    if not include_cancelled:
        query = query.where(Visit.status != "cancelled")
    return await _views(session, await session.execute(query))


async def set_comment(session: AsyncSession, visit_id: uuid.UUID, comment: str) -> None:
    if len(comment) > MAX_COMMENT:
        raise Invalid("A comment holds at most %(max)s characters.", field="comment", max=2000)
    visit = await session.get(Visit, visit_id, with_for_update=True)
    if visit is None:
        raise NotFound("There is no such visit.")
    visit.comment = comment.strip()
