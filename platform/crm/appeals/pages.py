"""Appeal pages: the register of customer appeals (filters by kind and channel, open complaints
only), the form to register one, and an appeal's page where its answer and a manager's decision
are recorded. Late complaints are flagged in words, not by colour alone."""

import uuid
from datetime import datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from atrium.platform.auth.members import list_members
from atrium.platform.crm.appeals import service
from atrium.platform.crm.appeals import subjects as appeal_subjects
from atrium.platform.crm.appeals.models import APPEAL_CHANNELS, APPEAL_KINDS, Appeal
from atrium.platform.crm.contacts.cards import contact_card
from atrium.platform.crm.search.picker import SeveralMatch, picked
from atrium.platform.errors import DomainError, Invalid
from atrium.platform.forms import Field, FormFields, gettext
from atrium.platform.http.auth import database
from atrium.platform.instants import check
from atrium.platform.pages.kit import WorkspacePage, record_id, transaction

FORM_FIELDS = ("contact_id", "channel", "kind", "received_at", "subject", "summary", "result")
LIMITS = service.TEXT_LIMITS
APPEAL_FORM = FormFields(
    kind=Field(gettext("Kind"), required=True),
    channel=Field(gettext("Channel"), required=True),
    contact_id=Field(gettext("Contact")),
    received_at=Field(gettext("Received")),
    subject=Field(gettext("Subject"), LIMITS["subject"]),
    summary=Field(gettext("Summary"), LIMITS["summary"]),
    result=Field(gettext("Result"), LIMITS["result"]),
    manager_decision=Field(gettext("Manager's decision"), LIMITS["manager_decision"]),
)


async def _member_names(page: WorkspacePage) -> dict:
    async with database(page.request).shared_reads() as shared:
        members = (await list_members(shared, page.principal, limit=200)).items
    return {member.user_id: member.name or member.email for member in members}


def _labels(page: WorkspacePage) -> dict:
    _ = page._  # the name the translations check looks for
    return {
        "channel_labels": {
            "phone": _("Phone call"),
            "email": _("E-mail"),
            "social": _("Social network"),
            "messenger": _("Messenger"),
            "website": _("Website"),
            "visit": _("Visit"),
        },
        "kind_labels": {
            "inquiry": _("Question"),
            "complaint": _("Complaint"),
            "proposal": _("Suggestion"),
            "order": _("Order"),
            "other": _("Other kind"),
        },
    }


def flags(page: WorkspacePage, appeal: Appeal) -> list[str]:
    """What needs attention, in words: a late answer, a complaint waiting for the manager."""
    found = []
    if service.is_overdue(appeal):
        found.append(page._("overdue"))
    if service.needs_manager(appeal) and not appeal.manager_decision:
        found.append(page._("needs a manager's decision"))
    if appeal.answered_at and appeal.answered_at > appeal.respond_by:
        found.append(page._("answered late"))
    return found


def _filters(page: WorkspacePage) -> dict[str, str]:
    query = page.request.query_params
    return {
        "kind": query.get("kind") if query.get("kind") in APPEAL_KINDS else "",
        "channel": query.get("channel") if query.get("channel") in APPEAL_CHANNELS else "",
        "subject": " ".join(query.get("subject", "").split())[: appeal_subjects.NAME_LIMIT],
        "open": "1" if query.get("open") else "",
    }


async def _register(page: WorkspacePage, status_code: int = 200, **context) -> Template:
    chosen = _filters(page)
    # "Open complaints": complaints still without an answer.
    wanted = {
        "kind": "complaint" if chosen["open"] else chosen["kind"] or None,
        "channel": chosen["channel"] or None,
        "subject": chosen["subject"] or None,
        "answered": False if chosen["open"] else None,
    }
    async with transaction(page) as session:
        subjects = [subject.name for subject in await appeal_subjects.list_subjects(session)]
        try:
            result = await service.list_appeals(
                session,
                page.principal,
                cursor=page.request.query_params.get("cursor") or None,
                limit=25,
                **wanted,
            )
        except DomainError:  # a cursor that was tampered with: start from the top
            result = await service.list_appeals(session, page.principal, limit=25, **wanted)
    contact_id = page.request.query_params.get("contact_id", "")
    values = context.setdefault(
        "values", {"channel": "phone", "kind": "inquiry", "contact_id": contact_id}
    )
    if values.get("contact_id") and not values.get("contact_id_text"):
        # A contact named by the link (the contact card's "register an appeal"): by name.
        async with transaction(page) as session:
            try:
                card = await contact_card(session, page.principal, uuid.UUID(values["contact_id"]))
                values["contact_id_text"] = card.contact.display_name
            except (DomainError, ValueError):
                values["contact_id"] = ""
    return page.render(
        "appeals/list.html",
        status_code,
        section="appeals",
        form_fields=APPEAL_FORM,
        appeals=result.items,
        flags={appeal.id: flags(page, appeal) for appeal in result.items},
        next_cursor=result.next_cursor,
        filters=chosen,
        filter_query=urlencode({key: value for key, value in chosen.items() if value}),
        filtered=any(chosen.values()),
        channels=APPEAL_CHANNELS,
        kinds=APPEAL_KINDS,
        subjects=subjects,
        can_edit_subjects=page.principal.can("crm.settings"),
        member_names=await _member_names(page),
        **_labels(page),
        **context,
    )


