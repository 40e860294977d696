"""The tenant history before it had branches, and its one-time translation.

The tenant history used to be one chain woven through the salon's revisions:
t0024 → salon t0025 → t0026 → salon t0027 → salon t0028_booking → t0029, and a workspace's
version table held its one head. Now the core and each pack are branches with a row each, so
such a lone row must be read as the rows it stands for before alembic reads it.

A lone row can also be a stamp of the branched history (t0029: the core with no salon
installed; t0028_booking: the salon with the core taken back below t0026), so it is
translated only when the schema holds a table the single chain had made by then and the
branched history would not have: the salon's tables (it went before t0026), or the appeal
subjects (t0026 went before the salon's t0027). A lone t0025 reads the same in both
(the salon's first revision, which depends on t0024); a lone row up to t0024 too.
"""

from collections.abc import Collection

from sqlalchemy import Connection, text

# The old lone row -> (the rows it stands for, the table that tells the old chain made it).
SINGLE_CHAIN = {
    "t0026": (frozenset({"t0026", "t0025"}), "salon_settings"),
    "t0027": (frozenset({"t0026", "t0027"}), "appeal_subjects"),
    "t0028_booking": (frozenset({"t0026", "t0028_booking"}), "appeal_subjects"),
    "t0029": (frozenset({"t0029", "t0028_booking"}), "salon_settings"),
}


def per_branch(connection: Connection, schema: str, versions: Collection[str]) -> frozenset[str]:
    """The rows of the branched history that a workspace's version rows stand for."""
    if len(versions) != 1 or (old := SINGLE_CHAIN.get(next(iter(versions)))) is None:
        return frozenset(versions)
    rows, evidence = old
    made = connection.scalar(
        text(
            "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_tables "
            "WHERE schemaname = :schema AND tablename = :table)"
        ),
        {"schema": schema, "table": evidence},
    )
    return rows if made else frozenset(versions)
