"""atrium billing report: recurring revenue and workspaces by standing and plan."""

import click
from rich.console import Console
from rich.table import Table

from atrium.web.cli import run_async, with_database


@click.group()
def billing() -> None:
    """Subscriptions across every workspace."""


@billing.command()
def report() -> None:
    """MRR per currency, and how many workspaces are paying, trialing, past due, read-only."""
    from atrium.billing.subscriptions.report import billing_report

    found = run_async(with_database(billing_report))
    out = Console()
    revenue = Table("currency", "MRR (a month)", title="Recurring revenue")
    for currency, amount in found.mrr.items():
        revenue.add_row(currency, f"{amount:,.2f}")
    if not found.mrr:
        revenue.add_row("-", "0.00")
    out.print(revenue)
    standing = Table("standing", "workspaces", title="Workspaces")
    for name in ("active (paying)", "trialing", "past due", "read-only", "free",
                 "paid by a network"):  # fmt: skip
        standing.add_row(name, str(found.standing.get(name, 0)))
    out.print(standing)
    plans = Table("plan", "workspaces", title="Plans in effect")
    for name, count in sorted(found.plans.items()):
        plans.add_row(name, str(count))
    out.print(plans)


commands = [billing]
