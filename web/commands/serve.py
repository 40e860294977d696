"""atrium serve | worker | migrate | demo."""

import os
import threading

import click
import structlog
import uvicorn

from atrium.platform.config import get_settings
from atrium.platform.runtime import stop_embedded_servers
from atrium.web.cli import console, run_async, runtime

log = structlog.get_logger("atrium.serve")
GRACE_S = 5  # open requests may finish within this after SIGTERM or Ctrl+C
SHUTDOWN_DEADLINE_S = 20  # then jobs had their chance too: the process ends regardless


class _Server(uvicorn.Server):
    """uvicorn's server that says where it is once it listens, and ends within
    SHUTDOWN_DEADLINE_S of a stop signal even if a job or a connection will not let go."""

    def __init__(self, config: uvicorn.Config, banner: list[str]) -> None:
        super().__init__(config)
        self.banner = banner
        self._deadline: threading.Timer | None = None

    async def startup(self, sockets=None) -> None:
        await super().startup(sockets)
        if self.started:
            for line in self.banner:
                console.print(line)

    def handle_exit(self, sig, frame) -> None:
        if self._deadline is None:
            self._deadline = threading.Timer(SHUTDOWN_DEADLINE_S, _give_up)
            self._deadline.daemon = True
            self._deadline.start()
        super().handle_exit(sig, frame)


def _warn_of_a_superuser(current) -> None:
    from atrium.platform.db import Database

    async def check() -> str | None:
        db = Database(current.database_url, pool_size=1)
        try:
            return await db.superuser()
        finally:
            await db.dispose()

    if name := run_async(check()):
        console.print(
            f"[bold yellow]Warning:[/] the database user {name} is a superuser, so a query "
            "naming another workspace's schema would not be refused by its role. Give Atrium "
            "a user with LOGIN and CREATEROLE that owns its database (README: Database rights)."
        )
        log.warning("database_user_is_superuser", user=name)


def _give_up() -> None:
    log.warning("shutdown_overdue", after_s=SHUTDOWN_DEADLINE_S)
    stop_embedded_servers()
    os._exit(1)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--demo", is_flag=True, help="Migrate and seed the demo workspace first.")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Server processes (one per core is a good start).",
)
def serve(host: str, port: int, demo: bool, workers: int) -> None:
    """Serve the web app and API (with a job worker inside when ATRIUM_EMBEDDED_WORKER is on)."""
    from atrium.web.app import create_app

    current = runtime()
    if get_settings().is_production:
        _warn_of_a_superuser(current)
    banner = [f"Atrium is at http://{host}:{port}/"]
    if demo:
        _migrate(current)
        login = run_async(_seed_demo(current))
        banner = [
            f"\n  Atrium is at [bold]http://{host}:{port}/[/]",
            f"  Demo sign-in: [bold]{login[0]}[/] / [bold]{login[1]}[/]\n",
        ]
    if workers == 1:
        config = uvicorn.Config(
            create_app(runtime=current),
            host=host,
            port=port,
            log_level="warning",
            timeout_graceful_shutdown=GRACE_S,
        )
        _Server(config, banner).run()
        return
    for line in banner:
        console.print(line)
    # Each process builds its own app; they share what this one resolved (embedded servers).
    os.environ.update(
        DATABASE_URL=current.database_url,
        REDIS_URL=current.redis_url,
        ATRIUM_SECRET_KEY=current.secret_key,
    )
    uvicorn.run(
        "atrium.web.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        timeout_graceful_shutdown=GRACE_S,
    )


@click.command()
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 64))
def worker(threads: int) -> None:
    """Run background jobs from the Redis queue until stopped (Ctrl+C)."""
    from atrium.platform.jobs.worker import run_worker

    run_worker(runtime(), threads=threads)


@click.command()
@click.option(
    "--parallel",
    type=click.IntRange(1, 64),
    default=None,
    help="Workspaces upgraded at once (default: ATRIUM_MIGRATE_PARALLEL).",
)
def migrate(parallel: int | None) -> None:
    """Upgrade the shared schema, then every workspace schema still behind head.

    Versions of all workspaces are read in one query; those at head are skipped. Each
    workspace is upgraded in its own transaction and recorded in the ledger; a failing one
    is reported and the rest still reach head. Run it again to finish a partial run.
    """
    report = _migrate(runtime(), parallel)
    if report.failed:
        raise click.exceptions.Exit(1)


def _migrate(current, parallel: int | None = None):
    from atrium.tenants.migrate import migrate_everything

    return migrate_everything(current.database_url, parallel=parallel, console=console)


@click.command()
def demo() -> None:
    """Create (or refresh) the demo workspace and print its sign-in."""
    current = runtime()
    _migrate(current)
    email, password = run_async(_seed_demo(current))
    console.print(f"Demo workspace ready. Sign in as [bold]{email}[/] / [bold]{password}[/]")


async def _seed_demo(current) -> tuple[str, str]:
    from atrium.platform.db import Database
    from atrium.tenants.demo import seed_demo_workspace

    db = Database(current.database_url, pool_size=2)
    try:
        return await seed_demo_workspace(db)
    finally:
        await db.dispose()


commands = [serve, worker, migrate, demo]
