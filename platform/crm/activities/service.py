"""Activities: calls, meetings, e-mails and tasks with an assignee, a due time and a reminder."""

import uuid
from collections.abc import Collection
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, or_, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.crm.activities.models import ACTIVITY_KINDS, Activity
from atrium.platform.crm.audit.service import audit_changes, audit_event
from atrium.platform.crm.companies.models import Company
from atrium.platform.crm.contacts.merge import moves_references
from atrium.platform.crm.contacts.models import Contact
from atrium.platform.crm.contacts.timeline import TimelineEntry, timeline_provider
from atrium.platform.crm.deals.models import Deal
from atrium.platform.crm.records.visibility import get_visible, visibility
from atrium.platform.db.types import utcnow
from atrium.platform.errors import Invalid, NotFound
from atrium.platform.events.service import record_event
from atrium.platform.forms import column_limit
from atrium.platform.http.pagination import Page, paginate
from atrium.platform.tenancy.service import workspace_settings

LINKS = (("contact_id", Contact), ("company_id", Company), ("deal_id", Deal))
TITLE_LIMIT = column_limit(Activity.title)


def _visible(query, principal: Principal):
    """What the principal may see by ownership (visibility), plus what they are assigned."""
    condition = visibility(Activity, principal)
    if condition is None:
        return query
    return query.where(or_(condition, Activity.assignee_id == principal.user_id))


def _aware(value: datetime | None, field: str) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise Invalid("%(name)s needs a time zone, such as +03:00.", field=field, name=field)
    return value


