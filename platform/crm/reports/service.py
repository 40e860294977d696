"""Sales reports: the funnel of each pipeline, deals won and lost by reason, revenue over time,
each member's KPIs, and appeals by channel and kind. Each takes the period's first and last day
(the workspace's zone) and counts only what the principal may see; customer reports (ABC,
lifetime value, sources) are in reports_customers.py."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import (
    Float,
    Interval,
    Numeric,
    and_,
    case,
    cast,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.crm.activities.models import Activity
from atrium.platform.crm.appeals.models import APPEAL_KINDS, Appeal, AppealSubject, subject_key
from atrium.platform.crm.deals.models import Deal, DealMove, Pipeline, Stage
from atrium.platform.crm.records.visibility import record_scope, visibility
from atrium.platform.crm.reports.period import period_bounds
from atrium.platform.crm.teams.models import TeamMember
from atrium.platform.db.types import utcnow

# A report sorts and hashes a few hundred thousand rows; PostgreSQL's default work_mem (4 MB)
# sends them to disk and doubles the time. Set for the rest of the report's transaction only.
REPORT_WORK_MEM = "32MB"


async def report_bounds(
    session: AsyncSession, first: date, last: date
) -> tuple[datetime, datetime, str]:
    """period_bounds(), and room in memory for the report's queries."""
    bounds = await period_bounds(session, first, last)
    await session.execute(select(func.set_config("work_mem", REPORT_WORK_MEM, True)))
    return bounds


def visible_to(principal: Principal, model) -> list:
    """The principal's visibility rule for ``model`` as a list of conditions (none: sees all)."""
    condition = visibility(model, principal)
    return [] if condition is None else [condition]


def people_of(principal: Principal, column) -> list:
    """Whose figures the principal may see: everyone's (owners, admins), their teams' and their
    own (managers), or their own."""
    scope = record_scope(principal)
    if scope == "all":
        return []
    if scope == "own":
        return [column == principal.user_id]
    my_teams = select(TeamMember.team_id).where(TeamMember.user_id == principal.user_id)
    teammates = select(TeamMember.user_id).where(TeamMember.team_id.in_(my_teams))
    return [or_(column == principal.user_id, column.in_(teammates))]


def closed_in(start: datetime, end: datetime, kind: str) -> list:
    """Deals that ended won (or lost) within [start, end) and are still so."""
    return [
        Deal.stage_id.in_(select(Stage.id).where(Stage.kind == kind)),
        Deal.closed_at >= start,
        Deal.closed_at < end,
    ]


def percent(part, whole):
    """part / whole in percent with one decimal, NULL when whole is 0 (SQL)."""
    return func.round(100 * cast(part, Numeric) / func.nullif(whole, 0), 1)


# ---- the sales funnel -------------------------------------------------------------------------


@dataclass(frozen=True)
class FunnelStep:
    stage_id: uuid.UUID
    stage: str
    kind: str  # open or won
    deals: int  # deals that reached this stage or a later one in the period
    amount: Decimal
    conversion: Decimal | None  # % of the previous step's deals that got this far


@dataclass(frozen=True)
class PipelineFunnel:
    pipeline_id: uuid.UUID
    pipeline: str
    steps: list[FunnelStep]
    lost: int  # deals moved to a lost stage in the period

    @property
    def won_conversion(self) -> Decimal | None:
        """% of the deals on the first step that were won."""
        if not self.steps or not self.steps[0].deals:
            return None
        return (Decimal(100) * self.steps[-1].deals / self.steps[0].deals).quantize(Decimal("0.1"))


