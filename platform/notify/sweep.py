"""Messages the queue lost, found again: the scheduler's sweep over the message logs.

A send job is queued from an event handler or held for quiet hours as a delayed Redis message;
if Redis loses it, or a worker dies mid-send, the log row would stay ``queued`` or ``sending``
for ever. So, in each workspace outside its quiet hours:

- a row ``queued`` for longer than ``QUEUED_GRACE`` (longer than our longest retry backoff) is
  queued again; the send jobs claim rows queued -> sending, so a message still on its way as
  well sends once;
- a row ``sending`` for longer than ``SENDING_TIMEOUT`` is marked ``unknown``: the worker died
  while handing it over and neither SMTP nor the gateways can tell us whether it arrived, so it
  is not sent again (at most once), but it no longer looks like it is on its way.
"""

from datetime import timedelta

import structlog
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.db import WorkspaceSchema
from atrium.platform.db.types import utcnow
from atrium.platform.notify.models import MailLog, SmsLog, TelegramLog
from atrium.platform.notify.sms import send_sms
from atrium.platform.notify.telegram import send_telegram
from atrium.platform.notify.workspace_mail import resender

log = structlog.get_logger("atrium.notify")

QUEUED_GRACE = timedelta(minutes=15)  # the longest retry backoff is 10 minutes
SENDING_TIMEOUT = timedelta(minutes=15)  # a send gives up after 30 s (SMTP) or 10 s (HTTP)
BATCH = 500
UNKNOWN = "The worker stopped while handing this over: it may or may not have arrived."


async def sweep_messages(
    session: AsyncSession,
    schema: WorkspaceSchema,
    *,
    grace: timedelta = QUEUED_GRACE,
    sending_timeout: timedelta = SENDING_TIMEOUT,
) -> int:
    """Queue again what was left queued, call ``unknown`` what was left sending; the count of
    messages queued again. Call it outside the workspace's quiet hours."""
    requeued = 0
    for model, job in ((SmsLog, send_sms), (TelegramLog, send_telegram)):
        for row_id in await _left(session, model, "queued", grace):
            job.send_with_options(args=(schema, str(row_id)), idempotency_key=f"swept:{row_id}")
            requeued += 1
    mail = await session.execute(
        update(MailLog)
        .where(MailLog.id.in_(_stale(MailLog, "queued", grace)))
        .values(attempted_at=utcnow())
        .returning(MailLog.kind, MailLog.effect_key)
    )
    for kind, effect in mail.all():
        if (resend := resender(kind)) is not None:
            resend(schema, effect)
            requeued += 1
    unknown = 0
    for model, error in ((SmsLog, "error"), (TelegramLog, "error"), (MailLog, "last_error")):
        marked = await session.execute(
            update(model)
            .where(model.id.in_(_stale(model, "sending", sending_timeout)))
            .values(status="unknown", attempted_at=utcnow(), **{error: UNKNOWN})
        )
        unknown += marked.rowcount
    if requeued or unknown:
        log.warning("messages_swept", tenant=schema.name, requeued=requeued, unknown=unknown)
    return requeued


def _stale(model, status: str, older_than: timedelta):
    return (
        select(model.id)
        .where(
            model.status == status,
            func.coalesce(model.attempted_at, model.created_at) < utcnow() - older_than,
        )
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    )


async def _left(session: AsyncSession, model, status: str, older_than: timedelta) -> list:
    rows = await session.execute(
        update(model)
        .where(model.id.in_(_stale(model, status, older_than)))
        .values(attempted_at=utcnow())
        .returning(model.id)
    )
    return list(rows.scalars())
