"""Periodic upkeep of the workspace registry: clean unfinished signups, keep spares ready."""

import asyncio

import structlog

from atrium.platform.db import Database
from atrium.tenants.provisioning import cleanup_stale_workspaces, top_up_spare_workspaces

log = structlog.get_logger("atrium.housekeeping")


async def housekeeping_once(db: Database) -> None:
    removed = await cleanup_stale_workspaces(db)
    made = await top_up_spare_workspaces(db)
    if removed or made:
        log.debug("housekeeping", unfinished_removed=removed, spares_made=made)


async def housekeeping_loop(db: Database, interval_s: float = 30) -> None:
    """Runs until cancelled; a failed round is logged and the next one tries again."""
    while True:
        try:
            await housekeeping_once(db)
        except Exception:  # keep the loop alive; the next round retries
            log.exception("housekeeping_failed")
        await asyncio.sleep(interval_s)
