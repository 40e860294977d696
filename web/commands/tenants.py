"""atrium tenants create | list | suspend | resume | delete | cleanup | spares."""

import click
from rich.console import Console
from rich.table import Table

from atrium.web.cli import console, run_async, with_database


@click.group()
def tenants() -> None:
    """Create, list, suspend and delete workspaces."""


@tenants.command("create")
@click.option("--company", required=True, help="The workspace's (company's) name.")
@click.option("--email", required=True, help="The owner's e-mail; a new account.")
@click.password_option(help="The owner's password (asked when not given).")
@click.option("--vertical", default="general", show_default=True, help="general, salon, ...")
@click.option("--locale", default="en", show_default=True, type=click.Choice(["en", "ru"]))
def create(company: str, email: str, password: str, vertical: str, locale: str) -> None:
    """Create a workspace with its owner, as signing up does; prints the owner's API key once."""
    from atrium.tenants.service import sign_up
    from atrium.tenants.signup import checked_signup

    request = checked_signup(company, email, password, vertical, locale)
    workspace = run_async(with_database(lambda db: sign_up(db, request)))
    console.print(f"Created workspace [bold]{workspace.slug}[/] for {workspace.email}.")
    console.print(f"API key (shown once): {workspace.api_key}")


@tenants.command("list")
@click.option("--all", "include_spares", is_flag=True, help="Include spare and unfinished ones.")
def list_(include_spares: bool) -> None:
    """List workspaces with their status and member count."""
    from atrium.tenants.admin import list_workspaces

    rows = run_async(with_database(lambda db: list_workspaces(db, include_spares=include_spares)))
    table = Table("slug", "name", "status", "vertical", "members", "schema", "created")
    for row in rows:
        table.add_row(
            row.slug,
            row.name,
            row.status,
            row.vertical or "",
            str(row.members),
            row.schema,
            f"{row.created_at:%Y-%m-%d %H:%M}",
        )
    Console().print(table)  # the table is output, so it goes to stdout


@tenants.command()
@click.argument("slug")
def suspend(slug: str) -> None:
    """Suspend a workspace: its data stays, but no key or sign-in reaches it."""
    from atrium.tenants.admin import set_suspended

    run_async(with_database(lambda db: set_suspended(db, slug, True)))
    console.print(f"Suspended {slug}.")


@tenants.command()
@click.argument("slug")
def resume(slug: str) -> None:
    """Open a suspended workspace again."""
    from atrium.tenants.admin import set_suspended

    run_async(with_database(lambda db: set_suspended(db, slug, False)))
    console.print(f"Resumed {slug}.")


@tenants.command()
@click.argument("slug")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def delete(slug: str, yes: bool) -> None:
    """Delete a workspace and all its data for good."""
    from atrium.tenants.admin import delete_workspace

    if not yes:
        click.confirm(
            f"Delete workspace {slug} and all its data? This cannot be undone", abort=True
        )
    run_async(with_database(lambda db: delete_workspace(db, slug)))
    console.print(f"Deleted {slug}.")


@tenants.command()
@click.option("--older-than", default=None, type=int, help="Seconds (default: the setting).")
def cleanup(older_than: int | None) -> None:
    """Remove workspaces whose signup never finished (schema, role and rows)."""
    from datetime import timedelta

    from atrium.tenants.provisioning import cleanup_stale_workspaces

    age = None if older_than is None else timedelta(seconds=older_than)
    removed = run_async(with_database(lambda db: cleanup_stale_workspaces(db, age)))
    console.print(f"Removed {removed} unfinished workspace(s).")


@tenants.command()
@click.option("--count", default=None, type=click.IntRange(0, 1000), help="How many to keep.")
def spares(count: int | None) -> None:
    """Top up the pool of ready-made workspace schemas that make signup fast."""
    from atrium.tenants.provisioning import top_up_spare_workspaces

    made = run_async(with_database(lambda db: top_up_spare_workspaces(db, count)))
    console.print(f"Made {made} spare workspace(s).")


commands = [tenants]
