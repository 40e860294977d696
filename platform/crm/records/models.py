"""What every record kind shares: tags, and trigram indexes for typo-tolerant search."""

from sqlalchemy import (
    Index,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from atrium.platform.db import TenantBase
from atrium.platform.db.types import UUIDPk


def trigram_index(name: str, column: str) -> Index:
    """A pg_trgm index: substring (LIKE '%x%') and typo-tolerant matches without a scan."""
    return Index(name, column, postgresql_using="gin", postgresql_ops={column: "gin_trgm_ops"})


class Tag(TenantBase):
    __tablename__ = "tags"

    id: Mapped[UUIDPk]
    name: Mapped[str] = mapped_column(String(60), unique=True)
