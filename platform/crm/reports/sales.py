"""Sales reports: each pipeline's funnel, won and lost deals, revenue by month, members' figures."""

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
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.crm.activities.models import Activity
from atrium.platform.crm.appeals.models import Appeal
from atrium.platform.crm.deals.models import Deal, DealMove, Pipeline, Stage
from atrium.platform.crm.reports.service import (
    closed_in,
    people_of,
    percent,
    report_bounds,
    visible_to,
)


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
