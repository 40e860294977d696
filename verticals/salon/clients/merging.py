"""Merging two client cards keeps the salon's history: visits, booking codes' clients and the
loyalty card follow the survivor (two cards become one, points added up)."""

import uuid

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.crm.contacts.merge import moves_references
from atrium.verticals.salon.models import LoyaltyCard, LoyaltyEntry, Visit


@moves_references
async def move_salon_history(session: AsyncSession, from_id: uuid.UUID, to_id: uuid.UUID) -> None:
    await session.execute(update(Visit).where(Visit.contact_id == from_id).values(contact_id=to_id))
    cards = {
        card.contact_id: card
        for card in await session.scalars(
            select(LoyaltyCard)
            .where(LoyaltyCard.contact_id.in_([from_id, to_id]))
            .with_for_update()
        )
    }
    gone, kept = cards.get(from_id), cards.get(to_id)
    if gone is None:
        return
    if kept is None:
        gone.contact_id = to_id
        return
    # The better discount and all the points stay; the duplicate's history joins the survivor's.
    kept.discount_percent = max(kept.discount_percent, gone.discount_percent)
    kept.points += gone.points
    await session.execute(
        update(LoyaltyEntry)
        .where(
            LoyaltyEntry.card_id == gone.id,
            # An entry of the same visit and kind would clash with the survivor's own.
            LoyaltyEntry.kind != "issued",
        )
        .values(card_id=kept.id)
    )
    await session.execute(delete(LoyaltyCard).where(LoyaltyCard.id == gone.id))
    await session.flush()
