"""The `atrium` command: serve, worker, migrate, demo, tenants, users, jobs, billing, bench."""

import asyncio
import signal
import sys
from collections.abc import Coroutine
from typing import Any

import click
from rich.console import Console

from atrium.platform.config import SettingsError, get_settings, load_settings
from atrium.platform.db import explain_database_error
from atrium.platform.errors import DomainError
from atrium.platform.runtime import Runtime, start_runtime

console = Console(stderr=True)


class CliError(click.ClickException):
    def show(self, file=None) -> None:
        console.print(f"[bold red]Error:[/] {self.format_message()}")


def runtime() -> Runtime:
    """Settings checked and servers reachable, or a clear message and exit code 1."""
    try:
        settings = get_settings()
    except SettingsError as error:
        raise CliError(str(error)) from None
    return start_runtime(settings)


async def with_database(action):
    """Run ``action(db)`` with a small Database for one CLI command."""
    from atrium.platform.db import Database

    db = Database(runtime().database_url, pool_size=2)
    try:
        return await action(db)
    finally:
        await db.dispose()


def run_async(coroutine: Coroutine[Any, Any, Any]) -> Any:
    try:
        return asyncio.run(coroutine)
    except DomainError as error:
        raise CliError(error.detail) from None
    except Exception as error:
        if explanation := explain_database_error(error):
            raise CliError(explanation) from None
        raise


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Atrium, the CRM for small businesses and franchise networks.

    Without DATABASE_URL and REDIS_URL, embedded PostgreSQL and Redis run under
    ATRIUM_DATA_DIR (default .atrium/), so a restart keeps the workspaces.
    """
    # SIGTERM ends the command as Ctrl+C does, through the exit handlers that stop the embedded
    # servers it started (uvicorn raises the signal again after its graceful shutdown; left
    # to the default action, it would kill the process and orphan them).
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        load_settings()
    except SettingsError as error:
        raise CliError(str(error)) from None


def _exit_on_sigterm(signum, frame) -> None:
    sys.exit(128 + signum)


def _register_commands() -> None:
    from atrium.web.commands import bench, billing, jobs, serve, tenants, users

    for module in (serve, tenants, users, jobs, billing, bench):
        for command in module.commands:
            main.add_command(command)


_register_commands()

if __name__ == "__main__":
    sys.exit(main())
