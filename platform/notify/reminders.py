"""Task reminders (e-mail and in-app, in the assignee's language and the workspace's time zone)
and overdue-complaint notices, made from the scheduler's events."""

import uuid
from zoneinfo import ZoneInfo

import structlog
from babel.dates import format_datetime
from jinja2 import TemplateError
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.models import Membership, User
from atrium.platform.crm.activities.models import Activity
from atrium.platform.crm.appeals.models import Appeal
from atrium.platform.crm.contacts.models import Contact
from atrium.platform.db import WorkspaceSchema
from atrium.platform.events.handlers import dispatching_workspace, on_event
from atrium.platform.events.models import OutboxEvent
from atrium.platform.jobs import TenantJob, tenant_actor
from atrium.platform.jobs.context import job_context
from atrium.platform.notify import templates
from atrium.platform.notify.models import Notification
from atrium.platform.notify.quiet import quiet_until, send_when_quiet_ends, wants
from atrium.platform.notify.workspace_mail import (
    claim_mail,
    deliver_mail,
    resends,
    reserve_mail,
    skip_mail,
)
from atrium.platform.tenancy.models import Tenant
from atrium.platform.tenancy.service import workspace_settings

log = structlog.get_logger("atrium.notify")


async def notify(session: AsyncSession, user_id: uuid.UUID, effect_key: str, **fields) -> None:
    """An in-app notification, once per ``effect_key`` however often this runs (unless the
    member muted its kind)."""
    if not await wants(session, user_id, fields["kind"], "app"):
        return
    await session.execute(
        insert(Notification)
        .values(id=uuid.uuid4(), user_id=user_id, effect_key=effect_key, **fields)
        .on_conflict_do_nothing(index_elements=["effect_key"])
    )


def reminder_effect(activity_id: str, remind_at: str) -> str:
    return f"task-reminder:{activity_id}:{remind_at}"


@on_event("activity.reminder_due")
async def _task_reminder_due(session: AsyncSession, event: OutboxEvent) -> None:
    schema = dispatching_workspace.get()
    activity_id, remind_at = event.payload["activity_id"], event.payload["remind_at"]
    # Kept with the event's dispatch: if Redis loses the job, the sweep finds this row queued.
    await reserve_mail(session, reminder_effect(activity_id, remind_at), "task_reminder")
    _queue_reminder(schema, activity_id, remind_at)


def _queue_reminder(
    schema: WorkspaceSchema, activity_id: str, remind_at: str, key: str = ""
) -> None:
    send_task_reminder.send_with_options(
        args=(schema, activity_id, remind_at),
        idempotency_key=key or f"task-reminder:{schema.name}:{activity_id}:{remind_at}",
    )


@resends("task_reminder")
def _resend_reminder(schema: WorkspaceSchema, effect: str) -> None:
    _, activity_id, remind_at = effect.split(":", 2)
    _queue_reminder(schema, activity_id, remind_at, key=f"swept:{effect}")


