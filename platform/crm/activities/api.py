"""/api/v1/activities: calls, meetings, e-mails and tasks; "my tasks today / overdue"."""

import uuid
from datetime import datetime

import msgspec
from litestar import Controller, Request, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.crm.activities import service as activities
from atrium.platform.crm.activities.models import Activity
from atrium.platform.http.auth import database, requires
from atrium.platform.http.kit import DEPENDENCIES, UNSET, Unset, given_fields
from atrium.platform.instants import Checked
from atrium.platform.tenancy.service import member_ids


class ActivityIn(Checked, forbid_unknown_fields=True, omit_defaults=True):
    kind: str | Unset = UNSET
    title: str | Unset = UNSET
    notes: str | Unset = UNSET
    contact_id: uuid.UUID | None | Unset = UNSET
    company_id: uuid.UUID | None | Unset = UNSET
    deal_id: uuid.UUID | None | Unset = UNSET
    assignee_id: uuid.UUID | Unset = UNSET
    due_at: datetime | None | Unset = UNSET
    remind_at: datetime | None | Unset = UNSET
    done: bool | Unset = UNSET


class ActivityOut(msgspec.Struct):
    id: uuid.UUID
    kind: str
    title: str
    notes: str
    contact_id: uuid.UUID | None
    company_id: uuid.UUID | None
    deal_id: uuid.UUID | None
    assignee_id: uuid.UUID | None
    due_at: datetime | None
    remind_at: datetime | None
    done: bool
    done_at: datetime | None
    overdue: bool
    created_at: datetime
    updated_at: datetime


class ActivityList(msgspec.Struct):
    items: list[ActivityOut]
    next_cursor: str | None


def _out(activity: Activity) -> ActivityOut:
    overdue = (
        activity.done_at is None
        and activity.due_at is not None
        and activity.due_at < datetime.now(activity.due_at.tzinfo)
    )
    return ActivityOut(
        id=activity.id,
        kind=activity.kind,
        title=activity.title,
        notes=activity.notes,
        contact_id=activity.contact_id,
        company_id=activity.company_id,
        deal_id=activity.deal_id,
        assignee_id=activity.assignee_id,
        due_at=activity.due_at,
        remind_at=activity.remind_at,
        done=activity.done_at is not None,
        done_at=activity.done_at,
        overdue=overdue,
        created_at=activity.created_at,
        updated_at=activity.updated_at,
    )


class ActivityController(Controller):
    path = "/activities"
    tags = ["Activities"]
    dependencies = DEPENDENCIES

    @get("/", guards=[requires("crm.read")], summary="assignee=me&due=today: my tasks today")
    async def list_activities(
        self,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        assignee: FromQuery[str | None] = None,
        due: FromQuery[str | None] = None,
        done: FromQuery[bool | None] = None,
        kind: FromQuery[str | None] = None,
        contact_id: FromQuery[uuid.UUID | None] = None,
        deal_id: FromQuery[uuid.UUID | None] = None,
        cursor: FromQuery[str | None] = None,
        limit: FromQuery[int] = 25,
    ) -> ActivityList:
        page = await activities.list_activities(
            session,
            principal,
            assignee=assignee,
            due=due,
            done=done,
            kind=kind,
            contact_id=contact_id,
            deal_id=deal_id,
            cursor=cursor,
            limit=limit,
        )
        return ActivityList(items=[_out(a) for a in page.items], next_cursor=page.next_cursor)

    @post("/", guards=[requires("crm.write")])
    async def create_activity(
        self,
        request: Request,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        data: JSONBody[ActivityIn],
    ) -> ActivityOut:
        members = await member_ids(database(request), principal.workspace.id)
        activity = await activities.create_activity(session, principal, given_fields(data), members)
        return _out(activity)

    @get("/{activity_id:uuid}", guards=[requires("crm.read")])
    async def show_activity(
        self,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        activity_id: FromPath[uuid.UUID],
    ) -> ActivityOut:
        return _out(await activities.get_activity(session, principal, activity_id))

    @patch("/{activity_id:uuid}", guards=[requires("crm.write")])
    async def change_activity(
        self,
        request: Request,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        activity_id: FromPath[uuid.UUID],
        data: JSONBody[ActivityIn],
    ) -> ActivityOut:
        members = await member_ids(database(request), principal.workspace.id)
        activity = await activities.update_activity(
            session, principal, activity_id, given_fields(data), members
        )
        return _out(activity)

    @delete("/{activity_id:uuid}", guards=[requires("crm.write")], status_code=204)
    async def delete_activity(
        self,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        activity_id: FromPath[uuid.UUID],
    ) -> None:
        await activities.delete_activity(session, principal, activity_id)


routes = [ActivityController]
