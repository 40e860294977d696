"""Deals: created on a pipeline's stage, moved with a record of who and when, won or lost."""

import uuid
from collections.abc import Collection
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, exists, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.crm.audit.service import audit_changes, audit_event
from atrium.platform.crm.companies.models import Company
from atrium.platform.crm.contacts.merge import moves_references
from atrium.platform.crm.contacts.models import Contact
from atrium.platform.crm.contacts.timeline import TimelineEntry, timeline_provider
from atrium.platform.crm.deals.models import Deal, DealMove, Stage
from atrium.platform.crm.deals.pipelines import pipeline_with_stages
from atrium.platform.crm.products.models import DealLine, Product
from atrium.platform.crm.products.service import money
from atrium.platform.crm.records.visibility import get_visible, visible
from atrium.platform.crm.teams.sharing import checked_sharing
from atrium.platform.db.types import utcnow
from atrium.platform.errors import Invalid, NotFound
from atrium.platform.events.service import record_event
from atrium.platform.forms import column_limit
from atrium.platform.http.pagination import Page, paginate
from atrium.platform.numbers import decimal_of
from atrium.platform.tenancy.service import workspace_settings

MAX_AMOUNT = Decimal("999999999999.99")
TITLE_LIMIT = column_limit(Deal.title)
NOTES_LIMIT = 20000
LOST_REASON_LIMIT = 2000
LINE_NAME_LIMIT = column_limit(DealLine.name)


def _amount(raw: Any) -> Decimal:
    return money(raw, "amount")


def stage_due_at(stage: Stage, entered_at: datetime) -> datetime | None:
    """When a deal entering ``stage`` now overstays it: its time limit, for open stages."""
    if stage.kind != "open" or stage.time_limit_hours is None:
        return None
    return entered_at + timedelta(hours=stage.time_limit_hours)


async def _linked(session: AsyncSession, principal: Principal, data: dict[str, Any]) -> dict:
    """Contact and company must exist in this workspace and be visible to the caller."""
    values = {}
    for name, model in (("contact_id", Contact), ("company_id", Company)):
        if data.get(name) is not None:
            if await get_visible(session, model, data[name], principal) is None:
                raise Invalid(
                    "There is no %(what)s %(id)s.", field=name, what=name[:-3], id=str(data[name])
                )
            values[name] = data[name]
        elif name in data:
            values[name] = None
    return values


async def create_deal(
    session: AsyncSession,
    principal: Principal,
    data: dict[str, Any],
    *,
    members: Collection[uuid.UUID] = (),
) -> Deal:
    """``members``: the workspace's, when ``data`` gives the deal to someone (teams.sharing)."""
    sharing = await checked_sharing(session, principal, data, members)
    title = " ".join((data.get("title") or "").split())
    if not title or len(title) > TITLE_LIMIT:
        raise Invalid(
            "A deal needs a title of 1 to %(max)d characters.", field="title", max=TITLE_LIMIT
        )
    _, stages = await pipeline_with_stages(session, data["pipeline_id"])
    stage_id = data.get("stage_id") or stages[0].id
    stage = next((s for s in stages if s.id == stage_id), None)
    if stage is None:
        raise Invalid("That stage is not in this pipeline.", field="stage_id")
    if stage.kind != "open":
        raise Invalid("A new deal starts on an open stage.", field="stage_id")
    now = utcnow()
    deal = Deal(
        title=title,
        pipeline_id=data["pipeline_id"],
        stage_id=stage.id,
        stage_changed_at=now,
        stage_due_at=stage_due_at(stage, now),
        owner_id=sharing.get("owner_id") or principal.user_id,
        team_id=sharing.get("team_id"),
        amount=_amount(data.get("amount", 0)),
        currency=(await workspace_settings(session)).currency,
        notes=(data.get("notes") or "").strip()[:NOTES_LIMIT],
        created_by=principal.user_id,
        **await _linked(session, principal, data),
    )
    session.add(deal)
    await session.flush()
    session.add(DealMove(deal_id=deal.id, to_stage_id=stage.id, actor_id=principal.user_id))
    audit_event(session, "deal", deal.id, "created", principal)
    await record_event(session, "deal.created", {"id": str(deal.id)})
    return deal


async def get_deal(session: AsyncSession, principal: Principal, deal_id: uuid.UUID) -> Deal:
    deal = await get_visible(session, Deal, deal_id, principal)
    if deal is None:
        raise NotFound("No such deal.")
    return deal


