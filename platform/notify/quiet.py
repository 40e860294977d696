"""Quiet hours and what members asked for: the one place that says whether to tell someone now."""

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.db.types import utcnow
from atrium.platform.errors import Invalid
from atrium.platform.jobs import Job, TenantJob
from atrium.platform.notify.models import NotificationPreferences, notification_kinds
from atrium.platform.tenancy.models import WorkspaceSettings


def quiet_until(settings: WorkspaceSettings, now: datetime | None = None) -> datetime | None:
    """When the workspace's quiet hours end, if they are on now; else None (send now)."""
    if settings.quiet_from is None or settings.quiet_to is None:
        return None
    zone = ZoneInfo(settings.timezone)
    local = (now or datetime.now(UTC)).astimezone(zone)
    start, end = settings.quiet_from, settings.quiet_to
    moment = local.time()
    if start <= end:  # e.g. 13:00-14:00
        inside = start <= moment < end
    else:  # across midnight, e.g. 21:00-09:00
        inside = moment >= start or moment < end
    if not inside:
        return None
    ends = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if ends <= local:
        ends += timedelta(days=1)
    return ends.astimezone(UTC)


async def preferences_of(session: AsyncSession, user_id: uuid.UUID) -> NotificationPreferences:
    found = await session.get(NotificationPreferences, user_id)
    return found or NotificationPreferences(user_id=user_id, email=True, muted=[])


async def wants(session: AsyncSession, user_id: uuid.UUID, kind: str, channel: str) -> bool:
    """Whether the member wants ``kind`` by ``channel`` (app or email)."""
    preferences = await preferences_of(session, user_id)
    if kind in preferences.muted:
        return False
    return channel != "email" or preferences.email


async def save_preferences(
    session: AsyncSession, user_id: uuid.UUID, *, email: bool, muted: list[str]
) -> NotificationPreferences:
    """The member's choice: e-mail or not, and the kinds muted (each a known kind)."""
    kinds = notification_kinds()
    if unknown := set(muted) - set(kinds):
        raise Invalid(
            "Unknown kind %(kind)s; the kinds are %(kinds)s.",
            field="muted",
            kind=sorted(unknown)[0],
            kinds=", ".join(kinds),
        )
    muted = sorted(set(muted))
    await session.execute(
        insert(NotificationPreferences)
        .values(user_id=user_id, email=email, muted=muted)
        .on_conflict_do_update(
            index_elements=["user_id"],
            set_={"email": email, "muted": muted, "updated_at": utcnow()},
        )
    )
    return NotificationPreferences(user_id=user_id, email=email, muted=muted)


def send_when_quiet_ends(job: Job, run: TenantJob, ends: datetime, *args) -> None:
    """Run ``job`` for this workspace again once the quiet hours end (a key of its own)."""
    job.send_with_options(
        args=(run.schema, *args),
        idempotency_key=f"{run.idempotency_key}:after:{ends.isoformat()}",
        delay_ms=int((ends - datetime.now(UTC)).total_seconds() * 1000) + 1000,
    )
