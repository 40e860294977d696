"""Loyalty cards: issued by a salon's rule once a client's lifetime spend reaches its threshold
(or at the first checkout when the salon gives points), points earned on what was paid and
redeemed at checkout (1 point = 1 unit of money), and managers' manual cards and adjustments.

Lifetime spend is what the client's checked-out (done) visits cost after their discount:
``paid + points_used`` summed, so a visit paid with points counts as much as one paid in money.
"""

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_FLOOR, Decimal

from sqlalchemy import case, func, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.crm.contacts.models import Contact
from atrium.platform.errors import Conflict, Invalid, NotFound
from atrium.platform.events.service import record_event
from atrium.platform.http.pagination import Page, paginate
from atrium.platform.numbers import decimal_of
from atrium.verticals.salon.models import Location, LoyaltyCard, LoyaltyEntry, Visit

MAX_POINTS = Decimal("999999999")
CENT = Decimal("0.01")
NOTE_LIMIT = 500  # why points were changed by hand
CARD_PREFIX = "2"  # EAN-13 numbers from 2 are for a shop's own use (in-store numbering)


def points_text(points: Decimal) -> str:
    """Points as a message shows them: 150, or 12.5 (never 150.00)."""
    return f"{points.normalize():f}"


def ean13_check_digit(first12: str) -> str:
    total = sum(int(digit) * (3 if index % 2 else 1) for index, digit in enumerate(first12))
    return str((10 - total % 10) % 10)


def is_card_number(number: str) -> bool:
    return len(number) == 13 and number.isdigit() and ean13_check_digit(number[:12]) == number[12]


def new_card_number() -> str:
    body = CARD_PREFIX + "".join(secrets.choice("0123456789") for _ in range(11))
    return body + ean13_check_digit(body)


# ---- reading ------------------------------------------------------------------------------


async def card_of(
    session: AsyncSession, contact_id: uuid.UUID, *, lock: bool = False
) -> LoyaltyCard | None:
    """The client's card, if they have one (locked for a change when ``lock``)."""
    query = select(LoyaltyCard).where(LoyaltyCard.contact_id == contact_id)
    return await session.scalar(query.with_for_update() if lock else query)


async def get_card(session: AsyncSession, card_id: uuid.UUID, *, lock: bool = False) -> LoyaltyCard:
    query = select(LoyaltyCard).where(LoyaltyCard.id == card_id)
    card = await session.scalar(query.with_for_update() if lock else query)
    if card is None:
        raise NotFound("No such loyalty card.")
    return card


async def card_by_number(session: AsyncSession, number: str) -> LoyaltyCard:
    card = await session.scalar(select(LoyaltyCard).where(LoyaltyCard.number == number.strip()))
    if card is None:
        raise NotFound("No such loyalty card.")
    return card


# Entries of one checkout in the order they happen, should two share a timestamp.
_STEP = case(
    {"issued": 0, "redeemed": 1, "adjusted": 2, "earned": 3}, value=LoyaltyEntry.kind, else_=4
)


async def card_history(session: AsyncSession, card_id: uuid.UUID) -> list[LoyaltyEntry]:
    """The card's entries, newest first."""
    return list(
        await session.scalars(
            select(LoyaltyEntry)
            .where(LoyaltyEntry.card_id == card_id)
            .order_by(LoyaltyEntry.created_at.desc(), _STEP.desc(), LoyaltyEntry.id.desc())
        )
    )


async def lifetime_spend(session: AsyncSession, contact_id: uuid.UUID) -> Decimal:
    """What the client's done visits cost after discounts: money paid plus points redeemed."""
    total = await session.scalar(
        select(func.coalesce(func.sum(Visit.paid + Visit.points_used), 0)).where(
            Visit.contact_id == contact_id, Visit.status == "done"
        )
    )
    return Decimal(total)


async def holder_name(session: AsyncSession, card: LoyaltyCard) -> str:
    return (
        await session.scalar(select(Contact.display_name).where(Contact.id == card.contact_id))
        or ""
    )


async def list_cards(
    session: AsyncSession, *, q: str = "", cursor: str | None = None, limit: int = 50
) -> Page[LoyaltyCard]:
    """Cards newest first; ``q`` finds a number by its start or a client by a part of the name."""
    query = select(LoyaltyCard)
    if text := q.strip():
        pattern = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        named = select(Contact.id).where(Contact.display_name.ilike(f"%{pattern}%"))
        query = query.where(
            or_(LoyaltyCard.number.like(f"{pattern}%"), LoyaltyCard.contact_id.in_(named))
        )
    return await paginate(
        session,
        query,
        sort=[LoyaltyCard.issued_at, LoyaltyCard.id],
        key=lambda card: [card.issued_at.isoformat(), card.id],
        parse=[datetime.fromisoformat, uuid.UUID],
        cursor=cursor,
        limit=limit,
        descending=True,
    )


async def names_of(session: AsyncSession, cards: list[LoyaltyCard]) -> dict[uuid.UUID, str]:
    ids = {card.contact_id for card in cards}
    if not ids:
        return {}
    rows = await session.execute(
        select(Contact.id, Contact.display_name).where(Contact.id.in_(ids))
    )
    return {contact_id: name or "" for contact_id, name in rows}


# ---- issuing and changing -----------------------------------------------------------------


