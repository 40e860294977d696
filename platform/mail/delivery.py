"""Delivering system mail: queued ``atrium.system_mail`` rows sent over SMTP, or only logged.

Without SMTP_URL nothing leaves the house: rows are marked ``logged`` and stay readable. A
failed send counts an attempt and keeps the row queued; the relay's sweeps try it again once
``retry_s`` doubled for each failure has passed (1, 3, 7... times ``retry_s`` after it was
queued), so an SMTP server down for a while gets the mail when it is back. After
``MAX_ATTEMPTS`` (about two hours with the default minute) it is ``failed``. Bodies (sign-in
links, invitations) are never logged.
"""

from dataclasses import asdict, dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from urllib.parse import unquote, urlsplit

import aiosmtplib
import structlog
from sqlalchemy import exists, func, literal, select

from atrium.platform.db import Database
from atrium.platform.db.types import utcnow
from atrium.platform.jobs import SystemJob, system_actor
from atrium.platform.mail.models import SystemMail

log = structlog.get_logger("atrium.mail")

QUEUED, SENT, LOGGED, FAILED = "queued", "sent", "logged", "failed"
SENT_BODY = "(delivered; the body is not kept)"
MAX_ATTEMPTS = 8
BATCH = 20
SMTP_TIMEOUT_S = 30


@dataclass(frozen=True)
class SmtpServer:
    hostname: str
    port: int
    use_tls: bool  # smtps://: TLS from the start; smtp:// upgrades with STARTTLS when offered
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    @classmethod
    def from_url(cls, url: str) -> "SmtpServer":
        parts = urlsplit(url)
        use_tls = parts.scheme == "smtps"
        return cls(
            hostname=parts.hostname or "localhost",
            port=parts.port or (465 if use_tls else 25),
            use_tls=use_tls,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )


@dataclass
class DeliveryReport:
    sent: int = 0
    logged: int = 0
    retrying: int = 0
    failed: int = 0


async def deliver_queued_mail(
    db: Database, *, smtp_url: str | None, mail_from: str, retry_s: float = 0.0
) -> DeliveryReport:
    """Send (or log) every queued message that is due once; rows other deliveries hold are
    skipped. A message that failed ``n`` times is due ``retry_s * (2**n - 1)`` after queuing."""
    report = DeliveryReport()
    server = SmtpServer.from_url(smtp_url) if smtp_url else None
    wait_s = literal(retry_s) * (func.power(2, SystemMail.attempts) - 1)
    backoff = func.make_interval(0, 0, 0, 0, 0, 0, wait_s)  # (years, ..., minutes, seconds)
    last_id = 0
    while True:
        async with db.shared_transaction() as session:
            batch = list(
                await session.scalars(
                    select(SystemMail)
                    .where(
                        SystemMail.status == QUEUED,
                        SystemMail.id > last_id,
                        SystemMail.created_at + backoff <= utcnow(),
                    )
                    .order_by(SystemMail.id)
                    .limit(BATCH)
                    .with_for_update(skip_locked=True)
                )
            )
            if batch:
                last_id = batch[-1].id
                if server is None:
                    for mail in batch:
                        mail.status = LOGGED
                        report.logged += 1
                        log.info("system_mail_logged", mail_id=mail.id)
                else:
                    await _send_batch(server, mail_from, batch, report)
        if len(batch) < BATCH:
            return report


async def _send_batch(
    server: SmtpServer, mail_from: str, batch: list[SystemMail], report: DeliveryReport
) -> None:
    """One SMTP connection per batch; a message refused does not stop the rest."""
    sender_domain = parseaddr(mail_from)[1].rpartition("@")[2] or "atrium.local"
    done: set[int] = set()
    try:
        async with aiosmtplib.SMTP(
            hostname=server.hostname,
            port=server.port,
            use_tls=server.use_tls,
            username=server.username,
            password=server.password,
            local_hostname=sender_domain,
            timeout=SMTP_TIMEOUT_S,
        ) as smtp:
            for mail in batch:
                try:
                    await smtp.send_message(_email(mail, mail_from, sender_domain))
                except aiosmtplib.SMTPException as error:
                    _count_failure(mail, error, report)
                else:
                    mail.attempts += 1
                    mail.status = SENT
                    mail.sent_at = utcnow()
                    # Once delivered, the one-time links in the body need not stay at rest.
                    mail.text_body = SENT_BODY
                    mail.html_body = None
                    report.sent += 1
                    log.info("system_mail_sent", mail_id=mail.id)
                done.add(mail.id)
    except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
        for mail in batch:
            if mail.id not in done:
                _count_failure(mail, error, report)


def _count_failure(mail: SystemMail, error: BaseException, report: DeliveryReport) -> None:
    mail.attempts += 1
    # Server replies and socket errors; the SMTP password is never part of them.
    mail.last_error = f"{type(error).__name__}: {error}"[:500]
    if mail.attempts >= MAX_ATTEMPTS:
        mail.status = FAILED
        report.failed += 1
    else:
        report.retrying += 1
    log.warning(
        "system_mail_not_sent",
        mail_id=mail.id,
        attempts=mail.attempts,
        status=mail.status,
        error=type(error).__name__,
    )


def _email(mail: SystemMail, mail_from: str, domain: str) -> EmailMessage:
    return compose(
        mail_from, mail.to_address, mail.subject, mail.text_body, mail.html_body,
        make_msgid(idstring=f"system-mail-{mail.id}", domain=domain),
    )  # fmt: skip


def compose(
    mail_from: str, to: str, subject: str, text: str, html: str | None, message_id: str
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = mail_from
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    return message


async def send_one(smtp_url: str, message: EmailMessage) -> None:
    """One message over its own SMTP connection; aiosmtplib's errors and OSError propagate."""
    server = SmtpServer.from_url(smtp_url)
    domain = parseaddr(str(message["From"]))[1].rpartition("@")[2] or "atrium.local"
    async with aiosmtplib.SMTP(
        hostname=server.hostname,
        port=server.port,
        use_tls=server.use_tls,
        username=server.username,
        password=server.password,
        local_hostname=domain,
        timeout=SMTP_TIMEOUT_S,
    ) as smtp:
        await smtp.send_message(message)


async def mail_is_waiting(db: Database) -> bool:
    async with db.shared_transaction() as session:
        return bool(await session.scalar(select(exists().where(SystemMail.status == QUEUED))))


@system_actor(name="mail.deliver_system")
async def deliver_system_mail(job: SystemJob) -> None:
    report = await deliver_queued_mail(
        job.db,
        smtp_url=job.settings.smtp_url,
        mail_from=job.settings.mail_from,
        retry_s=job.settings.mail_retry_s,
    )
    if report.sent or report.logged or report.retrying or report.failed:
        log.info("system_mail_delivery", **asdict(report))