async def update_deal(
    session: AsyncSession,
    principal: Principal,
    deal_id: uuid.UUID,
    data: dict[str, Any],
    *,
    members: Collection[uuid.UUID] = (),
) -> Deal:
    """``members``: the workspace's, when ``data`` gives the deal to someone (teams.sharing)."""
    deal = await get_deal(session, principal, deal_id)
    values: dict[str, Any] = await _linked(session, principal, data)
    values |= await checked_sharing(session, principal, data, members)
    if "title" in data:
        title = " ".join((data["title"] or "").split())
        if not title or len(title) > TITLE_LIMIT:
            raise Invalid(
                "A deal needs a title of 1 to %(max)d characters.", field="title", max=TITLE_LIMIT
            )
        values["title"] = title
    if "amount" in data:
        if await session.scalar(select(exists().where(DealLine.deal_id == deal.id))):
            raise Invalid(
                "This deal's amount comes from its lines; change the lines.", field="amount"
            )
        values["amount"] = _amount(data["amount"])
    if "notes" in data:
        values["notes"] = (data["notes"] or "").strip()[:NOTES_LIMIT]
    changes = {}
    for name, value in values.items():
        if getattr(deal, name) != value:
            changes[name] = (getattr(deal, name), value)
            setattr(deal, name, value)
    if changes:
        deal.updated_at = utcnow()
        audit_changes(session, "deal", deal.id, changes, principal)
        await record_event(session, "deal.updated", {"id": str(deal.id), "fields": sorted(changes)})
    await session.flush()
    return deal


async def move_deal(
    session: AsyncSession,
    principal: Principal,
    deal_id: uuid.UUID,
    stage_id: uuid.UUID,
    lost_reason: str | None = None,
) -> Deal:
    """Move to another stage of the same pipeline; a lost deal needs its reason."""
    deal = await get_deal(session, principal, deal_id)
    stage = await session.get(Stage, stage_id)
    if stage is None or stage.pipeline_id != deal.pipeline_id:
        raise Invalid("That stage is not in this deal's pipeline.", field="stage_id")
    if stage.id == deal.stage_id:
        return deal
    reason = (lost_reason or "").strip()
    if stage.kind == "lost" and not reason:
        raise Invalid("Say why the deal was lost.", field="lost_reason")
    from_stage = deal.stage_id
    now = utcnow()
    deal.stage_id, deal.stage_changed_at, deal.updated_at = stage.id, now, now
    deal.stage_due_at = stage_due_at(stage, now)
    deal.closed_at = now if stage.kind in ("won", "lost") else None
    deal.lost_reason = reason[:LOST_REASON_LIMIT] if stage.kind == "lost" else ""
    session.add(
        DealMove(
            deal_id=deal.id,
            from_stage_id=from_stage,
            to_stage_id=stage.id,
            actor_id=principal.user_id,
        )
    )
    audit_changes(session, "deal", deal.id, {"stage_id": (from_stage, stage.id)}, principal)
    await record_event(
        session,
        "deal.stage_changed",
        {"id": str(deal.id), "from": str(from_stage), "to": str(stage.id), "kind": stage.kind},
    )
    await session.flush()
    return deal


async def deal_moves(session: AsyncSession, deal_id: uuid.UUID) -> list[DealMove]:
    return list(
        await session.scalars(
            select(DealMove).where(DealMove.deal_id == deal_id).order_by(DealMove.at, DealMove.id)
        )
    )


async def delete_deal(session: AsyncSession, principal: Principal, deal_id: uuid.UUID) -> None:
    principal.require("crm.delete")
    deal = await get_deal(session, principal, deal_id)
    audit_event(session, "deal", deal.id, "deleted", principal, old=deal.title)
    await session.delete(deal)
    await record_event(session, "deal.deleted", {"id": str(deal_id)})


async def list_deals(
    session: AsyncSession,
    principal: Principal,
    *,
    pipeline_id: uuid.UUID | None = None,
    stage_id: uuid.UUID | None = None,
    contact_id: uuid.UUID | None = None,
    status: str | None = None,
    stuck: bool = False,
    cursor: str | None = None,
    limit: int = 25,
) -> Page[Deal]:
    query = visible(select(Deal), Deal, principal)
    if pipeline_id:
        query = query.where(Deal.pipeline_id == pipeline_id)
    if stage_id:
        query = query.where(Deal.stage_id == stage_id)
    if contact_id:
        query = query.where(Deal.contact_id == contact_id)
    if status is not None:
        if status not in ("open", "won", "lost"):
            raise Invalid("status is open, won or lost.", field="status")
        query = query.where(Deal.stage_id.in_(select(Stage.id).where(Stage.kind == status)))
    if stuck:
        query = query.where(Deal.stage_due_at < utcnow())
    return await paginate(
        session,
        query,
        sort=[Deal.created_at, Deal.id],
        key=lambda deal: [deal.created_at.isoformat(), deal.id],
        parse=[datetime.fromisoformat, uuid.UUID],
        cursor=cursor,
        limit=limit,
        descending=True,
    )