async def _new_card(
    session: AsyncSession,
    contact_id: uuid.UUID,
    location_id: uuid.UUID | None,
    discount_percent: Decimal,
    visit_id: uuid.UUID | None,
    note: str = "",
) -> LoyaltyCard | None:
    """A new card with an unused number; None when the client got one meanwhile."""
    for _ in range(10):
        card_id = await session.scalar(
            insert(LoyaltyCard)
            .values(
                id=uuid.uuid4(),
                contact_id=contact_id,
                number=new_card_number(),
                discount_percent=discount_percent,
                points=0,
                location_id=location_id,
            )
            .on_conflict_do_nothing()
            .returning(LoyaltyCard.id)
        )
        if card_id is not None:
            session.add(LoyaltyEntry(card_id=card_id, visit_id=visit_id, kind="issued", note=note))
            await session.flush()
            await record_event(
                session,
                "salon.loyalty_card_issued",
                {"card_id": str(card_id), "contact_id": str(contact_id)},
            )
            return await get_card(session, card_id, lock=True)
        if await card_of(session, contact_id) is not None:
            return None
    raise Conflict("No free card number was found; try again.")


async def issue_card(
    session: AsyncSession, contact_id: uuid.UUID, location_id: uuid.UUID
) -> LoyaltyCard:
    """A card issued by a manager, with the salon's discount (whatever the client spent)."""
    if await session.get(Contact, contact_id) is None:
        raise Invalid("There is no such client.", field="client_id")
    location = await session.get(Location, location_id)
    if location is None or location.archived_at is not None:
        raise Invalid("No such salon.", field="location_id")
    if await card_of(session, contact_id) is not None:
        raise Conflict("This client has a loyalty card already.", field="client_id")
    card = await _new_card(
        session, contact_id, location.id, location.loyalty_discount_percent or Decimal(0), None
    )
    if card is None:
        raise Conflict("This client has a loyalty card already.", field="client_id")
    return card


def checked_points(raw, field: str = "points", *, allow_negative: bool = False) -> Decimal:
    points = decimal_of(raw, field, "Give the points as a number.")
    if abs(points) > MAX_POINTS or (points < 0 and not allow_negative):
        raise Invalid("That number of points is out of range.", field=field)
    if points != points.quantize(CENT):
        raise Invalid("Give the points as a number.", field=field)
    return points.quantize(CENT)


async def adjust_points(
    session: AsyncSession, card_id: uuid.UUID, points, note: str
) -> LoyaltyCard:
    """Add (or take away, when negative) points by hand, saying why; never below zero."""
    change = checked_points(points, allow_negative=True)
    if change == 0:
        raise Invalid("Give a number of points other than zero.", field="points")
    note = " ".join((note or "").split())
    if not note or len(note) > NOTE_LIMIT:
        raise Invalid(
            "Say why the points change, in up to %(max)d characters.", field="note", max=NOTE_LIMIT
        )
    card = await get_card(session, card_id, lock=True)
    if card.points + change < 0:
        raise Invalid(
            "The card holds only %(points)s points.",
            field="points",
            points=points_text(card.points),
        )
    card.points += change
    session.add(LoyaltyEntry(card_id=card.id, kind="adjusted", points=change, note=note))
    await session.flush()
    return card


# ---- at checkout --------------------------------------------------------------------------


@dataclass
class LoyaltyOutcome:
    card: LoyaltyCard | None
    issued: bool = False
    earned: Decimal = Decimal(0)


def _points_for(paid: Decimal, percent: Decimal | None) -> Decimal:
    if not percent or paid <= 0:
        return Decimal(0)
    return (paid * percent / 100).quantize(Decimal(1), rounding=ROUND_FLOOR).quantize(CENT)


async def redeem(session: AsyncSession, card: LoyaltyCard, visit: Visit, points: Decimal) -> None:
    """Take the points a checkout paid with off the card (an entry "redeemed", negative)."""
    if points <= 0:
        return
    if points > card.points:
        raise Invalid(
            "The card holds only %(points)s points.",
            field="redeem_points",
            points=points_text(card.points),
        )
    card.points -= points
    session.add(LoyaltyEntry(card_id=card.id, visit_id=visit.id, kind="redeemed", points=-points))
    await session.flush()


async def after_checkout(session: AsyncSession, visit: Visit) -> LoyaltyOutcome:
    """Apply the visit's salon rule once the visit is done (and flushed): issue the card at the
    checkout whose spend reaches the threshold (or the first one, when the salon gives points),
    raise a points-only card's discount then, and earn points on what was paid."""
    if visit.contact_id is None:
        return LoyaltyOutcome(None)
    location = await session.get(Location, visit.location_id)
    threshold, percent = location.loyalty_threshold, location.loyalty_points_percent
    discount = location.loyalty_discount_percent or Decimal(0)
    card = await card_of(session, visit.contact_id, lock=True)
    reached = threshold is not None and await lifetime_spend(session, visit.contact_id) >= threshold
    outcome = LoyaltyOutcome(card)
    if card is None and (reached or percent):
        card = await _new_card(
            session, visit.contact_id, location.id, discount if reached else Decimal(0), visit.id
        )
        card = card or await card_of(session, visit.contact_id, lock=True)
        outcome = LoyaltyOutcome(card, issued=True)
    elif card is not None and reached and card.discount_percent < discount:
        card.discount_percent = discount
        session.add(
            LoyaltyEntry(
                card_id=card.id,
                visit_id=visit.id,
                kind="adjusted",
                note=f"{discount.normalize():f}%",
            )
        )
    earned = _points_for(visit.paid, percent)
    if card is not None and earned > 0:
        card.points += earned
        session.add(LoyaltyEntry(card_id=card.id, visit_id=visit.id, kind="earned", points=earned))
        outcome.earned = earned
    await session.flush()
    return outcome
