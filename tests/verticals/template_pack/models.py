"""The pack's table, in every workspace's schema; its revision is in migrations/."""

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from atrium.platform.db import TenantBase
from atrium.platform.db.types import CreatedAt, OptionalTimestamp, UUIDPk


class Note(TenantBase):
    __tablename__ = "tinypack_notes"  # a pack's tables start with its key

    id: Mapped[UUIDPk]
    text: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[CreatedAt]
    done_at: Mapped[OptionalTimestamp]  # set by the pack's job
