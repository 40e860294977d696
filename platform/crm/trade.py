"""What a workspace of a trade starts with: the trade's pipelines and appeal subjects."""

from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.crm.appeals.subjects import seed_appeal_subjects
from atrium.platform.crm.deals.pipelines import seed_default_pipelines


async def seed_trade_defaults(session: AsyncSession, vertical: str, locale: str) -> None:
    """At sign-up, and when a workspace turns on another trade's pack (nothing is duplicated)."""
    await seed_default_pipelines(session, vertical, locale)
    await seed_appeal_subjects(session, vertical, locale)
