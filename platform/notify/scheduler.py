"""Due work, found by a periodic scan and raised as events exactly once.

Each kind of due work is claimed with one UPDATE that marks the rows and returns them, and its
event is recorded in the same transaction (the outbox publishes it after commit). Two scanners
at once cannot both claim a row: the second waits on the row lock, then sees it marked.
"""

import asyncio
from datetime import UTC, datetime

import structlog
from sqlalchemy import select

from atrium.platform.components import DueWork, core_components
from atrium.platform.db import Database
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
            for work in due_work(held_in_quiet_hours=True):
                raised += await work.scan(session, settings, now)
            # Held messages wait for the quiet hours to end; then lost ones are queued again.
            await sweep_messages(session, schema)
        for work in due_work(held_in_quiet_hours=False):
            raised += await work.scan(session, settings, now)
    return raised


def due_work(*, held_in_quiet_hours: bool) -> list[DueWork]:
    """The components' due work, and each pack's scan (which keeps its own hours)."""
    found = [work for component in core_components() for work in component.due_work]
    found += [
        DueWork(pack.scan_due_work) for pack in registered_packs().values() if pack.scan_due_work
    ]
    return [work for work in found if work.held_in_quiet_hours == held_in_quiet_hours]


async def scheduler_loop(db: Database, interval_s: float = 15) -> None:
    """Runs until cancelled (in `atrium serve`); more than one may run at once."""
    while True:
        try:
            await scan_due_work(db)
        except Exception:  # keep the loop alive; the next round retries
            log.exception("due_work_scan_failed")
        await asyncio.sleep(interval_s)
