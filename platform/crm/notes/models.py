"""Notes on a contact's card."""

import uuid

from sqlalchemy import (
    ForeignKey,
    Index,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from atrium.platform.db import TenantBase
from atrium.platform.db.types import CreatedAt, UUIDPk


class Note(TenantBase):
    """A note on a customer's card, one per entry on the timeline."""

    __tablename__ = "notes"
    __table_args__ = (Index("ix_notes_contact_created", "contact_id", "created_at"),)

    id: Mapped[UUIDPk]
    contact_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[uuid.UUID | None]
    created_at: Mapped[CreatedAt]
