"""Company pages: the list with search, filters and bulk actions, the company card with its
people, create and edit."""

import uuid
from collections.abc import Collection

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.accounts import EMAIL_LIMIT
from atrium.platform.auth.principal import Principal
from atrium.platform.crm.companies import service
from atrium.platform.crm.records.lists import (
    BulkRecords,
    BulkWords,
    bulk_action,
    list_context,
    list_filters,
)
from atrium.platform.crm.records.normalize import PHONE_INPUT_LIMIT, TAGS_INPUT_LIMIT
from atrium.platform.errors import DomainError
from atrium.platform.forms import Field, FormFields, gettext
from atrium.platform.pages.kit import WorkspacePage, record_id, transaction

FIELDS = ("name", "legal_name", "tax_id", "phone", "email", "website", "address", "notes")
LIMITS = service.TEXT_LIMITS
COMPANY_FORM = FormFields(
    name=Field(gettext("Name"), LIMITS["name"], required=True),
    legal_name=Field(gettext("Legal name"), LIMITS["legal_name"]),
    tax_id=Field(gettext("Tax id"), LIMITS["tax_id"]),
    phone=Field(gettext("Phone"), PHONE_INPUT_LIMIT),
    email=Field(gettext("E-mail"), EMAIL_LIMIT),
    website=Field(gettext("Website"), LIMITS["website"]),
    tags=Field(gettext("Tags"), TAGS_INPUT_LIMIT),
    address=Field(gettext("Address"), LIMITS["address"]),
    notes=Field(gettext("Notes"), LIMITS["notes"]),
)


@get("/w/{slug:str}/companies")
async def companies_list(request: Request, page: NamedDependency[WorkspacePage]) -> Template:
    filters = list_filters(page)
    result = None
    try:
        async with transaction(page) as session:
            result = await service.list_companies(
                session,
                page.principal,
                q=filters.q or None,
                tag=filters.tag or None,
                owner_id=filters.owner_id,
                cursor=request.query_params.get("cursor") or None,
                limit=25,
            )
    except DomainError as error:
        filters.errors[error.field or "q"] = page.error_text(error)
    return page.render(
        "companies/list.html",
        section="companies",
        companies=result.items if result else [],
        next_cursor=result.next_cursor if result else None,
        q=filters.q,
        **await list_context(page, filters),
    )


async def _tags_of(session: AsyncSession, principal: Principal, company_id: uuid.UUID) -> list[str]:
    return (await service.company_card(session, principal, company_id)).tags


async def _change(
    session: AsyncSession,
    principal: Principal,
    company_id: uuid.UUID,
    values: dict,
    members: Collection[uuid.UUID],
) -> None:
    await service.update_company(session, principal, company_id, values, members=members)


COMPANIES = BulkRecords(
    kind="companies", tags_of=_tags_of, change=_change, delete=service.delete_company
)


@post("/w/{slug:str}/companies/bulk")
async def companies_bulk(
    request: Request, page: NamedDependency[WorkspacePage]
) -> Template | Redirect:
    words = BulkWords(
        choose=page._("Choose companies and an action."),
        question=lambda num: page.ngettext(
            "Delete %(num)d company?", "Delete %(num)d companies?", num
        ),
        changed=lambda num: page.ngettext(
            "%(num)d company changed.", "%(num)d companies changed.", num
        ),
    )
    return await bulk_action(page, COMPANIES, words)


def _form(page: WorkspacePage, status_code=200, **context) -> Template:
    return page.render(
        "companies/form.html",
        status_code,
        section="companies",
        form_fields=COMPANY_FORM,
        **context,
    )


@get("/w/{slug:str}/companies/new")
async def company_new(request: Request, page: NamedDependency[WorkspacePage]) -> Template:
    return _form(page, values={}, company=None)


def _data(form) -> dict:
    data = {name: form.get(name, "") for name in FIELDS}
    data["tags"] = [tag.strip() for tag in form.get("tags", "").split(",") if tag.strip()]
    return data


@post("/w/{slug:str}/companies")
async def company_create(
    request: Request, page: NamedDependency[WorkspacePage]
) -> Template | Redirect:
    form = await request.form()
    if problems := COMPANY_FORM.problems(form):
        errors = page.form_errors(COMPANY_FORM, *problems)
        return _form(page, 422, values=dict(form), company=None, errors=errors)
    try:
        async with transaction(page) as session:
            card = await service.create_company(session, page.principal, _data(form))
    except DomainError as error:
        errors = page.form_errors(COMPANY_FORM, error)
        return _form(page, error.status, values=dict(form), company=None, errors=errors)
    return Redirect(f"{page.base}/companies/{card.company.id}")


@get("/w/{slug:str}/companies/{company_id:str}")
async def company_page(
    request: Request, page: NamedDependency[WorkspacePage], company_id: FromPath[str]
) -> Template:
    return await company_card_page(page, record_id(company_id))


async def company_card_page(
    page: WorkspacePage, ident: uuid.UUID, status_code: int = 200, **context
) -> Template:
    """The company's card; a form on it that was refused comes back with ``context``."""
    async with transaction(page) as session:
        try:
            card = await service.company_card(session, page.principal, ident)
            people = await service.company_people(session, page.principal, ident)
        except DomainError:
            raise NotFoundException() from None
    return page.render(
        "companies/card.html",
        status_code,
        section="companies",
        card=card,
        company=card.company,
        people=people,
        **({"errors": {}, "values": {}} | context),
    )


@get("/w/{slug:str}/companies/{company_id:str}/edit")
async def company_edit(
    request: Request, page: NamedDependency[WorkspacePage], company_id: FromPath[str]
) -> Template:
    async with transaction(page) as session:
        try:
            card = await service.company_card(session, page.principal, record_id(company_id))
        except DomainError:
            raise NotFoundException() from None
    values = {name: getattr(card.company, name) or "" for name in FIELDS}
    values["tags"] = ", ".join(card.tags)
    return _form(page, values=values, company=card.company)


@post("/w/{slug:str}/companies/{company_id:str}")
async def company_update(
    request: Request, page: NamedDependency[WorkspacePage], company_id: FromPath[str]
) -> Template | Redirect:
    ident = record_id(company_id)
    form = await request.form()
    try:
        async with transaction(page) as session:
            await service.company_card(session, page.principal, ident)  # a 404 first
            COMPANY_FORM.check(form)
            card = await service.update_company(session, page.principal, ident, _data(form))
    except DomainError as error:
        if error.status == 404:
            raise NotFoundException() from None
        errors = page.form_errors(COMPANY_FORM, error)
        return _form(page, error.status, values=dict(form), company={"id": ident}, errors=errors)
    return Redirect(f"{page.base}/companies/{card.company.id}")


routes = [
    companies_list,
    companies_bulk,
    company_new,
    company_create,
    company_page,
    company_edit,
    company_update,
]
