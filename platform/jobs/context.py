"""What a running job can reach: the worker's own database and the settings it runs with.

A worker process has one asyncio loop for its actors (dramatiq's AsyncIO middleware), and the
Database here belongs to that loop; the web app's Database belongs to another loop.
"""

from dataclasses import dataclass

from atrium.platform.config import Settings
from atrium.platform.db import Database


@dataclass(frozen=True)
class JobContext:
    db: Database
    settings: Settings
    secret_key: str  # the runtime's (configured or the local development one): unseals settings


_context: JobContext | None = None


def set_job_context(context: JobContext | None) -> None:
    global _context
    _context = context


def job_context() -> JobContext:
    """The running worker's context; an error outside a worker."""
    if _context is None:
        raise RuntimeError("no job worker runs in this process")
    return _context
