"""Reminders before a visit and "book your next visit" suggestions after one (to be built)."""

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.verticals.salon.models import Reminder, Visit


async def plan_reminders(session: AsyncSession, visit: Visit) -> None:
    """Plan (again) the reminders of a booked or moved visit."""


async def drop_reminders(session: AsyncSession, visit: Visit) -> None:
    """A cancelled visit or a no-show gets no more reminders."""
    await session.execute(
        delete(Reminder).where(Reminder.visit_id == visit.id, Reminder.claimed_at.is_(None))
    )


async def scan_due_work(session, settings, now) -> int:
    return 0