@moves_references
async def _move_deals(session: AsyncSession, from_id: uuid.UUID, to_id: uuid.UUID) -> None:
    await session.execute(update(Deal).where(Deal.contact_id == from_id).values(contact_id=to_id))


@timeline_provider
async def _deal_history(session, contact_id, before, limit) -> list[TimelineEntry]:
    """A contact's deals: when each was opened and every move between stages."""
    query = (
        select(DealMove, Deal.id, Deal.title, Stage.name, Stage.kind)
        .join(Deal, Deal.id == DealMove.deal_id)
        .join(Stage, Stage.id == DealMove.to_stage_id)
        .where(Deal.contact_id == contact_id)
    )
    if before is not None:
        query = query.where(tuple_(DealMove.at, DealMove.id) < tuple_(*before))
    rows = await session.execute(
        query.order_by(DealMove.at.desc(), DealMove.id.desc()).limit(limit)
    )
    return [
        TimelineEntry(
            id=move.id,
            at=move.at,
            kind="deal.created" if move.from_stage_id is None else "deal.moved",
            actor_id=move.actor_id,
            data={"deal_id": str(deal_id), "title": title, "stage": stage, "stage_kind": kind},
        )
        for move, deal_id, title, stage, kind in rows
    ]


async def deal_lines(session: AsyncSession, deal_id: uuid.UUID) -> list[DealLine]:
    return list(
        await session.scalars(
            select(DealLine).where(DealLine.deal_id == deal_id).order_by(DealLine.position)
        )
    )


async def set_deal_lines(
    session: AsyncSession, principal: Principal, deal_id: uuid.UUID, lines: list[dict[str, Any]]
) -> tuple[Deal, list[DealLine]]:
    """Replace the deal's lines; its amount becomes their total (qty x price - discount)."""
    deal = await get_deal(session, principal, deal_id)
    product_ids = [line["product_id"] for line in lines if line.get("product_id")]
    products = {
        product.id: product
        for product in await session.scalars(select(Product).where(Product.id.in_(product_ids)))
    }
    rows, total = [], Decimal("0")
    for index, line in enumerate(lines):
        field = f"lines[{index}]"
        product = products.get(line.get("product_id"))
        if line.get("product_id") and product is None:
            raise Invalid(
                "There is no product %(id)s.",
                field=f"{field}.product_id",
                id=str(line["product_id"]),
            )
        name = " ".join((line.get("name") or (product.name if product else "")).split())
        if not name or len(name) > LINE_NAME_LIMIT:
            raise Invalid("A line needs a name or a product.", field=f"{field}.name")
        quantity = decimal_of(
            line.get("quantity", 1), f"{field}.quantity", "quantity must be above 0."
        )
        if not Decimal("0") < quantity <= Decimal("999999999"):
            raise Invalid("quantity must be above 0.", field=f"{field}.quantity")
        quantity = quantity.quantize(Decimal("0.001"))
        price_raw = line.get("unit_price")
        if price_raw is None and product is None:
            raise Invalid(
                "A line without a product needs its unit_price.", field=f"{field}.unit_price"
            )
        unit_price = money(
            price_raw if price_raw is not None else product.price, f"{field}.unit_price"
        )
        discount = money(line.get("discount", 0), f"{field}.discount")
        gross = (quantity * unit_price).quantize(Decimal("0.01"))
        if discount > gross:
            raise Invalid("The discount is more than the line's price.", field=f"{field}.discount")
        total += gross - discount
        rows.append(
            DealLine(
                deal_id=deal.id,
                position=index,
                product_id=product.id if product else None,
                name=name,
                quantity=quantity,
                unit_price=unit_price,
                discount=discount,
            )
        )
    await session.execute(delete(DealLine).where(DealLine.deal_id == deal.id))
    session.add_all(rows)
    if total > MAX_AMOUNT:
        raise Invalid("The lines add up to more than %(max)s.", field="lines", max=str(MAX_AMOUNT))
    if deal.amount != total:
        audit_changes(session, "deal", deal.id, {"amount": (deal.amount, total)}, principal)
        deal.amount, deal.updated_at = total, utcnow()
    await session.flush()
    return deal, rows