async def sales_funnel(
    session: AsyncSession, principal: Principal, period_from: date, period_to: date
) -> list[PipelineFunnel]:
    """Each pipeline's open stages then its won stage; a deal counts on every step up to the
    furthest one it was moved to in the period (skipping a stage still passes it). One pass
    over the period's moves also counts the deals moved to a lost stage."""
    start, end, _ = await report_bounds(session, period_from, period_to)
    lost_stage = Stage.kind == "lost"
    step = func.row_number().over(
        partition_by=(Stage.pipeline_id, lost_stage),
        order_by=(Stage.kind == "won", Stage.position, Stage.id),
    )
    # Open stages, then the won one, numbered 1, 2, ... in each pipeline; lost ones have none.
    numbered = select(Stage.id, Stage.kind, case((~lost_stage, step)).label("step")).subquery()
    moved = (
        select(
            DealMove.deal_id,
            func.max(numbered.c.step).label("step"),
            func.bool_or(numbered.c.kind == "lost").label("lost"),
        )
        .join(numbered, numbered.c.id == DealMove.to_stage_id)
        .where(DealMove.at >= start, DealMove.at < end)
        .group_by(DealMove.deal_id)
        .subquery("moved")
    )
    ended = (
        select(
            Deal.pipeline_id,
            moved.c.step,
            func.count().label("deals"),
            func.sum(Deal.amount).label("amount"),
            func.count().filter(moved.c.lost).label("lost"),
        )
        .join(moved, moved.c.deal_id == Deal.id)
        .where(*visible_to(principal, Deal))
        .group_by(Deal.pipeline_id, moved.c.step)
        .cte("ended")
    )
    steps = select(
        Stage.id, Stage.pipeline_id, Stage.name, Stage.kind, step.label("step")
    ).subquery("steps")
    onwards = {"partition_by": steps.c.pipeline_id, "order_by": steps.c.step.desc()}
    lost = (
        select(func.coalesce(func.sum(ended.c.lost), 0))
        .where(ended.c.pipeline_id == steps.c.pipeline_id)
        .correlate(steps)
    )
    reached = (
        select(
            steps,
            func.sum(func.coalesce(ended.c.deals, 0)).over(**onwards).label("deals"),
            func.sum(func.coalesce(ended.c.amount, 0)).over(**onwards).label("amount"),
            lost.scalar_subquery().label("lost"),
        )
        .select_from(
            steps.outerjoin(
                ended,
                and_(ended.c.pipeline_id == steps.c.pipeline_id, ended.c.step == steps.c.step),
            )
        )
        .where(steps.c.kind != "lost")
        .subquery("reached")
    )
    previous = func.lag(reached.c.deals).over(
        partition_by=reached.c.pipeline_id, order_by=reached.c.step
    )
    rows = await session.execute(
        select(
            Pipeline.id.label("pipeline_id"),
            Pipeline.name.label("pipeline"),
            reached.c.id,
            reached.c.name,
            reached.c.kind,
            reached.c.deals,
            reached.c.amount,
            percent(reached.c.deals, previous).label("conversion"),
            reached.c.lost,
        )
        .join(Pipeline, Pipeline.id == reached.c.pipeline_id)
        .order_by(Pipeline.position, Pipeline.name, reached.c.step)
    )
    funnels: dict[uuid.UUID, PipelineFunnel] = {}
    for row in rows:
        funnel = funnels.setdefault(
            row.pipeline_id, PipelineFunnel(row.pipeline_id, row.pipeline, [], int(row.lost))
        )
        funnel.steps.append(
            FunnelStep(row.id, row.name, row.kind, int(row.deals), row.amount, row.conversion)
        )
    return list(funnels.values())


# ---- won and lost deals by reason ------------------------------------------------------------


@dataclass(frozen=True)
class OutcomeRow:
    outcome: str  # won or lost
    reason: str  # why it was lost ("" for won deals)
    deals: int
    amount: Decimal
    share: Decimal | None  # % of this outcome's deals


@dataclass(frozen=True)
class Outcomes:
    rows: list[OutcomeRow]

    def _total(self, outcome: str, what: str):
        return sum((getattr(row, what) for row in self.rows if row.outcome == outcome), 0)

    @property
    def won(self) -> int:
        return self._total("won", "deals")

    @property
    def lost(self) -> int:
        return self._total("lost", "deals")

    @property
    def won_amount(self) -> Decimal:
        return Decimal(self._total("won", "amount"))

    @property
    def lost_amount(self) -> Decimal:
        return Decimal(self._total("lost", "amount"))

    @property
    def win_rate(self) -> Decimal | None:
        closed = self.won + self.lost
        return (Decimal(100) * self.won / closed).quantize(Decimal("0.1")) if closed else None


async def deal_outcomes(
    session: AsyncSession, principal: Principal, period_from: date, period_to: date
) -> Outcomes:
    """Deals closed in the period: the won ones, and the lost ones by reason (reasons that
    differ only in case or spaces are one)."""
    start, end, _ = await report_bounds(session, period_from, period_to)
    key = case((Stage.kind == "lost", func.lower(func.btrim(Deal.lost_reason))), else_="")
    count = func.count()
    rows = await session.execute(
        select(
            Stage.kind,
            # One wording shown for a reason, whatever the database's collation.
            func.min(func.btrim(Deal.lost_reason).collate("C")).label("reason"),
            count.label("deals"),
            func.sum(Deal.amount).label("amount"),
            percent(count, func.sum(count).over(partition_by=Stage.kind)).label("share"),
        )
        .join(Stage, Stage.id == Deal.stage_id)
        .where(Stage.kind.in_(("won", "lost")), Deal.closed_at >= start, Deal.closed_at < end)
        .where(*visible_to(principal, Deal))
        .group_by(Stage.kind, key)
        .order_by(Stage.kind.desc(), count.desc(), key)
    )
    return Outcomes(
        [OutcomeRow(row.kind, row.reason, row.deals, row.amount, row.share) for row in rows]
    )


