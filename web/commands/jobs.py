"""atrium jobs failed | retry: the dead-letter list of jobs that ran out of retries."""

import click
from rich.console import Console
from rich.table import Table

from atrium.web.cli import console, run_async, runtime, with_database


@click.group()
def jobs() -> None:
    """See background jobs that failed after all their retries, and run them again."""


@jobs.command()
@click.option("--all", "include_retried", is_flag=True, help="Include those already retried.")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 10000))
def failed(include_retried: bool, limit: int) -> None:
    """List failed jobs, newest first."""
    from atrium.platform.jobs import list_failed_jobs

    rows = run_async(
        with_database(lambda db: list_failed_jobs(db, include_retried=include_retried, limit=limit))
    )
    table = Table("id", "job", "failed at", "retries", "error", "retried at")
    for row in rows:
        table.add_row(
            str(row.id),
            row.actor,
            f"{row.failed_at:%Y-%m-%d %H:%M:%S}",
            str(row.retries),
            (row.error or "").splitlines()[0][:80] if row.error else "",
            f"{row.retried_at:%Y-%m-%d %H:%M}" if row.retried_at else "",
        )
    Console().print(table)
    if not rows:
        console.print("No failed jobs.")


@jobs.command()
@click.argument("failed_job_id", type=int)
def retry(failed_job_id: int) -> None:
    """Put a failed job back on its queue (once); it keeps its idempotency key."""
    from atrium.platform.config import get_settings
    from atrium.platform.jobs import configure_broker, retry_failed_job

    configure_broker(runtime().redis_url, get_settings().jobs_namespace)
    message_id = run_async(with_database(lambda db: retry_failed_job(db, failed_job_id)))
    console.print(f"Job {failed_job_id} queued again as message {message_id}.")


commands = [jobs]
