"""Helpers the benchmarks share: a scratch database dropped with its roles, an extra revision."""

import secrets
import shutil
from pathlib import Path

import sqlalchemy as sa

from atrium.tenants.migrations import TENANT_HISTORY, tenant_head


def scratch_database(server_url: str, prefix: str = "atrium_bench") -> tuple[str, str]:
    """Create an empty database beside ``server_url``'s; returns (its URL, its name)."""
    url = sa.make_url(server_url)
    name = f"{prefix}_{secrets.token_hex(4)}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return url.set(database=name).render_as_string(False), name


def drop_database(server_url: str, name: str) -> int:
    """Drop the scratch database, then its workspace roles (cluster-wide); returns how many."""
    admin = sa.create_engine(sa.make_url(server_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        roles = connection.exec_driver_sql(
            "SELECT r.rolname FROM pg_roles r JOIN pg_shdescription d ON d.objoid = r.oid "
            "WHERE d.description = %(tag)s",
            {"tag": f"atrium:{name}"},
        ).scalars()
        roles = list(roles)
        for role in roles:
            connection.exec_driver_sql(f'DROP ROLE "{role}"')
    admin.dispose()
    return len(roles)


NOTE_REVISION = "t9001"
_NOTE_SCRIPT = '''"""A note on the workspace settings (benchmarks and tests only)."""

import sqlalchemy as sa
from alembic import op

from atrium.tenants.migrations import workspace_schema

revision = "{revision}"
down_revision = "{down_revision}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("workspace_settings", sa.Column("note", sa.Text()), schema=workspace_schema())


def downgrade() -> None:
    op.drop_column("workspace_settings", "note", schema=workspace_schema())
'''


def history_with_note(directory: Path) -> Path:
    """A copy of the tenant history plus revision ``t9001`` adding ``workspace_settings.note``."""
    history = directory / "tenant"
    (history / "versions").mkdir(parents=True)
    for name in ("env.py", "script.py.mako"):
        shutil.copy(TENANT_HISTORY / name, history / name)
    for script in (TENANT_HISTORY / "versions").glob("*.py"):
        shutil.copy(script, history / "versions" / script.name)
    (history / "versions" / f"{NOTE_REVISION}_note.py").write_text(
        _NOTE_SCRIPT.format(revision=NOTE_REVISION, down_revision=tenant_head())
    )
    return history
