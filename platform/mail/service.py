"""Queueing system mail; a job delivers it after the transaction commits."""

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.mail.models import SystemMail

MAIL_CHANNEL = "atrium_mail"

# PostgreSQL delivers it on commit only; the relay hears it and starts delivery at once.
_NOTIFY_MAIL = text(f"SELECT pg_notify('{MAIL_CHANNEL}', '')")


async def queue_system_mail(
    session: AsyncSession, *, to: str, subject: str, text: str, html: str | None = None
) -> SystemMail:
    """Record a message in the caller's transaction: it is sent only if that commits."""
    mail = SystemMail(to_address=to, subject=subject, text_body=text, html_body=html)
    session.add(mail)
    await session.flush()
    await session.execute(_NOTIFY_MAIL)
    return mail


async def mail_to(session: AsyncSession, address: str, limit: int = 20) -> list[SystemMail]:
    """The latest system mail to one address, newest first: shown only to that address's own
    member (sign-in and reset links are keys to their account, never anyone else's to read)."""
    return list(
        await session.scalars(
            select(SystemMail)
            .where(func.lower(SystemMail.to_address) == address.lower())
            .order_by(SystemMail.id.desc())
            .limit(limit)
        )
    )
