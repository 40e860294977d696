"""extensions: pg_trgm for search, btree_gist for exclusion constraints

Revision ID: p0003
Revises: p0002
Create Date: 2026-11-25 15:00:00.000000

"""

from collections.abc import Sequence

from alembic import op

revision: str = "p0003"
down_revision: str | Sequence[str] | None = "p0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Both are trusted extensions: the database's owner may create them without superuser.
    # In public, so every workspace role finds their operators on its default search_path.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public")
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public")


def downgrade() -> None:
    # Left in place: other databases' objects on this server may use them.
    pass
