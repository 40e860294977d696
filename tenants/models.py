"""Registry tables owned by workspace lifecycle: the migration ledger."""

import uuid

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from atrium.platform.db import SharedBase
from atrium.platform.db.types import CreatedAt, OptionalTimestamp, UUIDPk


class MigrationLedgerEntry(SharedBase):
    """One workspace's part in one `atrium migrate` run."""

    __tablename__ = "migration_ledger"

    id: Mapped[UUIDPk]
    run_id: Mapped[uuid.UUID] = mapped_column(index=True)
    tenant_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("tenants.id", ondelete="SET NULL"), index=True
    )
    schema_name: Mapped[str] = mapped_column(String(40))
    # The workspace's version rows (a row per branch of the tenant history), as one line.
    from_version: Mapped[str | None] = mapped_column(Text)
    to_version: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))  # upgraded, failed
    error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[CreatedAt]
    finished_at: Mapped[OptionalTimestamp]
