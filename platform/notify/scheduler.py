"""Due work, found by a periodic scan and raised as events exactly once.

Each kind of due work is claimed with one UPDATE that marks the rows and returns them, and its
event is recorded in the same transaction (the outbox publishes it after commit). Two scanners
at once cannot both claim a row: the second waits on the row lock, then sees it marked.
"""

import asyncio
from datetime import UTC, datetime

import structlog
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.crm.activity_models import Activity
from atrium.platform.crm.appeal_models import Appeal
from atrium.platform.crm.imports import rearm_stalled as rearm_stalled_imports
from atrium.platform.db import Database
from atrium.platform.events.service import record_event
from atrium.platform.notify.birthdays import claim_birthdays
from atrium.platform.notify.campaigns import claim_due_campaigns
from atrium.platform.notify.quiet import quiet_until
from atrium.platform.notify.sweep import sweep_messages
from atrium.platform.packs import registered_packs
from atrium.platform.tenancy.models import Tenant, TenantStatus
from atrium.platform.tenancy.service import workspace_settings

log = structlog.get_logger("atrium.notify")


# Workspaces scanned at once: most of a scan is waiting on the database, and the rest of the
# pool stays free for the requests served by the same process.
SCAN_CONCURRENCY = 4


async def scan_due_work(db: Database) -> int:
    """Claim what came due in every open workspace; returns how many events were raised. A
    workspace whose scan fails is logged and skipped: the others are still served."""
    async with db.shared_transaction() as session:
        tenants = list(
            await session.scalars(select(Tenant).where(Tenant.status == TenantStatus.READY))
        )
    now = datetime.now(UTC)
    gate = asyncio.Semaphore(SCAN_CONCURRENCY)

    async def scan(tenant: Tenant) -> int:
        async with gate:
            try:
                return await _scan_workspace(db, tenant.schema, now)
            except Exception:
                log.exception("due_work_scan_failed", tenant=tenant.slug)
                return 0

    raised = sum(await asyncio.gather(*(scan(tenant) for tenant in tenants)))
    if raised:
        log.info("due_work_raised", events=raised)
    return raised


async def _scan_workspace(db: Database, schema: str, now: datetime) -> int:
    raised = 0
    async with db.tenant_transaction(schema) as session:
        settings = await workspace_settings(session)
        # During the workspace's quiet hours messages wait, unclaimed, in their tables.
        if quiet_until(settings, now) is None:
            raised += await _due_task_reminders(session)
            raised += await claim_birthdays(session, settings, now)
            raised += await claim_due_campaigns(session)
            # Held messages wait for the quiet hours to end; then lost ones are queued again.
            await sweep_messages(session, schema)
        raised += await _overdue_complaints(session)
        for pack in registered_packs().values():
            if pack.scan_due_work is not None:
                raised += await pack.scan_due_work(session, settings, now)
        raised += await rearm_stalled_imports(session)
    return raised


async def scheduler_loop(db: Database, interval_s: float = 15) -> None:
    """Runs until cancelled (in `atrium serve`); more than one may run at once."""
    while True:
        try:
            await scan_due_work(db)
        except Exception:  # keep the loop alive; the next round retries
            log.exception("due_work_scan_failed")
        await asyncio.sleep(interval_s)


async def _due_task_reminders(session: AsyncSession) -> int:
    rows = await session.execute(
        update(Activity)
        .where(
            Activity.remind_at <= func.now(),
            Activity.reminded_at.is_(None),
            Activity.done_at.is_(None),
            Activity.assignee_id.is_not(None),
        )
        .values(reminded_at=func.now())
        .returning(Activity.id, Activity.remind_at)
    )
    claimed = rows.all()
    for activity_id, remind_at in claimed:
        await record_event(
            session,
            "activity.reminder_due",
            {"activity_id": str(activity_id), "remind_at": remind_at.isoformat()},
        )
    return len(claimed)


async def _overdue_complaints(session: AsyncSession) -> int:
    rows = await session.execute(
        update(Appeal)
        .where(
            Appeal.kind == "complaint",
            Appeal.answered_at.is_(None),
            Appeal.respond_by <= func.now(),
            Appeal.overdue_noticed_at.is_(None),
        )
        .values(overdue_noticed_at=func.now())
        .returning(Appeal.id)
    )
    claimed = rows.scalars().all()
    for appeal_id in claimed:
        await record_event(session, "appeal.overdue", {"appeal_id": str(appeal_id)})
    return len(claimed)
