"""Lead pages: the inbox of incoming requests (filter by status, newest first), a form to add one
by hand, assigning a lead to a member, and converting it into a contact with a deal."""

import uuid
from urllib.parse import urlencode

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from atrium.platform.auth.accounts import EMAIL_LIMIT
from atrium.platform.auth.members import list_members
from atrium.platform.crm.leads import service
from atrium.platform.crm.leads.models import LEAD_SOURCES, LEAD_STATUSES
from atrium.platform.crm.records.normalize import PHONE_INPUT_LIMIT
from atrium.platform.errors import DomainError
from atrium.platform.forms import Field, FormFields, gettext
from atrium.platform.http.auth import database
from atrium.platform.pages.kit import WorkspacePage, record_id, transaction
from atrium.platform.tenancy.service import member_ids

FORM_FIELDS = ("name", "phone", "email", "source", "message")
LEAD_FORM = FormFields(
    name=Field(gettext("Customer's name"), service.TEXT_LIMITS["name"]),
    source=Field(gettext("Where it came from")),
    phone=Field(gettext("Phone"), PHONE_INPUT_LIMIT),
    email=Field(gettext("E-mail"), EMAIL_LIMIT),
    message=Field(gettext("What they asked for"), service.TEXT_LIMITS["message"]),
)


async def _members(page: WorkspacePage) -> list:
    async with database(page.request).shared_reads() as shared:
        return (await list_members(shared, page.principal, limit=200)).items


def _labels(page: WorkspacePage) -> dict:
    _ = page._  # the name the translations check looks for
    return {
        "status_labels": {
            "unsorted": _("Unsorted"),
            "assigned": _("Assigned"),
            "converted": _("Converted"),
            "rejected": _("Rejected"),
        },
        "source_labels": {
            "form": _("Website form"),
            "call": _("Call"),
            "chat": _("Chat"),
            "email": _("E-mail"),
            "manual": _("Added by hand"),
            "other": _("Other source"),
        },
    }


def _inbox_url(page: WorkspacePage, status: str = "") -> str:
    """The inbox with its filter kept."""
    return f"{page.base}/leads" + (f"?{urlencode({'status': status})}" if status else "")


def _status_filter(raw: str | None) -> str:
    return raw if raw in LEAD_STATUSES else ""


async def _inbox(page: WorkspacePage, status_code: int = 200, **context) -> Template:
    query = page.request.query_params
    status = _status_filter(query.get("status"))
    async with transaction(page) as session:
        try:
            result = await service.list_leads(
                session,
                page.principal,
                status=status or None,
                cursor=query.get("cursor") or None,
                limit=25,
            )
        except DomainError:  # a cursor that was tampered with: start from the top
            result = await service.list_leads(
                session, page.principal, status=status or None, limit=25
            )
    members = await _members(page)
    context.setdefault("values", {"source": "manual"})
    return page.render(
        "leads/list.html",
        status_code,
        section="leads",
        form_fields=LEAD_FORM,
        leads=result.items,
        next_cursor=result.next_cursor,
        status=status,
        statuses=LEAD_STATUSES,
        sources=LEAD_SOURCES,
        members=members,
        member_names={member.user_id: member.name or member.email for member in members},
        can_assign=page.principal.can("leads.assign"),
        **_labels(page),
        **context,
    )


@get("/w/{slug:str}/leads")
async def leads_inbox(request: Request, page: NamedDependency[WorkspacePage]) -> Template:
    return await _inbox(page, errors={})


@post("/w/{slug:str}/leads")
async def lead_create(
    request: Request, page: NamedDependency[WorkspacePage]
) -> Template | Redirect:
    form = await request.form()
    values = {name: form.get(name, "") for name in FORM_FIELDS}
    if errors := page.form_problems(LEAD_FORM, values):
        return await _inbox(page, 422, errors=errors, values=values)
    try:
        async with transaction(page) as session:
            lead = await service.create_lead(session, page.principal, values)
            unassigned = lead.assignee_id is None
    except DomainError as error:
        errors = page.form_errors(LEAD_FORM, error)
        return await _inbox(page, error.status, errors=errors, values=values)
    if unassigned and not page.principal.can("leads.assign"):
        # Members see only the leads assigned to them: say where this one went.
        notice = page._("The lead is added to the inbox; a manager will assign it.")
    else:
        notice = page._("The lead is added.")
    return page.redirect(_inbox_url(page), notice=notice)


@post("/w/{slug:str}/leads/{lead_id:str}/assign")
async def lead_assign(
    request: Request, page: NamedDependency[WorkspacePage], lead_id: FromPath[str]
) -> Redirect:
    ident = record_id(lead_id)
    form = await request.form()
    status = _status_filter(form.get("status"))
    try:
        assignee = uuid.UUID(form.get("assignee_id", ""))
    except ValueError:
        error = page._("Choose whom to assign the lead to.")
        return page.redirect(_inbox_url(page, status), error=error)
    members = await member_ids(database(request), page.principal.workspace.id)
    try:
        async with transaction(page) as session:
            lead = await service.assign_lead(session, page.principal, ident, assignee, members)
            title = lead.name or lead.phone or lead.email
    except DomainError as error:
        if error.status == 404:
            raise NotFoundException() from None
        return page.redirect(_inbox_url(page, status), error=page.error_text(error))
    names = {member.user_id: member.name or member.email for member in await _members(page)}
    notice = page._("“%(lead)s” is assigned to %(name)s.", lead=title, name=names.get(assignee, ""))
    return page.redirect(_inbox_url(page, status), notice=notice)


@post("/w/{slug:str}/leads/{lead_id:str}/convert")
async def lead_convert(
    request: Request, page: NamedDependency[WorkspacePage], lead_id: FromPath[str]
) -> Redirect:
    """The lead becomes a contact (an existing one with its phone or e-mail) and a deal; the
    contact's card is where work on it goes on."""
    ident = record_id(lead_id)
    form = await request.form()
    members = await member_ids(database(request), page.principal.workspace.id)
    try:
        async with transaction(page) as session:
            lead = await service.convert_lead(session, page.principal, ident, members=members)
            contact_id = lead.contact_id
    except DomainError as error:
        if error.status == 404:
            raise NotFoundException() from None
        status = _status_filter(form.get("status"))
        return page.redirect(_inbox_url(page, status), error=page.error_text(error))
    return page.redirect(
        f"{page.base}/contacts/{contact_id}",
        notice=page._("The lead is converted: here is its contact, with a new deal."),
    )


routes = [leads_inbox, lead_create, lead_assign, lead_convert]