@get("/w/{slug:str}/appeals")
async def appeals_register(request: Request, page: NamedDependency[WorkspacePage]) -> Template:
    return await _register(page, errors={})


def _received_at(page: WorkspacePage, raw: str) -> datetime | None:
    """The time typed, in the workspace's zone; empty is now. ValueError when it is no time."""
    if not raw.strip():
        return None
    typed = datetime.fromisoformat(raw.strip())
    typed = typed.replace(tzinfo=ZoneInfo(page.timezone)) if typed.tzinfo is None else typed
    return check(typed, "received_at")


@post("/w/{slug:str}/appeals")
async def appeal_create(
    request: Request, page: NamedDependency[WorkspacePage]
) -> Template | Redirect:
    form = await request.form()
    values = {name: form.get(name, "") for name in (*FORM_FIELDS, "contact_id_text")}
    errors = page.form_problems(APPEAL_FORM, values)
    try:
        received_at = _received_at(page, values["received_at"])
    except ValueError:
        errors["received_at"] = page._("Enter the date and time, such as 2026-03-05 10:30.")
    except Invalid as error:
        errors |= page.form_errors(APPEAL_FORM, error)
    if errors:
        return await _register(page, 422, errors=errors, values=values)
    try:
        data = {
            "contact_id": await picked(page, form, "contact_id", "contacts"),
            "channel": values["channel"],
            "kind": values["kind"],
            "received_at": received_at,
            "subject": values["subject"],
            "summary": values["summary"],
            "result": values["result"],
        }
        async with transaction(page) as session:
            await service.create_appeal(session, page.principal, data)
    except DomainError as error:
        errors = page.form_errors(APPEAL_FORM, error)
        choices = error.choices if isinstance(error, SeveralMatch) else None
        return await _register(
            page, error.status, errors=errors, values=values, client_choices=choices
        )
    return page.redirect(f"{page.base}/appeals", notice=page._("The appeal is registered."))


async def _appeal_page(page: WorkspacePage, ident: uuid.UUID, status_code: int = 200, **context):
    async with transaction(page) as session:
        try:
            appeal = await service.get_appeal(session, page.principal, ident)
        except DomainError:
            raise NotFoundException() from None
        contact = None
        if appeal.contact_id:
            try:
                contact = (await contact_card(session, page.principal, appeal.contact_id)).contact
            except DomainError:  # a contact the member may not see stays unnamed
                contact = None
    context.setdefault("errors", {})
    context.setdefault("values", {})
    return page.render(
        "appeals/card.html",
        status_code,
        section="appeals",
        form_fields=APPEAL_FORM,
        appeal=appeal,
        flags=flags(page, appeal),
        contact=contact,
        member_names=await _member_names(page),
        can_decide=page.principal.can("appeals.decide"),
        **_labels(page),
        **context,
    )


@get("/w/{slug:str}/appeals/{appeal_id:str}")
async def appeal_page(
    request: Request, page: NamedDependency[WorkspacePage], appeal_id: FromPath[str]
) -> Template:
    return await _appeal_page(page, record_id(appeal_id))


async def _record(page: WorkspacePage, appeal_id: str, field: str, empty: str, done: str):
    """Save one text of the appeal (its answer, or the manager's decision) from its form."""
    ident = record_id(appeal_id)
    form = await page.request.form()
    text = form.get(field, "")
    if not text.strip():
        return await _appeal_page(page, ident, 422, errors={field: empty}, values={field: text})
    if errors := page.form_problems(FormFields({field: APPEAL_FORM[field]}), form):
        return await _appeal_page(page, ident, 422, errors=errors, values={field: text})
    try:
        async with transaction(page) as session:
            await service.update_appeal(session, page.principal, ident, {field: text})
    except DomainError as error:
        if error.status == 404:
            raise NotFoundException() from None
        error.field = field  # the form has this one text: the refusal goes beside it
        errors = page.form_errors(APPEAL_FORM, error)
        return await _appeal_page(page, ident, error.status, errors=errors, values={field: text})
    return page.redirect(f"{page.base}/appeals/{ident}", notice=done)


@post("/w/{slug:str}/appeals/{appeal_id:str}/result")
async def appeal_result(
    request: Request, page: NamedDependency[WorkspacePage], appeal_id: FromPath[str]
) -> Template | Redirect:
    return await _record(
        page,
        appeal_id,
        "result",
        page._("Write what the customer was answered."),
        page._("The answer is recorded."),
    )


@post("/w/{slug:str}/appeals/{appeal_id:str}/decision")
async def appeal_decision(
    request: Request, page: NamedDependency[WorkspacePage], appeal_id: FromPath[str]
) -> Template | Redirect:
    """Only a manager (appeals.decide) may; the service refuses anyone else with a 403."""
    return await _record(
        page,
        appeal_id,
        "manager_decision",
        page._("Write the decision."),
        page._("The manager's decision is recorded."),
    )


routes = [appeals_register, appeal_create, appeal_page, appeal_result, appeal_decision]
