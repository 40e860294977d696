"""Two alembic histories: ``platform`` (the shared schema) and ``tenant`` (each workspace).

The tenant history has branches: the core's (label ``core``, in ``tenant/versions``) and one
per pack (labelled with the pack's key, in the pack's ``migrations/`` folder), whose first
revision has no ``down_revision`` and ``depends_on`` the core revision its tables need. So the
core loads and migrates with no pack installed, a pack is added without rewriting anyone's
revisions, and a workspace's version table holds one row per branch: it is at head when those
rows are every head.
"""

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
CORE = "core"  # the branch label of the core's tenant revisions


def alembic_config(history: Path, database_url: str | None = None, *, packs: bool = True) -> Config:
    """``packs=False``: the tenant history's core branch alone, as with no pack installed."""
    config = Config()
    config.set_main_option("script_location", str(history))
    config.set_main_option("path_separator", "os")
    with_packs = packs and history != PLATFORM_HISTORY
    locations = [history / "versions", *(pack_folders("migrations") if with_packs else [])]
    config.set_main_option("version_locations", os.pathsep.join(map(str, locations)))
    if database_url:
        config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


@cache
def tenant_scripts(history: Path = TENANT_HISTORY, *, packs: bool = True) -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config(history, packs=packs))


@cache
def tenant_heads(history: Path = TENANT_HISTORY, *, packs: bool = True) -> frozenset[str]:
    """What a workspace's version table holds at head: the head of each branch, less a head
    another branch depends on (alembic counts it applied with the revision that depends on
    it, and keeps no row of its own for it)."""
    scripts = tenant_scripts(history, packs=packs)
    heads = [scripts.get_revision(head) for head in scripts.get_heads()]
    implied = {
        ancestor.revision
        for head in heads
        for ancestor in scripts.revision_map._get_ancestor_nodes([head])
        if ancestor is not head
    }
    return frozenset(head.revision for head in heads) - implied


def core_head(history: Path = TENANT_HISTORY) -> str:
    return tenant_scripts(history).get_revision(f"{CORE}@head").revision


def stamp_text(versions) -> str | None:
    """A workspace's version rows as one line (for the ledger and messages); None: none."""
    return " ".join(sorted(versions)) or None


def workspace_schema() -> str:
    """The schema a tenant migration is running in; pass it as ``schema=`` to every op.

    Alembic's operations do not apply ``schema_translate_map``, so tenant migrations name the
    real schema, which is also where the version table lives.
    """
    return op.get_context().version_table_schema
