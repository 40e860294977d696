"""Two alembic histories: ``platform`` (the shared schema) and ``tenant`` (each workspace)."""

import os
from functools import cache
from pathlib import Path

from alembic import op
from alembic.config import Config
from alembic.script import ScriptDirectory

from atrium.platform.packs import pack_folders

HERE = Path(__file__).parent
PLATFORM_HISTORY = HERE / "platform"
TENANT_HISTORY = HERE / "tenant"


def alembic_config(history: Path, database_url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(history))
    config.set_main_option("path_separator", "os")
    # The tenant history is one chain; a pack keeps its own revisions in its folder.
    packs = [] if history == PLATFORM_HISTORY else pack_folders("migrations")
    locations = [history / "versions", *packs]
    config.set_main_option("version_locations", os.pathsep.join(map(str, locations)))
    if database_url:
        config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


@cache
def tenant_scripts(history: Path = TENANT_HISTORY) -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config(history))


def tenant_head(history: Path = TENANT_HISTORY) -> str:
    return tenant_scripts(history).get_current_head()


def workspace_schema() -> str:
    """The schema a tenant migration is running in; pass it as ``schema=`` to every op.

    Alembic's operations do not apply ``schema_translate_map``, so tenant migrations name the
    real schema, which is also where the version table lives.
    """
    return op.get_context().version_table_schema
