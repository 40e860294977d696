"""Recording appeals, answering them in time, and flagging late complaints for the manager."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.crm.appeals.models import (
    APPEAL_CHANNELS,
    APPEAL_KINDS,
    Appeal,
    subject_key,
    typed_subject_key,
)
from atrium.platform.crm.audit.service import audit_changes, audit_event
from atrium.platform.crm.contacts.merge import moves_references
from atrium.platform.crm.contacts.models import Contact
from atrium.platform.crm.contacts.timeline import TimelineEntry, timeline_provider
from atrium.platform.crm.records.visibility import get_visible, visible
from atrium.platform.db.types import utcnow
from atrium.platform.errors import Forbidden, Invalid, NotFound
from atrium.platform.events.service import record_event
from atrium.platform.http.pagination import Page, paginate

# How long the business gives itself to answer, unless the appeal says otherwise.
RESPONSE_HOURS = {"complaint": 24, "order": 24, "inquiry": 48, "proposal": 72, "other": 72}
TEXT_LIMITS = {"subject": 300, "summary": 5000, "result": 5000, "manager_decision": 5000}


def is_overdue(appeal: Appeal, now: datetime | None = None) -> bool:
    return appeal.answered_at is None and appeal.respond_by < (now or utcnow())


def needs_manager(appeal: Appeal, now: datetime | None = None) -> bool:
    """A complaint past its limit is flagged for the manager."""
    return appeal.kind == "complaint" and is_overdue(appeal, now)


def _texts(data: dict[str, Any]) -> dict[str, str]:
    values = {}
    for name, limit in TEXT_LIMITS.items():
        if data.get(name) is not None:
            value = data[name].strip()
            if len(value) > limit:
                raise Invalid(
                    "%(name)s must be at most %(max)d characters.", field=name, name=name, max=limit
                )
            values[name] = value
    return values


def _limit_hours(data: dict[str, Any], kind: str) -> int:
    hours = data.get("response_limit_hours")
    if hours is None:
        hours = RESPONSE_HOURS[kind]
    if not 1 <= hours <= 24 * 30:
        raise Invalid("response_limit_hours is 1 to 720.", field="response_limit_hours")
    return hours


async def create_appeal(
    session: AsyncSession, principal: Principal, data: dict[str, Any]
) -> Appeal:
    if data.get("channel") not in APPEAL_CHANNELS:
        raise Invalid(
            "channel must be one of: %(choices)s.",
            field="channel",
            choices=", ".join(APPEAL_CHANNELS),
        )
    if data.get("kind") not in APPEAL_KINDS:
        raise Invalid(
            "kind must be one of: %(choices)s.", field="kind", choices=", ".join(APPEAL_KINDS)
        )
    received_at = data.get("received_at") or utcnow()
    if received_at.tzinfo is None:
        raise Invalid(
            "received_at needs a time zone, such as 2026-03-05T10:30:00+03:00.", field="received_at"
        )
    if received_at > utcnow() + timedelta(minutes=5):
        raise Invalid("received_at cannot be in the future.", field="received_at")
    values = _texts(data)
    if "manager_decision" in values and not principal.can("appeals.decide"):
        raise Forbidden("Only a manager records the manager's decision.")
    if data.get("contact_id") is not None:
        if await get_visible(session, Contact, data["contact_id"], principal) is None:
            raise Invalid(
                "There is no contact %(id)s.", field="contact_id", id=str(data["contact_id"])
            )
    appeal = Appeal(
        contact_id=data.get("contact_id"),
        received_at=received_at.astimezone(UTC),
        employee_id=data.get("employee_id") or principal.user_id,
        owner_id=principal.user_id,
        channel=data["channel"],
        kind=data["kind"],
        respond_by=received_at + timedelta(hours=_limit_hours(data, data["kind"])),
        answered_at=utcnow() if values.get("result") else None,
        **values,
    )
    session.add(appeal)
    await session.flush()
    audit_event(session, "appeal", appeal.id, "created", principal)
    await record_event(session, "appeal.created", {"id": str(appeal.id), "kind": appeal.kind})
    return appeal


async def get_appeal(session: AsyncSession, principal: Principal, appeal_id: uuid.UUID) -> Appeal:
    appeal = await get_visible(session, Appeal, appeal_id, principal)
    if appeal is None:
        raise NotFound("No such appeal.")
    return appeal


async def update_appeal(
    session: AsyncSession, principal: Principal, appeal_id: uuid.UUID, data: dict[str, Any]
) -> Appeal:
    appeal = await get_appeal(session, principal, appeal_id)
    values = _texts(data)
    if "manager_decision" in values and not principal.can("appeals.decide"):
        raise Forbidden("Only a manager records the manager's decision.")
    changes = {}
    for name, value in values.items():
        if getattr(appeal, name) != value:
            changes[name] = (getattr(appeal, name), value)
            setattr(appeal, name, value)
    if appeal.result and appeal.answered_at is None:
        appeal.answered_at = utcnow()
        changes["answered_at"] = (None, appeal.answered_at)
    if changes:
        appeal.updated_at = utcnow()
        audit_changes(session, "appeal", appeal.id, changes, principal)
        await record_event(
            session, "appeal.updated", {"id": str(appeal.id), "fields": sorted(changes)}
        )
    await session.flush()
    return appeal


async def list_appeals(
    session: AsyncSession,
    principal: Principal,
    *,
    contact_id: uuid.UUID | None = None,
    kind: str | None = None,
    channel: str | None = None,
    subject: str | None = None,
    overdue: bool | None = None,
    answered: bool | None = None,
    cursor: str | None = None,
    limit: int = 25,
) -> Page[Appeal]:
    query = appeals_query(
        principal, contact_id=contact_id, kind=kind, channel=channel, subject=subject,
        overdue=overdue, answered=answered,
    )  # fmt: skip
    return await paginate(
        session,
        query,
        sort=[Appeal.received_at, Appeal.id],
        key=lambda appeal: [appeal.received_at.isoformat(), appeal.id],
        parse=[datetime.fromisoformat, uuid.UUID],
        cursor=cursor,
        limit=limit,
        descending=True,
    )


def appeals_query(
    principal: Principal,
    *,
    contact_id: uuid.UUID | None = None,
    kind: str | None = None,
    channel: str | None = None,
    subject: str | None = None,
    overdue: bool | None = None,
    answered: bool | None = None,
) -> Select:
    """The register's appeals the principal may see, filtered (the list and its export)."""
    query = visible(select(Appeal), Appeal, principal)
    if contact_id:
        query = query.where(Appeal.contact_id == contact_id)
    if kind:
        query = query.where(Appeal.kind == kind)
    if channel:
        query = query.where(Appeal.channel == channel)
    if subject:  # as a subject in the list names it, whatever the case typed
        query = query.where(subject_key(Appeal.subject) == typed_subject_key(subject))
    if overdue is not None:
        late = (Appeal.answered_at.is_(None)) & (Appeal.respond_by < utcnow())
        query = query.where(late if overdue else ~late)
    if answered is not None:  # answered=False: still waiting for a result (open)
        query = query.where(
            Appeal.answered_at.is_not(None) if answered else Appeal.answered_at.is_(None)
        )
    return query