@tenant_actor(name="notify.task_reminder", max_retries=5, guarded=False)  # its claims guard it
async def send_task_reminder(job: TenantJob, activity_id: str, remind_at: str) -> None:
    effect = reminder_effect(activity_id, remind_at)
    async with job.transaction() as session:
        activity = await session.get(Activity, uuid.UUID(activity_id))
        if (
            activity is None
            or activity.done_at is not None
            or activity.remind_at is None
            or activity.remind_at.isoformat() != remind_at  # moved since: a newer claim covers it
            or activity.assignee_id is None
        ):
            await skip_mail(session, effect, "The task was done, moved or unassigned.")
            return
        settings = await workspace_settings(session)
        if (ends := quiet_until(settings)) is not None:
            send_when_quiet_ends(send_task_reminder, job, ends, activity_id, remind_at)
            return
        assignee_id = activity.assignee_id
        by_mail = await wants(session, assignee_id, "task.due", "email")
        contact = await session.get(Contact, activity.contact_id) if activity.contact_id else None
        task = {
            "title": activity.title,
            "due_at": activity.due_at,
            "contact": contact.display_name if contact else "",
        }
    user, slug = await _member(job, assignee_id)
    if user is None:  # left the workspace, or deactivated: told nothing
        async with job.transaction() as session:
            await skip_mail(session, effect, "The assignee is no longer a member.")
        return
    language = user.locale if user.locale in templates.LANGUAGES else settings.locale
    due = (
        format_datetime(
            task["due_at"], "medium", tzinfo=ZoneInfo(settings.timezone), locale=language
        )
        if task["due_at"]
        else ""
    )
    values = {
        "name": user.name or user.email,
        "workspace": settings.name,
        "title": task["title"],
        "due": due,
        "contact": task["contact"],
        "link": f"{job.settings.base_url}/w/{slug}/",
    }
    async with job.transaction() as session:
        try:
            rendered = await templates.message(session, "task_reminder", language, values)
        except TemplateError as error:  # the workspace's wording, saved before today's limits
            log.warning("task_reminder_unrendered", tenant=job.schema.name, reason=str(error))
            await skip_mail(session, effect, f"The reminder's template does not render: {error}")
            return
        subject = rendered.subject
        await notify(
            session, user.id, effect, kind="task.due", title=subject, body=due, link=values["link"]
        )
        if not by_mail:
            await skip_mail(session, effect, "The assignee does not want these by e-mail.")
            return
        claimed = await claim_mail(session, effect, "task_reminder", user.email, subject, language)
    if claimed is None:
        return  # sent (or being sent) by an earlier run
    await deliver_mail(
        job, claimed, settings.name, user.email, subject, rendered.text, rendered.html
    )


async def _member(job: TenantJob, user_id: uuid.UUID) -> tuple[User | None, str]:
    """The user, if still an active member of the job's workspace, and the workspace's slug."""
    async with job.db.shared_transaction() as shared:
        tenant = await shared.scalar(select(Tenant).where(Tenant.schema_name == job.schema.name))
        user = await shared.scalar(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(User.id == user_id, User.is_active, Membership.tenant_id == tenant.id)
        )
    return user, tenant.slug


@on_event("appeal.overdue")
async def _complaint_overdue(session: AsyncSession, event: OutboxEvent) -> None:
    appeal = await session.get(Appeal, uuid.UUID(event.payload["appeal_id"]))
    if appeal is None or appeal.answered_at is not None:
        return
    for user_id in {appeal.owner_id, appeal.employee_id} - {None}:
        await notify(
            session,
            user_id,
            f"appeal-overdue:{appeal.id}:{user_id}",
            kind="appeal.overdue",
            title=await _title(
                session, user_id, "appeal.overdue", subject=appeal.subject or appeal.summary[:80]
            ),
            body=appeal.summary[:1000],
        )


@on_event("lead.assigned")
async def _lead_assigned(session: AsyncSession, event: OutboxEvent) -> None:
    payload = event.payload
    if not payload.get("assignee_id"):
        return
    await notify(
        session,
        uuid.UUID(payload["assignee_id"]),
        f"lead-assigned:{payload['id']}:{payload['assignee_id']}",
        kind="lead.assigned",
        title=await _title(
            session,
            uuid.UUID(payload["assignee_id"]),
            "lead.assigned",
            name=payload.get("name") or payload.get("source", ""),
        ),
        body=payload.get("message", "")[:1000],
    )


# In-app titles, written in the recipient's language when the notification is made.
_TITLES = {
    "appeal.overdue": {
        "en": "Complaint past its limit: {subject}",
        "ru": "Жалоба не отвечена в срок: {subject}",
    },
    "lead.assigned": {"en": "New lead for you: {name}", "ru": "Новый лид для вас: {name}"},
}


async def _title(session: AsyncSession, user_id: uuid.UUID, kind: str, **values: str) -> str:
    async with job_context().db.shared_transaction() as shared:
        locale = await shared.scalar(select(User.locale).where(User.id == user_id))
    if locale not in templates.LANGUAGES:
        locale = (await workspace_settings(session)).locale
    wording = _TITLES[kind].get(locale, _TITLES[kind]["en"])
    return wording.format(**values)[:300]
