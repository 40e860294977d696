"""Appeal reports: appeals by channel and by subject, with answer times and outcomes."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import (
    func,
    select,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.crm.appeals.models import APPEAL_KINDS, Appeal, AppealSubject, subject_key
from atrium.platform.crm.reports.service import report_bounds, visible_to
from atrium.platform.db.types import utcnow


@dataclass(frozen=True)
class AppealsRow:
    channel: str | None  # None: all channels
    appeals: int
    by_kind: dict[str, int]
    answered: int
    overdue: int  # not answered and past the time to answer, now
    answered_late: int
    average_response: timedelta | None

    @property
    def complaints(self) -> int:
        return self.by_kind["complaint"]


async def appeals_by_channel(
    session: AsyncSession, principal: Principal, period_from: date, period_to: date
) -> list[AppealsRow]:
    """Appeals received in the period per channel (busiest first) with their kinds, then the
    total of all channels."""
    start, end, _ = await report_bounds(session, period_from, period_to)
    total = func.count()
    rows = await session.execute(
        select(
            Appeal.channel,
            total.label("appeals"),
            *(func.count().filter(Appeal.kind == kind).label(kind) for kind in APPEAL_KINDS),
            func.count(Appeal.answered_at).label("answered"),
            func.count()
            .filter(Appeal.answered_at.is_(None), Appeal.respond_by < utcnow())
            .label("overdue"),
            func.count().filter(Appeal.answered_at > Appeal.respond_by).label("late"),
            func.avg(Appeal.answered_at - Appeal.received_at).label("response"),
        )
        .where(Appeal.received_at >= start, Appeal.received_at < end)
        .where(*visible_to(principal, Appeal))
        .group_by(func.rollup(Appeal.channel))
        .order_by(func.grouping(Appeal.channel), total.desc(), Appeal.channel)
    )
    # With no appeals at all ROLLUP still gives the total row, of zeros.
    return [
        AppealsRow(
            row.channel,
            row.appeals,
            {kind: row._mapping[kind] for kind in APPEAL_KINDS},
            row.answered,
            row.overdue,
            row.late,
            row.response,
        )
        for row in rows
    ]


@dataclass(frozen=True)
class SubjectRow:
    subject: str  # "" for appeals registered without one
    appeals: int
    complaints: int
    answered: int
    overdue: int
    average_response: timedelta | None


async def appeals_by_subject(
    session: AsyncSession,
    principal: Principal,
    period_from: date,
    period_to: date,
    most: int = 20,
) -> list[SubjectRow]:
    """What customers turned to the business about in the period: the ``most`` frequent subjects,
    busiest first. Spellings that differ only in case or spaces are one subject, named as the
    workspace's list names it, else as it was last typed."""
    start, end, _ = await report_bounds(session, period_from, period_to)
    typed = func.trim(Appeal.subject)
    key = subject_key(Appeal.subject)
    latest = func.array_agg(aggregate_order_by(typed, Appeal.received_at.desc()))[1]
    total = func.count()
    rows = await session.execute(
        select(
            func.coalesce(func.min(AppealSubject.name), latest).label("subject"),
            total.label("appeals"),
            func.count().filter(Appeal.kind == "complaint").label("complaints"),
            func.count(Appeal.answered_at).label("answered"),
            func.count()
            .filter(Appeal.answered_at.is_(None), Appeal.respond_by < utcnow())
            .label("overdue"),
            func.avg(Appeal.answered_at - Appeal.received_at).label("response"),
        )
        .outerjoin(AppealSubject, func.lower(AppealSubject.name) == key)
        .where(Appeal.received_at >= start, Appeal.received_at < end)
        .where(*visible_to(principal, Appeal))
        .group_by(key)
        .order_by(total.desc(), key)
        .limit(most)
    )
    return [
        SubjectRow(row.subject, row.appeals, row.complaints, row.answered, row.overdue,
                   row.response)
        for row in rows
    ]  # fmt: skip
