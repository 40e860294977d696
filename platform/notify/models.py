"""Per workspace: staff notifications and the log of every e-mail the workspace sent."""

import uuid
from decimal import Decimal

from sqlalchemy import BigInteger, Identity, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from atrium.platform.db import TenantBase
from atrium.platform.db.types import CreatedAt, OptionalTimestamp, UUIDPk
from atrium.platform.packs import registered_packs

# What members can be told about (in the app, and by e-mail where there is a message for it);
# packs add their own (notification_kinds).
KINDS = ("task.due", "lead.assigned", "appeal.overdue")


def notification_kinds() -> list[str]:
    """Every kind a member may mute: the core's and the packs'."""
    return [
        *KINDS,
        *(kind for pack in registered_packs().values() for kind in pack.notification_kinds),
    ]


class Notification(TenantBase):
    """Something a member should see in the app (task due, lead assigned, complaint overdue)."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_created", "user_id", "created_at"),)

    id: Mapped[UUIDPk]
    user_id: Mapped[uuid.UUID]
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(500), default="")
    # One notification per effect, however often the job that makes it runs.
    effect_key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[CreatedAt]
    read_at: Mapped[OptionalTimestamp]


class MailLog(TenantBase):
    """Every e-mail the workspace sends, with its delivery status (queued, sending, sent, logged,
    skipped, failed, unknown)."""

    __tablename__ = "mail_log"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    to_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    language: Mapped[str] = mapped_column(String(5))
    status: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    effect_key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[CreatedAt]
    sent_at: Mapped[OptionalTimestamp]
    # When a send was last claimed, handed back or re-queued: the scheduler's sweep re-queues
    # rows left queued, and calls "unknown" rows left sending, a while after it.
    attempted_at: Mapped[OptionalTimestamp]


class SmsSettings(TenantBase):
    """The workspace's SMS gateway (one row); its token sealed (platform.sealing)."""

    __tablename__ = "sms_settings"

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    gateway_url: Mapped[str] = mapped_column(String(500), default="")
    token_sealed: Mapped[str] = mapped_column(Text, default="")
    sender: Mapped[str] = mapped_column(String(20), default="")
    monthly_quota: Mapped[int] = mapped_column(default=1000)  # segments
    # What the gateway charges per segment, in the workspace's currency (for cost estimates).
    segment_price: Mapped[Decimal] = mapped_column(
        Numeric(10, 4), default=Decimal("0"), server_default="0"
    )
    updated_at: Mapped[CreatedAt]


class SmsLog(TenantBase):
    """Every SMS: text, segments billed, and where it got to (queued, sending, sent,
    delivered, failed, unknown; or outbox: kept unsent and unbilled, no gateway outside
    production)."""

    __tablename__ = "sms_log"
    __table_args__ = (Index("ix_sms_log_created", "created_at"),)

    id: Mapped[UUIDPk]
    kind: Mapped[str] = mapped_column(String(40))
    to_number: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    encoding: Mapped[str] = mapped_column(String(5))
    segments: Mapped[int]
    status: Mapped[str] = mapped_column(String(20), default="queued")
    provider_id: Mapped[str] = mapped_column(String(100), default="", index=True)
    error: Mapped[str] = mapped_column(Text, default="")
    effect_key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[CreatedAt]
    sent_at: Mapped[OptionalTimestamp]
    # When a send was last claimed, handed back or re-queued: the scheduler's sweep re-queues
    # rows left queued, and calls "unknown" rows left sending, a while after it.
    attempted_at: Mapped[OptionalTimestamp]


class NotificationPreferences(TenantBase):
    """What a member wants to be told, and how (absent row: everything, e-mail included)."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    email: Mapped[bool] = mapped_column(default=True)
    muted: Mapped[list[str]] = mapped_column(JSONB, default=list)  # kinds not wanted at all
    updated_at: Mapped[CreatedAt]


class TelegramSettings(TenantBase):
    """The workspace's Telegram bot (one row): its token sealed, the webhook secret hashed."""

    __tablename__ = "telegram_settings"

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    bot_username: Mapped[str] = mapped_column(String(64))
    token_sealed: Mapped[str] = mapped_column(Text)
    webhook_secret_hash: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[CreatedAt]


class TelegramLog(TenantBase):
    """Every Telegram message to a customer, and where it got to (queued, sent, failed)."""

    __tablename__ = "telegram_log"

    id: Mapped[UUIDPk]
    kind: Mapped[str] = mapped_column(String(40))
    contact_id: Mapped[uuid.UUID | None]
    chat_id: Mapped[int] = mapped_column(BigInteger)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[CreatedAt]
    sent_at: Mapped[OptionalTimestamp]
    # When a send was last claimed, handed back or re-queued: the scheduler's sweep re-queues
    # rows left queued, and calls "unknown" rows left sending, a while after it.
    attempted_at: Mapped[OptionalTimestamp]


class MessageTemplate(TenantBase):
    """A workspace's own wording of a message (else the built-in templates are used)."""

    __tablename__ = "message_templates"
    __table_args__ = (UniqueConstraint("kind", "language"),)

    id: Mapped[UUIDPk]
    kind: Mapped[str] = mapped_column(String(40))  # task_reminder, ...
    language: Mapped[str] = mapped_column(String(5))
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[CreatedAt]
