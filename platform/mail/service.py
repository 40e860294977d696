"""Queueing system mail; a job delivers it after the transaction commits."""

from sqlalchemy import text
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
