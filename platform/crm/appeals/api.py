"""/api/v1/appeals: the register of customer appeals; /api/v1/appeal-subjects: the subjects
offered when one is registered."""

import uuid
from datetime import datetime
from typing import Literal

import msgspec
from litestar import Controller, Request, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.principal import Principal
from atrium.platform.crm.appeals import service as appeals
from atrium.platform.crm.appeals import subjects as appeal_subjects
from atrium.platform.crm.appeals.models import Appeal, AppealSubject
from atrium.platform.errors import Invalid
from atrium.platform.http.auth import database, requires
from atrium.platform.http.kit import DEPENDENCIES, UNSET, Unset, given_fields
from atrium.platform.instants import Checked
from atrium.platform.tenancy.service import member_ids


class AppealIn(Checked, forbid_unknown_fields=True, omit_defaults=True):
    channel: str
    kind: str
    contact_id: uuid.UUID | None = None
    received_at: datetime | None = None
    employee_id: uuid.UUID | None = None
    subject: str | None = None
    summary: str | None = None
    result: str | None = None
    manager_decision: str | None = None
    response_limit_hours: int | None = None


class AppealPatch(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    subject: str | Unset = UNSET
    summary: str | Unset = UNSET
    result: str | Unset = UNSET
    manager_decision: str | Unset = UNSET


class AppealOut(msgspec.Struct):
    id: uuid.UUID
    contact_id: uuid.UUID | None
    received_at: datetime
    employee_id: uuid.UUID | None
    channel: str
    kind: str
    subject: str
    summary: str
    result: str
    manager_decision: str
    respond_by: datetime
    answered_at: datetime | None
    overdue: bool
    flagged_for_manager: bool
    created_at: datetime
    updated_at: datetime


class AppealList(msgspec.Struct):
    items: list[AppealOut]
    next_cursor: str | None


def _out(appeal: Appeal) -> AppealOut:
    return AppealOut(
        id=appeal.id,
        contact_id=appeal.contact_id,
        received_at=appeal.received_at,
        employee_id=appeal.employee_id,
        channel=appeal.channel,
        kind=appeal.kind,
        subject=appeal.subject,
        summary=appeal.summary,
        result=appeal.result,
        manager_decision=appeal.manager_decision,
        respond_by=appeal.respond_by,
        answered_at=appeal.answered_at,
        overdue=appeals.is_overdue(appeal),
        flagged_for_manager=appeals.needs_manager(appeal),
        created_at=appeal.created_at,
        updated_at=appeal.updated_at,
    )


class AppealController(Controller):
    path = "/appeals"
    tags = ["Appeals"]
    dependencies = DEPENDENCIES

    @get(
        "/",
        guards=[requires("crm.read")],
        summary="Appeals, newest first; overdue=true for late ones",
    )
    async def list_appeals(
        self,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        contact_id: FromQuery[uuid.UUID | None] = None,
        kind: FromQuery[str | None] = None,
        channel: FromQuery[str | None] = None,
        subject: FromQuery[str | None] = None,
        overdue: FromQuery[bool | None] = None,
        cursor: FromQuery[str | None] = None,
        limit: FromQuery[int] = 25,
    ) -> AppealList:
        page = await appeals.list_appeals(
            session,
            principal,
            contact_id=contact_id,
            kind=kind,
            channel=channel,
            subject=subject,
            overdue=overdue,
            cursor=cursor,
            limit=limit,
        )
        return AppealList(items=[_out(a) for a in page.items], next_cursor=page.next_cursor)

    @post("/", guards=[requires("crm.write")], summary="Record an appeal")
    async def create_appeal(
        self,
        request: Request,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        data: JSONBody[AppealIn],
    ) -> AppealOut:
        values = msgspec.structs.asdict(data)
        employee = values.get("employee_id")
        if employee is not None:
            if employee not in await member_ids(database(request), principal.workspace.id):
                raise Invalid(
                    "%(id)s is not a member of this workspace.",
                    field="employee_id",
                    id=str(employee),
                )
        return _out(await appeals.create_appeal(session, principal, values))

    @get("/{appeal_id:uuid}", guards=[requires("crm.read")])
    async def show_appeal(
        self,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        appeal_id: FromPath[uuid.UUID],
    ) -> AppealOut:
        return _out(await appeals.get_appeal(session, principal, appeal_id))

    @patch("/{appeal_id:uuid}", guards=[requires("crm.write")])
    async def change_appeal(
        self,
        principal: NamedDependency[Principal],
        session: NamedDependency[AsyncSession],
        appeal_id: FromPath[uuid.UUID],
        data: JSONBody[AppealPatch],
    ) -> AppealOut:
        appeal = await appeals.update_appeal(session, principal, appeal_id, given_fields(data))
        return _out(appeal)


class AppealSubjectIn(msgspec.Struct, forbid_unknown_fields=True):
    name: str


class AppealSubjectPatch(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    name: str | Unset = UNSET
    move: Literal["up", "down"] | Unset = UNSET  # one place in the list


class AppealSubjectOut(msgspec.Struct):
    id: uuid.UUID
    name: str
    position: int


class AppealSubjectList(msgspec.Struct):
    items: list[AppealSubjectOut]


def _subject_out(subject: AppealSubject) -> AppealSubjectOut:
    return AppealSubjectOut(id=subject.id, name=subject.name, position=subject.position)


class AppealSubjectController(Controller):
    path = "/appeal-subjects"
    tags = ["Appeals"]
    dependencies = DEPENDENCIES

    @get("/", guards=[requires("crm.read")], summary="The subjects offered for a new appeal")
    async def list_subjects(self, session: NamedDependency[AsyncSession]) -> AppealSubjectList:
        found = await appeal_subjects.list_subjects(session)
        return AppealSubjectList(items=[_subject_out(subject) for subject in found])

    @post("/", guards=[requires("crm.settings")], summary="Add a subject at the end")
    async def add_subject(
        self, session: NamedDependency[AsyncSession], data: JSONBody[AppealSubjectIn]
    ) -> AppealSubjectOut:
        return _subject_out(await appeal_subjects.add_subject(session, data.name))

    @patch(
        "/{subject_id:uuid}",
        guards=[requires("crm.settings")],
        summary="Rename a subject or move it; appeals keep the subject they were given",
    )
    async def change_subject(
        self,
        session: NamedDependency[AsyncSession],
        subject_id: FromPath[uuid.UUID],
        data: JSONBody[AppealSubjectPatch],
    ) -> AppealSubjectOut:
        if not isinstance(data.name, Unset):
            await appeal_subjects.rename_subject(session, subject_id, data.name)
        if not isinstance(data.move, Unset):
            step = -1 if data.move == "up" else 1
            await appeal_subjects.move_subject(session, subject_id, step)
        return _subject_out(await appeal_subjects.get_subject(session, subject_id))

    @delete("/{subject_id:uuid}", guards=[requires("crm.settings")])
    async def delete_subject(
        self, session: NamedDependency[AsyncSession], subject_id: FromPath[uuid.UUID]
    ) -> None:
        await appeal_subjects.delete_subject(session, subject_id)


routes = [AppealController, AppealSubjectController]
