"""Write a new tenant revision from the models: ``python -m atrium.tenants.migrations.autogenerate
t0031 "what changed" [branch]``. The branch is ``core`` (the default: ``tenant/versions``) or a
pack's key: the revision goes on the pack's branch, in its own ``migrations/`` folder; a pack's
first revision starts the branch, labelled with its key and depending on the core's head.
Name a pack's revisions after it (``tinypack0001``), so no two packs ever pick the same id.

It brings a probe schema in a scratch database (on DATABASE_URL's server, or the embedded one)
to head, lets alembic compare it with the models, and rewrites the probe's name as the
``schema`` each tenant migration runs in. Read the result before committing it.
"""

import re
import secrets
import sys
from pathlib import Path

import sqlalchemy as sa
from alembic import command

from atrium.platform.config import load_settings
from atrium.platform.packs import registered_packs
from atrium.platform.runtime import start_runtime
from atrium.tenants.migrate import upgrade_connection
from atrium.tenants.migrations import (
    CORE,
    PLATFORM_HISTORY,
    TENANT_HISTORY,
    alembic_config,
    core_head,
    tenant_scripts,
)

PROBE = "t_autogenprobe"


def _where(branch: str) -> tuple[Path, dict]:
    """The branch's folder, and what starts or continues it."""
    if branch == CORE:
        return TENANT_HISTORY / "versions", {"head": f"{CORE}@head"}
    pack = registered_packs()[branch]
    assert pack.folder is not None, f"the {branch} pack names no folder"
    folder = pack.folder / "migrations"
    folder.mkdir(exist_ok=True)
    if any(branch in script.branch_labels for script in tenant_scripts().walk_revisions()):
        return folder, {"head": f"{branch}@head"}
    return folder, {"head": "base", "branch_label": branch, "depends_on": core_head()}


def main(revision: str, message: str, branch: str = CORE) -> Path:
    folder, place = _where(branch)
    server = sa.make_url(start_runtime(load_settings()).database_url)
    name = f"atrium_autogen_{secrets.token_hex(4)}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        connection.exec_driver_sql(f"DROP ROLE IF EXISTS {PROBE}")
        connection.exec_driver_sql(f"CREATE ROLE {PROBE} NOLOGIN")
        connection.exec_driver_sql(f"GRANT {PROBE} TO CURRENT_USER")
    url = server.set(database=name).render_as_string(False)
    engine = sa.create_engine(url)
    try:
        # The shared schema first: it creates the extensions tenant tables use (pg_trgm).
        command.upgrade(alembic_config(PLATFORM_HISTORY, url), "head")
        with engine.begin() as connection:
            connection.exec_driver_sql(f"CREATE SCHEMA {PROBE} AUTHORIZATION {PROBE}")
            connection.exec_driver_sql(f"SET LOCAL ROLE {PROBE}")
            upgrade_connection(connection.execution_options(schema_translate_map={"tenant": PROBE}))
        config = alembic_config(TENANT_HISTORY, url)
        config.cmd_opts = type("Options", (), {"x": [f"schema={PROBE}"]})()
        command.revision(
            config,
            message=message,
            autogenerate=True,
            rev_id=revision,
            version_path=str(folder),
            **place,
        )
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
            connection.exec_driver_sql(f"DROP ROLE IF EXISTS {PROBE}")
        admin.dispose()
    [path] = folder.glob(f"{revision}_*.py")
    text = path.read_text()
    text = re.sub(r"\n\s*# ### (commands auto generated|end Alembic commands).*", "", text)
    text = text.replace(f"schema='{PROBE}'", "schema=schema")
    text = re.sub(rf"\['{PROBE}\.(\w+)\.(\w+)'\]", r"[f'{schema}.\1.\2']", text)
    path.write_text(text)
    return path


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    print(main(*sys.argv[1:]))
