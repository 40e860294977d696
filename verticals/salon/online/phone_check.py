"""How an online booker's phone is confirmed: the salon's choice (SalonSettings.phone_check),
and the channel that can carry it now.

A chosen channel that cannot work falls back to none, so a salon takes bookings from its first
minute: SMS with no gateway in production (elsewhere codes go to the in-app outbox), Telegram
with no bot. SMS the plan has no room for is found out when the code is queued, and falls back
the same way (online.service). With none the booking completes at once and the visit arrives
"to confirm by phone": the desk calls, then confirms it.
"""

from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.notify.models import TelegramSettings
from atrium.platform.notify.sms import sms_route
from atrium.verticals.salon.catalog.service import salon_settings


async def channel_ready(session: AsyncSession, channel: str) -> bool:
    if channel == "sms":
        return await sms_route(session) is not None
    if channel == "telegram":
        return await session.get(TelegramSettings, 1) is not None
    return True


async def channel_now(session: AsyncSession) -> str:
    """The salon's choice if it can work now, else "none"."""
    chosen = (await salon_settings(session)).phone_check
    return chosen if await channel_ready(session, chosen) else "none"
