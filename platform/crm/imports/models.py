"""Import batches: an uploaded file, its column mapping, the job's cursor and counts, the rows it
rejected or skipped as duplicates (each with the file's own cells, since the file itself is gone
once read) and the records it created (so one click can undo exactly those)."""

import uuid
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, deferred, mapped_column

from atrium.platform.db import TenantBase
from atrium.platform.db.types import CreatedAt, OptionalTimestamp, UUIDPk

IMPORT_KINDS = ("contacts", "companies", "deals", "products")
ON_DUPLICATE = ("skip", "update", "create")
# draft: uploaded, waiting for its mapping; queued/running: the job's; done; failed (an
# error stopped it; it can be resumed); undone: the records it created are deleted (those later
# work hangs on are kept) and the records it updated have their previous values back.
BATCH_STATES = ("draft", "queued", "running", "done", "failed", "undone")


class ImportBatch(TenantBase):
    __tablename__ = "import_batches"
    __table_args__ = (
        CheckConstraint(f"kind IN {IMPORT_KINDS}", name="kind"),
        CheckConstraint(f"on_duplicate IN {ON_DUPLICATE}", name="on_duplicate"),
        CheckConstraint(f"status IN {BATCH_STATES}", name="status"),
        Index("ix_import_batches_created_at", "created_at"),
    )

    id: Mapped[UUIDPk]
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), default="draft")
    file_name: Mapped[str] = mapped_column(String(300))
    file_format: Mapped[str] = mapped_column(String(10))  # csv or xlsx
    encoding: Mapped[str] = mapped_column(String(40), default="")
    delimiter: Mapped[str] = mapped_column(String(4), default="")
    # The file itself until the job has read it all (kept out of ordinary loads: up to 20 MB).
    content: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    headers: Mapped[list[str]] = mapped_column(JSONB, default=list)
    preview: Mapped[list[list[str]]] = mapped_column(JSONB, default=list)
    total_rows: Mapped[int] = mapped_column(default=0)
    mapping: Mapped[list[str]] = mapped_column(JSONB, default=list)  # a field key per column
    on_duplicate: Mapped[str] = mapped_column(String(10), default="skip")
    cursor: Mapped[int] = mapped_column(default=0)  # data rows handled; the job goes on from here
    created_count: Mapped[int] = mapped_column(default=0)
    updated_count: Mapped[int] = mapped_column(default=0)
    skipped_count: Mapped[int] = mapped_column(default=0)
    rejected_count: Mapped[int] = mapped_column(default=0)
    undone_count: Mapped[int] = mapped_column(default=0)
    kept_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # Why undo kept records: the kind of later work that hangs on them -> how many records.
    kept_because: Mapped[dict[str, int]] = mapped_column(JSONB, default=dict, server_default="{}")
    restored_count: Mapped[int] = mapped_column(default=0, server_default="0")
    error: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[uuid.UUID | None]
    created_at: Mapped[CreatedAt]
    started_at: Mapped[OptionalTimestamp]
    heartbeat_at: Mapped[OptionalTimestamp]  # the job's last sign of life (queued or a chunk)
    finished_at: Mapped[OptionalTimestamp]
    undone_at: Mapped[OptionalTimestamp]


class ImportRejection(TenantBase):
    """A row the job could not take: the service's message (translated when shown) and the
    row's cells as the file had them."""

    __tablename__ = "import_rejections"

    batch_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("import_batches.id", ondelete="CASCADE"), primary_key=True
    )
    row_number: Mapped[int] = mapped_column(primary_key=True)  # as the spreadsheet numbers it
    field: Mapped[str] = mapped_column(String(100), default="")
    message: Mapped[str] = mapped_column(Text)
    params: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    cells: Mapped[list[str]] = mapped_column(JSONB, default=list, server_default="[]")


class ImportSkip(TenantBase):
    """A row skipped as a duplicate: of a record already there, or of an earlier row of the
    same file (whose record the batch created); the row's cells as the file had them."""

    __tablename__ = "import_skips"

    batch_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("import_batches.id", ondelete="CASCADE"), primary_key=True
    )
    row_number: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[uuid.UUID | None]  # the record already there
    same_as_row: Mapped[int | None]  # else the earlier row of the file it repeats
    cells: Mapped[list[str]] = mapped_column(JSONB, default=list)


class ImportRecord(TenantBase):
    """A record the batch created (contact, company, deal or product): what undo deletes."""

    __tablename__ = "import_records"

    batch_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("import_batches.id", ondelete="CASCADE"), primary_key=True
    )
    record_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # contact, company, deal, product


class ImportChange(TenantBase):
    """A record a row of the batch updated: the values it changed, before and after (only
    those), so undo can put back what the import changed and nothing someone changed since."""

    __tablename__ = "import_changes"

    batch_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("import_batches.id", ondelete="CASCADE"), primary_key=True
    )
    row_number: Mapped[int] = mapped_column(primary_key=True)  # undo goes from the last back
    record_id: Mapped[uuid.UUID]
    kind: Mapped[str] = mapped_column(String(20))  # contact, company, product
    before: Mapped[dict[str, Any]] = mapped_column(JSONB)
    after: Mapped[dict[str, Any]] = mapped_column(JSONB)
