"""atrium users list | set-password | deactivate | activate."""

import click
from rich.console import Console
from rich.table import Table

from atrium.web.cli import console, run_async, with_database


@click.group()
def users() -> None:
    """List user accounts, reset a password, deactivate or reactivate a user."""


@users.command("list")
def list_() -> None:
    """List users with the workspaces and roles they have."""
    from atrium.platform.auth.admin import list_users

    table = Table("e-mail", "name", "active", "workspaces")
    for row in run_async(with_database(list_users)):
        table.add_row(row.email, row.name, "yes" if row.active else "no", ", ".join(row.workspaces))
    Console().print(table)


@users.command("set-password")
@click.argument("email")
@click.password_option(help="The new password (asked when not given).")
def set_password(email: str, password: str) -> None:
    """Set a user's password and sign them out everywhere."""
    from atrium.platform.auth.admin import set_password as set_user_password

    run_async(with_database(lambda db: set_user_password(db, email, password)))
    console.print(f"Password changed for {email}.")


@users.command()
@click.argument("email")
def deactivate(email: str) -> None:
    """Stop a user from signing in or using API keys."""
    from atrium.platform.auth.admin import set_active

    run_async(with_database(lambda db: set_active(db, email, False)))
    console.print(f"Deactivated {email}.")


@users.command()
@click.argument("email")
def activate(email: str) -> None:
    """Let a deactivated user in again."""
    from atrium.platform.auth.admin import set_active

    run_async(with_database(lambda db: set_active(db, email, True)))
    console.print(f"Activated {email}.")


commands = [users]
