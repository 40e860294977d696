"""A contact's card: its details, timeline and notes, deleting it, merging a duplicate into it."""

import uuid

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from atrium.platform.crm.companies import service as companies
from atrium.platform.crm.contacts import cards, service
from atrium.platform.crm.contacts.merge import merge_contacts
from atrium.platform.crm.contacts.timeline import contact_timeline
from atrium.platform.crm.custom_fields.service import list_fields
from atrium.platform.crm.notes.service import MAX_NOTE, add_note
from atrium.platform.crm.records.lists import (
    workspace_members,
)
from atrium.platform.errors import DomainError
from atrium.platform.http.auth import database
from atrium.platform.pages.kit import WorkspacePage, record_id, transaction


@get("/w/{slug:str}/contacts/{contact_id:str}")
async def contact_page(
    request: Request, page: NamedDependency[WorkspacePage], contact_id: FromPath[str]
) -> Template:
    return await contact_card_page(page, record_id(contact_id))


async def contact_card_page(
    page: WorkspacePage, ident: uuid.UUID, status_code: int = 200, **context
) -> Template:
    """The contact's card; a form on it that was refused (a note, a company link) comes back
    with ``context``: its message beside the field and the text as typed."""
    request = page.request
    async with transaction(page) as s:
        try:
            card = await cards.contact_card(s, page.principal, ident)
        except DomainError:
            raise NotFoundException() from None
        timeline = await contact_timeline(s, page.principal, ident, limit=50)
        company_names = await companies.company_names(
            s, page.principal, [company_id for company_id, _ in card.companies]
        )
        fields = await list_fields(s, "contact")
    members = {member.user_id: member for member in await workspace_members(page)}
    merge_q = request.query_params.get("merge_q", "").strip()
    context.setdefault("errors", {})
    return page.render(
        "contacts/card.html",
        status_code,
        merge_q=merge_q,
        merge_candidates=await _merge_candidates(page, ident, merge_q) if merge_q else None,
        section="contacts",
        card=card,
        contact=card.contact,
        timeline=timeline.items,
        custom_fields=fields,
        members=members,
        owner=members.get(card.contact.owner_id),
        company_names=company_names,
        note_limit=MAX_NOTE,
        **({"errors": {}, "values": {}} | context),
    )


@post("/w/{slug:str}/contacts/{contact_id:str}/delete")
async def contact_delete(
    request: Request, page: NamedDependency[WorkspacePage], contact_id: FromPath[str]
) -> Redirect:
    async with transaction(page) as s:
        try:
            await service.delete_contact(s, page.principal, record_id(contact_id))
        except DomainError as error:
            if error.status == 404:
                raise NotFoundException() from None
            raise
    return page.redirect(f"{page.base}/contacts", notice=page._("The contact is deleted."))


@post("/w/{slug:str}/contacts/{contact_id:str}/notes")
async def contact_note(
    request: Request, page: NamedDependency[WorkspacePage], contact_id: FromPath[str]
) -> Template | Redirect:
    ident = record_id(contact_id)
    form = await request.form()
    try:
        async with transaction(page) as s:
            await add_note(s, page.principal, ident, form.get("body", ""))
    except DomainError as error:
        if error.status == 404:
            raise NotFoundException() from None
        errors = {"body": page.error_text(error)}
        values = {"body": form.get("body", "")}
        return await contact_card_page(page, ident, error.status, errors=errors, values=values)
    return Redirect(f"{page.base}/contacts/{ident}#timeline")


async def _merge_candidates(page: WorkspacePage, ident: uuid.UUID, q: str) -> list:
    """Cards matching the search on a card's merge panel, the card itself left out."""
    try:
        found = await cards.list_contacts(
            database(page.request), page.principal, q=q[:200], limit=10
        )
    except DomainError:
        return []
    return [card for card in found.items if card.contact.id != ident]


@get("/w/{slug:str}/contacts/{contact_id:str}/merge")
async def contact_merge_confirm(
    request: Request, page: NamedDependency[WorkspacePage], contact_id: FromPath[str]
) -> Template:
    """Asked once before a merge (no script needed): what stays, what goes, and a button."""
    survivor = record_id(contact_id)
    duplicate = record_id(request.query_params.get("duplicate_id", ""))
    async with transaction(page) as s:
        try:
            keep = await cards.contact_card(s, page.principal, survivor)
            gone = await cards.contact_card(s, page.principal, duplicate)
        except DomainError:
            raise NotFoundException() from None
    return page.render("contacts/merge.html", section="contacts", keep=keep, gone=gone)


@post("/w/{slug:str}/contacts/{contact_id:str}/merge")
async def contact_merge(
    request: Request, page: NamedDependency[WorkspacePage], contact_id: FromPath[str]
) -> Redirect:
    """Merge the duplicate named in the form into this contact (this one stays)."""
    survivor = record_id(contact_id)
    form = await request.form()
    duplicate = record_id(form.get("duplicate_id", ""))
    try:
        async with transaction(page) as s:
            await merge_contacts(s, page.principal, survivor, duplicate)
    except DomainError as error:
        if error.status == 404:
            raise NotFoundException() from None
        return page.redirect(f"{page.base}/contacts/{survivor}", error=page.error_text(error))
    return page.redirect(
        f"{page.base}/contacts/{survivor}", notice=page._("The contacts are merged.")
    )


routes = [contact_page, contact_delete, contact_note, contact_merge_confirm, contact_merge]
