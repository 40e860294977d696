"""A pipeline as a board: its stages as columns, each with the deal count and total, and the
newest deals in it (open stages: all that are open; won and lost: those closed lately)."""

import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.crm.contacts.models import Contact
from atrium.platform.crm.deals.models import Deal, Pipeline, Stage
from atrium.platform.crm.deals.pipelines import pipeline_with_stages
from atrium.platform.crm.records.visibility import visible
from atrium.platform.db.types import utcnow

CARDS_PER_COLUMN = 50
CLOSED_SHOWN_FOR = timedelta(days=30)  # won and lost columns show what closed this recently


@dataclass
class BoardCard:
    deal: Deal
    contact_name: str


@dataclass
class Column:
    stage: Stage
    count: int = 0
    total: Decimal = Decimal("0")
    cards: list[BoardCard] = field(default_factory=list)


async def pipeline_board(
    session: AsyncSession, principal: Principal, pipeline_id: uuid.UUID
) -> tuple[Pipeline, list[Column]]:
    pipeline, stages = await pipeline_with_stages(session, pipeline_id)
    columns = {stage.id: Column(stage) for stage in stages}
    closed_stages = [stage.id for stage in stages if stage.kind in ("won", "lost")]
    shown = visible(select(Deal), Deal, principal).where(
        Deal.pipeline_id == pipeline_id,
        or_(
            Deal.stage_id.not_in(closed_stages),
            Deal.closed_at >= utcnow() - CLOSED_SHOWN_FOR,
        ),
    )
    totals = shown.with_only_columns(
        Deal.stage_id, func.count(), func.coalesce(func.sum(Deal.amount), 0)
    ).group_by(Deal.stage_id)
    for stage_id, count, total in await session.execute(totals):
        columns[stage_id].count, columns[stage_id].total = count, total
    newest = shown.add_columns(
        func.row_number()
        .over(partition_by=Deal.stage_id, order_by=(Deal.updated_at.desc(), Deal.id))
        .label("place")
    ).subquery()
    rows = await session.execute(
        select(Deal, Contact.display_name)
        .join(newest, newest.c.id == Deal.id)
        .outerjoin(Contact, Contact.id == Deal.contact_id)
        .where(newest.c.place <= CARDS_PER_COLUMN)
        .order_by(newest.c.place)
    )
    for deal, contact_name in rows:
        columns[deal.stage_id].cards.append(BoardCard(deal, contact_name or ""))
    return pipeline, list(columns.values())
