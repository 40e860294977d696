"""E-mail a workspace sends (reminders to staff, greetings to customers): claimed once in the
workspace's mail log, then sent over SMTP_URL under the workspace's name.

A row goes queued -> sending (claimed in a workspace transaction) -> sent, or logged without an
SMTP server, or back to queued when the server could not be reached, so the retry claims it.
A worker killed between claiming and recording leaves the row ``sending``: that mail is not
sent twice (at most once; the log shows it was attempted).
"""

from email.utils import formataddr, make_msgid, parseaddr

import aiosmtplib
import structlog
from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.db.types import utcnow
from atrium.platform.jobs import TenantJob
from atrium.platform.mail.delivery import compose, send_one
from atrium.platform.notify.models import MailLog

log = structlog.get_logger("atrium.notify")


async def claim_mail(
    session: AsyncSession, effect: str, kind: str, to: str, subject: str, language: str
) -> int | None:
    """The log row of this e-mail, marked ``sending``; None when another run has it."""
    await session.execute(
        insert(MailLog)
        .values(kind=kind, to_address=to, subject=subject, language=language, effect_key=effect)
        .on_conflict_do_nothing(index_elements=["effect_key"])
    )
    return await session.scalar(
        update(MailLog)
        .where(MailLog.effect_key == effect, MailLog.status == "queued")
        .values(status="sending", attempts=MailLog.attempts + 1)
        .returning(MailLog.id)
    )


async def deliver_mail(
    job: TenantJob,
    mail_id: int,
    workspace: str,
    to: str,
    subject: str,
    text: str,
    html: str,
    headers: dict[str, str] | None = None,
) -> None:
    """Send a claimed mail (or only log it, without SMTP_URL); a failure puts it back and
    raises, so dramatiq retries with backoff."""
    address = parseaddr(job.settings.mail_from)[1]
    sender = formataddr((workspace, address))
    status, error = "logged", ""
    if job.settings.smtp_url:
        domain = address.rpartition("@")[2] or None
        message_id = make_msgid(idstring=f"mail-{job.schema.name}-{mail_id}", domain=domain)
        message = compose(sender, to, subject, text, html, message_id)
        for name, value in (headers or {}).items():
            message[name] = value
        try:
            await send_one(job.settings.smtp_url, message)
            status = "sent"
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as failure:
            status, error = "queued", f"{type(failure).__name__}: {failure}"[:500]
    async with job.transaction() as session:
        await session.execute(
            update(MailLog)
            .where(MailLog.id == mail_id)
            .values(status=status, last_error=error, sent_at=utcnow() if status == "sent" else None)
        )
    log.info("workspace_mail", tenant=job.schema.name, mail_id=mail_id, status=status)
    if status == "queued":
        raise RuntimeError(f"mail {mail_id} not sent: {error}")