async def _checked(
    session: AsyncSession,
    principal: Principal,
    data: dict[str, Any],
    members: Collection[uuid.UUID],
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "kind" in data:
        if data["kind"] not in ACTIVITY_KINDS:
            raise Invalid(
                "kind must be one of: %(choices)s.", field="kind", choices=", ".join(ACTIVITY_KINDS)
            )
        values["kind"] = data["kind"]
    if "title" in data:
        title = " ".join((data["title"] or "").split())
        if not title or len(title) > TITLE_LIMIT:
            raise Invalid(
                "An activity needs a title of 1 to %(max)d characters.",
                field="title",
                max=TITLE_LIMIT,
            )
        values["title"] = title
    if "notes" in data:
        values["notes"] = (data["notes"] or "").strip()[:20000]
    for name in ("due_at", "remind_at"):
        if name in data:
            values[name] = _aware(data[name], name)
    if data.get("assignee_id") is not None:
        if data["assignee_id"] not in members:
            raise Invalid("The assignee is not a member of this workspace.", field="assignee_id")
        values["assignee_id"] = data["assignee_id"]
    for name, model in LINKS:
        if data.get(name) is not None:
            if await get_visible(session, model, data[name], principal) is None:
                raise Invalid("There is no such record: %(id)s.", field=name, id=str(data[name]))
            values[name] = data[name]
        elif name in data:
            values[name] = None
    if "done" in data:
        values["done_at"] = utcnow() if data["done"] else None
    return values


async def create_activity(
    session: AsyncSession,
    principal: Principal,
    data: dict[str, Any],
    members: Collection[uuid.UUID],
) -> Activity:
    if "kind" not in data or "title" not in data:
        raise Invalid(
            "An activity needs its kind and title.", field="kind" if "kind" not in data else "title"
        )
    values = await _checked(session, principal, data, members)
    activity = Activity(
        **{"assignee_id": principal.user_id, **values},
        owner_id=principal.user_id,
        created_by=principal.user_id,
    )
    session.add(activity)
    await session.flush()
    audit_event(session, "activity", activity.id, "created", principal)
    await record_event(session, "activity.created", {"id": str(activity.id), "kind": activity.kind})
    return activity


async def get_activity(
    session: AsyncSession, principal: Principal, activity_id: uuid.UUID
) -> Activity:
    activity = await session.scalar(
        _visible(select(Activity).where(Activity.id == activity_id), principal).with_for_update()
    )
    if activity is None:
        raise NotFound("No such activity.")
    return activity


async def update_activity(
    session: AsyncSession,
    principal: Principal,
    activity_id: uuid.UUID,
    data: dict[str, Any],
    members: Collection[uuid.UUID],
) -> Activity:
    activity = await get_activity(session, principal, activity_id)
    values = await _checked(session, principal, data, members)
    if "done_at" in values and bool(values["done_at"]) == bool(activity.done_at):
        del values["done_at"]  # marking done twice keeps the first time
    changes = {}
    for name, value in values.items():
        if getattr(activity, name) != value:
            changes[name] = (getattr(activity, name), value)
            setattr(activity, name, value)
    if "remind_at" in changes:
        activity.reminded_at = None  # the new time gets its own reminder
    if changes:
        activity.updated_at = utcnow()
        audit_changes(session, "activity", activity.id, changes, principal)
        await record_event(
            session, "activity.updated", {"id": str(activity.id), "fields": sorted(changes)}
        )
    await session.flush()
    return activity


async def delete_activity(
    session: AsyncSession, principal: Principal, activity_id: uuid.UUID
) -> None:
    activity = await get_activity(session, principal, activity_id)
    audit_event(session, "activity", activity.id, "deleted", principal, old=activity.title)
    await session.delete(activity)


async def _today(session: AsyncSession) -> tuple[datetime, datetime]:
    """Today in the workspace's time zone, as a UTC range."""
    zone = ZoneInfo((await workspace_settings(session)).timezone)
    start = datetime.combine(utcnow().astimezone(zone).date(), time(), tzinfo=zone)
    return start, start + timedelta(days=1)


async def list_activities(
    session: AsyncSession,
    principal: Principal,
    *,
    assignee: str | None = None,
    due: str | None = None,
    done: bool | None = None,
    kind: str | None = None,
    contact_id: uuid.UUID | None = None,
    deal_id: uuid.UUID | None = None,
    cursor: str | None = None,
    limit: int = 25,
) -> Page[Activity]:
    """Newest first. ``assignee=me`` and ``due=today|overdue`` make "my tasks today / overdue"."""
    query = _visible(select(Activity), principal)
    if assignee == "me":
        query = query.where(Activity.assignee_id == principal.user_id)
    elif assignee:
        try:
            query = query.where(Activity.assignee_id == uuid.UUID(assignee))
        except ValueError:
            raise Invalid("assignee is me or a user id.", field="assignee") from None
    if due == "today":
        start, end = await _today(session)
        query = query.where(Activity.due_at >= start, Activity.due_at < end)
    elif due == "overdue":
        query = query.where(Activity.done_at.is_(None), Activity.due_at < utcnow())
    elif due is not None:
        raise Invalid("due is today or overdue.", field="due")
    if done is not None:
        query = query.where(Activity.done_at.is_not(None) if done else Activity.done_at.is_(None))
    if kind:
        query = query.where(Activity.kind == kind)
    if contact_id:
        query = query.where(Activity.contact_id == contact_id)
    if deal_id:
        query = query.where(Activity.deal_id == deal_id)
    return await paginate(
        session,
        query,
        sort=[Activity.created_at, Activity.id],
        key=lambda activity: [activity.created_at.isoformat(), activity.id],
        parse=[datetime.fromisoformat, uuid.UUID],
        cursor=cursor,
        limit=limit,
        descending=True,
    )


AGENDA_LIMIT = 500


async def agenda(
    session: AsyncSession,
    principal: Principal,
    *,
    due_from: datetime | None = None,
    due_to: datetime | None = None,
    open_only: bool = False,
    mine: bool = False,
) -> list[tuple[Activity, str]]:
    """Activities due in [due_from, due_to), soonest first, each with its contact's name (for
    "today", "overdue" and a month's calendar); at most AGENDA_LIMIT."""
    query = agenda_query(
        principal, due_from=due_from, due_to=due_to, open_only=open_only, mine=mine
    )
    rows = await session.execute(query.limit(AGENDA_LIMIT))
    return [(activity, name or "") for activity, name in rows]


def agenda_query(
    principal: Principal,
    *,
    due_from: datetime | None = None,
    due_to: datetime | None = None,
    open_only: bool = False,
    mine: bool = False,
) -> Select:
    """(activity, contact's name) due in [due_from, due_to), soonest first, that the principal
    may see (the task pages and their export)."""
    query = _visible(
        select(Activity, Contact.display_name.label("contact")).outerjoin(
            Contact, Contact.id == Activity.contact_id
        ),
        principal,
    ).where(Activity.due_at.is_not(None))
    if due_from is not None:
        query = query.where(Activity.due_at >= due_from)
    if due_to is not None:
        query = query.where(Activity.due_at < due_to)
    if open_only:
        query = query.where(Activity.done_at.is_(None))
    if mine:
        query = query.where(Activity.assignee_id == principal.user_id)
    return query.order_by(Activity.due_at, Activity.id)


@moves_references
async def _move_activities(session: AsyncSession, from_id: uuid.UUID, to_id: uuid.UUID) -> None:
    await session.execute(
        update(Activity).where(Activity.contact_id == from_id).values(contact_id=to_id)
    )


@timeline_provider
async def _activity_history(session, contact_id, before, limit) -> list[TimelineEntry]:
    query = select(Activity).where(Activity.contact_id == contact_id)
    if before is not None:
        query = query.where(tuple_(Activity.created_at, Activity.id) < tuple_(*before))
    rows = await session.scalars(
        query.order_by(Activity.created_at.desc(), Activity.id.desc()).limit(limit)
    )
    return [
        TimelineEntry(
            id=activity.id,
            at=activity.created_at,
            kind=f"activity.{activity.kind}",
            actor_id=activity.created_by,
            data={
                "activity_id": str(activity.id),
                "title": activity.title,
                "due_at": activity.due_at.isoformat() if activity.due_at else None,
                "done": activity.done_at is not None,
                "assignee_id": str(activity.assignee_id) if activity.assignee_id else None,
            },
        )
        for activity in rows
    ]


async def remind_due_tasks(session: AsyncSession, settings, now: datetime) -> int:
    """Due work: raise ``activity.reminder_due`` for each task whose reminder time came."""
    rows = await session.execute(
        update(Activity)
        .where(
            Activity.remind_at <= func.now(),
            Activity.reminded_at.is_(None),
            Activity.done_at.is_(None),
            Activity.assignee_id.is_not(None),
        )
        .values(reminded_at=func.now())
        .returning(Activity.id, Activity.remind_at)
    )
    claimed = rows.all()
    for activity_id, remind_at in claimed:
        await record_event(
            session,
            "activity.reminder_due",
            {"activity_id": str(activity_id), "remind_at": remind_at.isoformat()},
        )
    return len(claimed)
