"""Upgrading workspace schemas with the tenant history, one transaction per workspace."""

from pathlib import Path

from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import Connection

from atrium.tenants.migrations import TENANT_HISTORY, tenant_scripts


def upgrade_connection(connection: Connection, history: Path = TENANT_HISTORY) -> str | None:
    """Bring the workspace bound to ``connection`` to head; returns the version it was at.

    The connection must already be inside the workspace's transaction, acting as its role,
    with the tenant ``schema_translate_map`` set.
    """
    schema = connection.get_execution_options()["schema_translate_map"]["tenant"]
    scripts = tenant_scripts(history)
    context = MigrationContext.configure(
        connection,
        opts={
            "version_table_schema": schema,
            "script": scripts,
            "fn": lambda revision, _context: scripts._upgrade_revs("head", revision),
        },
    )
    before = context.get_current_revision()
    with Operations.context(context):
        context.run_migrations()
    return before
