"""Global users, their memberships in workspaces, and their credentials (shared schema)."""

import enum
import uuid

from sqlalchemy import Enum, ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from atrium.platform.db import SharedBase
from atrium.platform.db.types import CreatedAt, OptionalTimestamp, Timestamp, UUIDPk


class Role(enum.StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    MANAGER = "manager"
    EMPLOYEE = "employee"


role_type = Enum(Role, name="member_role", values_callable=lambda e: [m.value for m in e])


class User(SharedBase):
    __tablename__ = "users"

    id: Mapped[UUIDPk]
    email: Mapped[str] = mapped_column(String(320), unique=True)  # stored lower-cased
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(String(200))
    locale: Mapped[str] = mapped_column(String(10), default="en")
    is_active: Mapped[bool] = mapped_column(default=True)
    # Set while the signup that created this user is unfinished: cleaning up the
    # workspace then removes the user too.
    provisioning_tenant_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[CreatedAt]
    password_changed_at: Mapped[OptionalTimestamp]


class Membership(SharedBase):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "tenant_id"),)

    id: Mapped[UUIDPk]
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    tenant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[Role] = mapped_column(role_type)
    created_at: Mapped[CreatedAt]


class ApiKey(SharedBase):
    """A personal key acting as its user within one workspace; only a hash is kept."""

    __tablename__ = "api_keys"

    id: Mapped[UUIDPk]
    tenant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    created_at: Mapped[CreatedAt]
    expires_at: Mapped[OptionalTimestamp]
    revoked_at: Mapped[OptionalTimestamp]
    last_used_at: Mapped[OptionalTimestamp]


class WebSession(SharedBase):
    """A browser sign-in; the cookie holds the token, the table only its hash."""

    __tablename__ = "web_sessions"

    id: Mapped[UUIDPk]
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[CreatedAt]
    expires_at: Mapped[Timestamp]
    user_agent: Mapped[str] = mapped_column(String(300), default="")


class OneTimeTokenPurpose(enum.StrEnum):
    PASSWORD_RESET = "password_reset"
    INVITATION = "invitation"


class OneTimeToken(SharedBase):
    """Password reset links and invitations: e-mailed once, stored as a hash, used once."""

    __tablename__ = "one_time_tokens"
    __table_args__ = (Index("ix_one_time_tokens_email_purpose", "email", "purpose"),)

    id: Mapped[UUIDPk]
    purpose: Mapped[OneTimeTokenPurpose] = mapped_column(
        Enum(
            OneTimeTokenPurpose,
            name="one_time_token_purpose",
            values_callable=lambda e: [m.value for m in e],
        )
    )
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    email: Mapped[str] = mapped_column(String(320))
    tenant_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[Role | None] = mapped_column(role_type)
    invited_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[CreatedAt]
    expires_at: Mapped[Timestamp]
    used_at: Mapped[OptionalTimestamp]
    revoked_at: Mapped[OptionalTimestamp]
