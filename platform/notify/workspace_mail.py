"""E-mail a workspace sends (reminders to staff, greetings to customers): claimed once in the
workspace's mail log, then sent over SMTP_URL under the workspace's name.

A row goes queued -> sending (claimed in a workspace transaction) -> sent, or logged without an
SMTP server, or back to queued when the server could not be reached, so the retry claims it;
``failed`` once the job's retries are exhausted. A row can be reserved ``queued`` by the event
handler that queues the job (``reserve_mail``), so a message Redis lost leaves a trace the
scheduler's sweep finds and queues again (through the kind's ``resend`` function); a job that
decides not to mail closes it as ``skipped``. A worker killed between claiming and recording
leaves the row ``sending``: that mail is not sent twice (at most once: SMTP cannot tell us
whether it arrived); the sweep marks it ``unknown`` after a while.
"""

from collections.abc import Callable
from email.utils import formataddr, make_msgid, parseaddr

import aiosmtplib
import structlog
from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.db import Database, WorkspaceSchema
from atrium.platform.db.types import utcnow
from atrium.platform.jobs import TenantJob
from atrium.platform.jobs.retrying import NotDone
from atrium.platform.mail.delivery import compose, send_one
from atrium.platform.notify.models import MailLog

log = structlog.get_logger("atrium.notify")


# mail_log kind -> queues again the job that sends the mail of an effect key (the sweep's).
Resend = Callable[[WorkspaceSchema, str], None]
_resenders: dict[str, Resend] = {}


def resends(kind: str) -> Callable[[Resend], Resend]:
    """Register how the sweep queues again the job of a ``kind`` of mail left queued."""

    def register(resend: Resend) -> Resend:
        _resenders[kind] = resend
        return resend

    return register


def resender(kind: str) -> Resend | None:
    return _resenders.get(kind)


async def reserve_mail(session: AsyncSession, effect: str, kind: str) -> None:
    """A queued row for a mail a job is about to be asked for (its details come at the claim)."""
    await session.execute(
        insert(MailLog)
        .values(kind=kind, to_address="", subject="", language="", effect_key=effect)
        .on_conflict_do_nothing(index_elements=["effect_key"])
    )


async def skip_mail(session: AsyncSession, effect: str, reason: str) -> None:
    """The job will not send this reserved mail (muted, done meanwhile, ...)."""
    await session.execute(
        update(MailLog)
        .where(MailLog.effect_key == effect, MailLog.status == "queued")
        .values(status="skipped", last_error=reason[:500], attempted_at=utcnow())
    )


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
        .values(
            status="sending",
            attempts=MailLog.attempts + 1,
            attempted_at=utcnow(),
            kind=kind,
            to_address=to,
            subject=subject[:300],
            language=language,
        )
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
            .values(
                status=status,
                last_error=error,
                attempted_at=utcnow(),
                sent_at=utcnow() if status == "sent" else None,
            )
        )
    log.info("workspace_mail", tenant=job.schema.name, mail_id=mail_id, status=status)
    if status == "queued":
        raise MailNotSent(job.schema, mail_id, error)


class MailNotSent(NotDone):
    """Retried with backoff; after the last retry the row is ``failed`` with the reason."""

    def __init__(self, schema: WorkspaceSchema, mail_id: int, error: str) -> None:
        super().__init__(f"mail {mail_id} not sent: {error}")
        self.schema, self.mail_id, self.error = schema, mail_id, error

    async def give_up(self, db: Database) -> None:
        async with db.tenant_transaction(self.schema) as session:
            await session.execute(
                update(MailLog)
                .where(MailLog.id == self.mail_id, MailLog.status == "queued")
                .values(status="failed", last_error=f"Gave up after retries: {self.error}"[:500])
            )