# ---- revenue over time -----------------------------------------------------------------------


@dataclass(frozen=True)
class RevenuePoint:
    starts: date  # the day, or the month's first day
    deals: int
    revenue: Decimal


async def revenue_trend(
    session: AsyncSession, principal: Principal, period_from: date, period_to: date
) -> tuple[str, list[RevenuePoint]]:
    """Won deals and revenue per day (per month for periods over two months), empty ones too."""
    start, end, zone = await report_bounds(session, period_from, period_to)
    unit = "day" if (period_to - period_from).days < 62 else "month"
    bucket = func.date_trunc(unit, func.timezone(zone, Deal.closed_at))
    won = (
        select(
            bucket.label("starts"),
            func.count().label("deals"),
            func.sum(Deal.amount).label("revenue"),
        )
        .where(*closed_in(start, end, "won"), *visible_to(principal, Deal))
        .group_by(bucket)
        .subquery("won")
    )
    first = period_from if unit == "day" else period_from.replace(day=1)
    series = (
        func.generate_series(
            literal(datetime.combine(first, time())),
            literal(datetime.combine(period_to, time())),
            literal_column(f"interval '1 {unit}'"),  # a constant: unit is day or month
        )
        .table_valued("starts")
        .render_derived()
    )
    rows = await session.execute(
        select(
            series.c.starts,
            func.coalesce(won.c.deals, 0),
            func.coalesce(won.c.revenue, 0),
        )
        .select_from(series.outerjoin(won, won.c.starts == series.c.starts))
        .order_by(series.c.starts)
    )
    return unit, [RevenuePoint(starts.date(), deals, revenue) for starts, deals, revenue in rows]


# ---- each member's KPIs ----------------------------------------------------------------------


@dataclass(frozen=True)
class MemberKpis:
    user_id: uuid.UUID
    calls: int  # calls and meetings done in the period
    meetings: int
    deals_won: int
    revenue: Decimal
    appeals_answered: int  # appeals received in the period and answered
    average_response: timedelta | None  # from receiving an appeal to its answer


async def member_kpis(
    session: AsyncSession, principal: Principal, period_from: date, period_to: date
) -> list[MemberKpis]:
    """Per member (those the principal may see, with any figure in the period): activities by
    their assignee, won deals by their owner, appeals by the employee who handled them."""
    start, end, _ = await report_bounds(session, period_from, period_to)
    zero, no_money, no_time = literal(0), cast(0, Numeric(14, 2)), cast(null(), Interval)
    activities = (
        select(
            Activity.assignee_id.label("user_id"),
            func.count().filter(Activity.kind == "call").label("calls"),
            func.count().filter(Activity.kind == "meeting").label("meetings"),
            zero.label("won"),
            no_money.label("revenue"),
            zero.label("answered"),
            no_time.label("response"),
        )
        .where(Activity.kind.in_(("call", "meeting")), Activity.done_at >= start)
        .where(Activity.done_at < end, *people_of(principal, Activity.assignee_id))
        .group_by(Activity.assignee_id)
    )
    won = (
        select(Deal.owner_id, zero, zero, func.count(), func.sum(Deal.amount), zero, no_time)
        .where(*closed_in(start, end, "won"), *people_of(principal, Deal.owner_id))
        .group_by(Deal.owner_id)
    )
    appeals = (
        select(
            Appeal.employee_id,
            zero,
            zero,
            zero,
            no_money,
            func.count(),
            func.sum(Appeal.answered_at - Appeal.received_at),
        )
        .where(Appeal.received_at >= start, Appeal.received_at < end)
        .where(Appeal.answered_at.is_not(None), *people_of(principal, Appeal.employee_id))
        .group_by(Appeal.employee_id)
    )
    figures = union_all(activities, won, appeals).subquery("figures")
    answered = func.sum(figures.c.answered)
    revenue = func.sum(figures.c.revenue)
    rows = await session.execute(
        select(
            figures.c.user_id,
            func.sum(figures.c.calls),
            func.sum(figures.c.meetings),
            func.sum(figures.c.won),
            revenue,
            answered,
            func.sum(figures.c.response).op("/", return_type=Interval)(
                cast(func.nullif(answered, 0), Float)
            ),
        )
        .where(figures.c.user_id.is_not(None))
        .group_by(figures.c.user_id)
        .order_by(revenue.desc(), figures.c.user_id)
    )
    return [
        MemberKpis(user, int(calls), int(meetings), int(deals), money, int(count), response)
        for user, calls, meetings, deals, money, count, response in rows
    ]


# ---- appeals by channel and kind -------------------------------------------------------------


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