@moves_references
async def _move_appeals(session: AsyncSession, from_id: uuid.UUID, to_id: uuid.UUID) -> None:
    await session.execute(
        update(Appeal).where(Appeal.contact_id == from_id).values(contact_id=to_id)
    )


@timeline_provider
async def _appeal_history(session, contact_id, before, limit) -> list[TimelineEntry]:
    query = select(Appeal).where(Appeal.contact_id == contact_id)
    if before is not None:
        query = query.where(tuple_(Appeal.received_at, Appeal.id) < tuple_(*before))
    rows = await session.scalars(
        query.order_by(Appeal.received_at.desc(), Appeal.id.desc()).limit(limit)
    )
    return [
        TimelineEntry(
            id=appeal.id,
            at=appeal.received_at,
            kind="appeal",
            actor_id=appeal.employee_id,
            data={
                "appeal_id": str(appeal.id),
                "kind": appeal.kind,
                "channel": appeal.channel,
                "subject": appeal.subject,
                "summary": appeal.summary,
                "result": appeal.result,
                "overdue": is_overdue(appeal),
            },
        )
        for appeal in rows
    ]


async def notice_overdue_complaints(session: AsyncSession, settings, now: datetime) -> int:
    """Due work: raise ``appeal.overdue`` once for each complaint past its answer time."""
    rows = await session.execute(
        update(Appeal)
        .where(
            Appeal.kind == "complaint",
            Appeal.answered_at.is_(None),
            Appeal.respond_by <= func.now(),
            Appeal.overdue_noticed_at.is_(None),
        )
        .values(overdue_noticed_at=func.now())
        .returning(Appeal.id)
    )
    claimed = rows.scalars().all()
    for appeal_id in claimed:
        await record_event(session, "appeal.overdue", {"appeal_id": str(appeal_id)})
    return len(claimed)
