"""The workspace registry (shared schema) and the settings every workspace schema holds."""

import enum
import uuid
from datetime import time
from typing import Any

from sqlalchemy import Enum, ForeignKey, SmallInteger, String, Time
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from atrium.platform.db import SharedBase, TenantBase, WorkspaceSchema
from atrium.platform.db.types import CreatedAt, OptionalTimestamp, UUIDPk


class TenantStatus(enum.StrEnum):
    SPARE = "spare"  # schema at head, not yet claimed by a signup
    PROVISIONING = "provisioning"
    READY = "ready"
    SUSPENDED = "suspended"


class Tenant(SharedBase):
    __tablename__ = "tenants"

    id: Mapped[UUIDPk]
    slug: Mapped[str | None] = mapped_column(String(63), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    schema_name: Mapped[str] = mapped_column(String(40), unique=True)
    status: Mapped[TenantStatus] = mapped_column(
        Enum(TenantStatus, name="tenant_status", values_callable=lambda e: [m.value for m in e]),
        index=True,
    )
    vertical: Mapped[str | None] = mapped_column(String(40))
    locale: Mapped[str] = mapped_column(String(10), default="en")
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("tenants.id"))
    created_at: Mapped[CreatedAt]
    status_changed_at: Mapped[CreatedAt]
    suspended_at: Mapped[OptionalTimestamp]
    # Written by billing (tenancy.entitlements): what the plan allows; None: not limited.
    entitlements: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    # Set by billing when an unpaid invoice outlives its grace period: reads only, until paid.
    read_only_since: Mapped[OptionalTimestamp]

    @property
    def schema(self) -> WorkspaceSchema:
        return WorkspaceSchema(self.schema_name)


class WorkspaceSettings(TenantBase):
    """One row: how this workspace works (locale, zone, currency, vertical)."""

    __tablename__ = "workspace_settings"

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    name: Mapped[str] = mapped_column(String(200))
    locale: Mapped[str] = mapped_column(String(10))
    timezone: Mapped[str] = mapped_column(String(64))
    currency: Mapped[str] = mapped_column(String(3))
    country: Mapped[str] = mapped_column(String(2))
    vertical: Mapped[str] = mapped_column(String(40))
    # Automated messages to people wait while these hours last (local time; may span midnight).
    quiet_from: Mapped[time | None] = mapped_column(Time)
    quiet_to: Mapped[time | None] = mapped_column(Time)
    # Birthday greetings to customers who agreed to marketing: from this local hour, by the
    # first of these channels the customer can be reached on (notify.birthdays).
    birthday_greetings: Mapped[bool] = mapped_column(default=False, server_default="false")
    birthday_hour: Mapped[int] = mapped_column(SmallInteger, default=10, server_default="10")
    birthday_channels: Mapped[list[str]] = mapped_column(
        ARRAY(String(10)),
        default=lambda: ["telegram", "email", "sms"],
        server_default="{telegram,email,sms}",
    )
    updated_at: Mapped[CreatedAt]
