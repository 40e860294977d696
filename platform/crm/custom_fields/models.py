"""A workspace's own fields on its records (their values live in each record's JSON)."""

from sqlalchemy import (
    CheckConstraint,
    String,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from atrium.platform.db import TenantBase
from atrium.platform.db.types import CreatedAt, UUIDPk


class CustomField(TenantBase):
    """A field the workspace adds to contacts or companies; values live in ``custom``."""

    __tablename__ = "custom_fields"
    __table_args__ = (
        UniqueConstraint("object_type", "key"),
        CheckConstraint("object_type IN ('contact', 'company')", name="object_type"),
        CheckConstraint(
            "field_type IN ('text', 'number', 'date', 'choice', 'boolean')", name="field_type"
        ),
    )

    id: Mapped[UUIDPk]
    object_type: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(60))
    label: Mapped[str] = mapped_column(String(100))
    field_type: Mapped[str] = mapped_column(String(20))
    choices: Mapped[list[str]] = mapped_column(JSONB, default=list)
    required: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[CreatedAt]
