"""Who works where, from either card: on a contact's card choose, change or remove their
company; on a company's card add an existing contact or remove one. Only records the member may
see; another's (or another workspace's) is a 404."""

from litestar import Request, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from atrium.platform.crm.companies.pages import company_card_page
from atrium.platform.crm.companies.people import link_person, unlink_person
from atrium.platform.crm.contacts.card_pages import contact_card_page
from atrium.platform.crm.search.picker import SeveralMatch, picked
from atrium.platform.errors import DomainError, Invalid
from atrium.platform.pages.kit import WorkspacePage, record_id, transaction


async def _change(page: WorkspacePage, change, **ids) -> None:
    """Run the change; a record that is gone or not the member's is a 404."""
    try:
        async with transaction(page) as s:
            await change(s, page.principal, **ids)
    except DomainError as error:
        if error.status == 404:
            raise NotFoundException() from None
        raise


def _refused(page: WorkspacePage, error: DomainError, form, name: str) -> dict:
    """What the card shows beside the form that was refused: the message, the typed values."""
    values = {key: form.get(key, "") for key in (name, f"{name}_text", "role")}
    return {
        "errors": {error.field or "_form": page.error_text(error)},
        "values": values,
        "link_choices": error.choices if isinstance(error, SeveralMatch) else None,
    }


@post("/w/{slug:str}/contacts/{contact_id:str}/companies")
async def contact_company_add(
    request: Request, page: NamedDependency[WorkspacePage], contact_id: FromPath[str]
) -> Template | Redirect:
    ident = record_id(contact_id)
    form = await request.form()
    try:
        company_id = await picked(page, form, "company_id", "companies")
        if company_id is None:
            raise Invalid("Type the company's name.", field="company_id")
    except DomainError as error:
        refused = _refused(page, error, form, "company_id")
        return await contact_card_page(page, ident, error.status, **refused)
    await _change(
        page, link_person, contact_id=ident, company_id=company_id, role=form.get("role", "")
    )
    return page.redirect(f"{page.base}/contacts/{ident}", notice=page._("The company is saved."))


@post("/w/{slug:str}/contacts/{contact_id:str}/companies/{company_id:str}/remove")
async def contact_company_remove(
    request: Request,
    page: NamedDependency[WorkspacePage],
    contact_id: FromPath[str],
    company_id: FromPath[str],
) -> Redirect:
    ident = record_id(contact_id)
    await _change(page, unlink_person, contact_id=ident, company_id=record_id(company_id))
    return page.redirect(f"{page.base}/contacts/{ident}", notice=page._("The link is removed."))


@post("/w/{slug:str}/companies/{company_id:str}/people")
async def company_person_add(
    request: Request, page: NamedDependency[WorkspacePage], company_id: FromPath[str]
) -> Template | Redirect:
    ident = record_id(company_id)
    form = await request.form()
    try:
        contact_id = await picked(page, form, "contact_id", "contacts")
        if contact_id is None:
            raise Invalid("Type the contact's name, phone or e-mail.", field="contact_id")
    except DomainError as error:
        refused = _refused(page, error, form, "contact_id")
        return await company_card_page(page, ident, error.status, **refused)
    await _change(
        page, link_person, contact_id=contact_id, company_id=ident, role=form.get("role", "")
    )
    return page.redirect(f"{page.base}/companies/{ident}", notice=page._("The contact is added."))


@post("/w/{slug:str}/companies/{company_id:str}/people/{contact_id:str}/remove")
async def company_person_remove(
    request: Request,
    page: NamedDependency[WorkspacePage],
    company_id: FromPath[str],
    contact_id: FromPath[str],
) -> Redirect:
    ident = record_id(company_id)
    await _change(page, unlink_person, contact_id=record_id(contact_id), company_id=ident)
    return page.redirect(f"{page.base}/companies/{ident}", notice=page._("The link is removed."))


routes = [contact_company_add, contact_company_remove, company_person_add, company_person_remove]
