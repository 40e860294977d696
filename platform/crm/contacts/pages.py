"""Contact pages: the list (search, filters, bulk actions), the customer card with its timeline,
create and edit forms with messages next to the fields, and the duplicate warning with merge."""

import uuid
from collections.abc import Collection
from datetime import date
from typing import Any

from litestar import Request, get, post
from litestar.datastructures import FormMultiDict
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.accounts import EMAIL_LIMIT
from atrium.platform.auth.principal import Principal
from atrium.platform.crm.contacts import cards, service
from atrium.platform.crm.contacts.consent import MARKETING_CHANNELS
from atrium.platform.crm.contacts.merge import merge_contacts
from atrium.platform.crm.contacts.models import GENDERS
from atrium.platform.crm.custom_fields.service import list_fields
from atrium.platform.crm.records.lists import (
    BulkRecords,
    BulkWords,
    bulk_action,
    list_context,
    list_filters,
)
from atrium.platform.crm.records.normalize import (
    CUSTOM_TEXT_LIMIT,
    PHONE_INPUT_LIMIT,
    TAGS_INPUT_LIMIT,
)
from atrium.platform.errors import Conflict, DomainError, Invalid
from atrium.platform.forms import Field, FormFields, gettext
from atrium.platform.http.auth import database
from atrium.platform.pages.kit import WorkspacePage, record_id, transaction

LIMITS = service.TEXT_LIMITS

CONTACT_FORM = FormFields(
    first_name=Field(gettext("First name"), LIMITS["first_name"]),
    last_name=Field(gettext("Last name"), LIMITS["last_name"]),
    middle_name=Field(gettext("Middle name"), LIMITS["middle_name"]),
    birthday=Field(gettext("Birthday")),
    phone=Field(gettext("Phone"), PHONE_INPUT_LIMIT),
    email=Field(gettext("E-mail"), EMAIL_LIMIT),
    source=Field(gettext("Where they came from"), LIMITS["source"]),
    address=Field(gettext("Address"), LIMITS["address"]),
    tags=Field(gettext("Tags"), TAGS_INPUT_LIMIT),
    notes=Field(gettext("Notes"), LIMITS["notes"]),
)


@get("/w/{slug:str}/contacts")
async def contacts_list(request: Request, page: NamedDependency[WorkspacePage]) -> Template:
    filters = list_filters(page)
    query = request.query_params
    result = None
    try:
        result = await cards.list_contacts(
            database(request),
            page.principal,
            q=filters.q or None,
            tag=filters.tag or None,
            owner_id=filters.owner_id,
            sort=query.get("sort", "-created_at"),
            cursor=query.get("cursor") or None,
            limit=25,
        )
    except DomainError as error:
        filters.errors[error.field or "q"] = page.error_text(error)
    return page.render(
        "contacts/list.html",
        section="contacts",
        contacts=result.items if result else [],
        next_cursor=result.next_cursor if result else None,
        **await list_context(page, filters, sort=query.get("sort", "")),
    )


async def _tags_of(session: AsyncSession, principal: Principal, contact_id: uuid.UUID) -> list[str]:
    return (await cards.contact_card(session, principal, contact_id)).tags


async def _change(
    session: AsyncSession,
    principal: Principal,
    contact_id: uuid.UUID,
    values: dict,
    members: Collection[uuid.UUID],
) -> None:
    data = service.ContactInput(**values, given=set(values))
    await service.update_contact(session, principal, contact_id, data, members=members)


CONTACTS = BulkRecords(
    kind="contacts", tags_of=_tags_of, change=_change, delete=service.delete_contact
)


@post("/w/{slug:str}/contacts/bulk")
async def contacts_bulk(
    request: Request, page: NamedDependency[WorkspacePage]
) -> Template | Redirect:
    words = BulkWords(
        choose=page._("Choose contacts and an action."),
        question=lambda num: page.ngettext(
            "Delete %(num)d contact and its history?",
            "Delete %(num)d contacts and their history?",
            num,
        ),
        changed=lambda num: page.ngettext(
            "%(num)d contact changed.", "%(num)d contacts changed.", num
        ),
    )
    return await bulk_action(page, CONTACTS, words)


def _contact_input(form: FormMultiDict, fields: list) -> service.ContactInput:
    """The form as the service takes it; custom fields converted by their type."""
    phones = [(number, "mobile") for number in form.getall("phone", []) if number.strip()]
    emails = [(address, "work") for address in form.getall("email", []) if address.strip()]
    birthday = None
    if raw := form.get("birthday", "").strip():
        try:
            birthday = date.fromisoformat(raw)
        except ValueError:
            raise Invalid("Enter the date as YYYY-MM-DD.", field="birthday") from None
    custom: dict[str, Any] = {}
    for definition in fields:
        raw = form.get(f"custom.{definition.key}", "").strip()
        if definition.field_type == "boolean":
            custom[definition.key] = bool(raw)
        elif not raw:
            custom[definition.key] = None
        elif definition.field_type == "number":
            try:
                custom[definition.key] = float(raw.replace(",", ".").replace(" ", ""))
            except ValueError:
                raise Invalid(
                    "%(label)s must be a number.",
                    field=f"custom.{definition.key}",
                    label=definition.label,
                ) from None
        else:
            custom[definition.key] = raw
    tags = [tag.strip() for tag in form.get("tags", "").split(",") if tag.strip()]
    data = service.ContactInput(
        first_name=form.get("first_name", ""),
        middle_name=form.get("middle_name", ""),
        last_name=form.get("last_name", ""),
        phones=phones,
        emails=emails,
        birthday=birthday,
        gender=form.get("gender") or "unknown",
        address=form.get("address", ""),
        source=form.get("source", ""),
        marketing_consent=form.get("marketing_consent") == "on",
        marketing_opt_outs=[
            channel
            for channel in MARKETING_CHANNELS
            if channel not in form.getall("marketing_channel", [])
        ],
        notes=form.get("notes", ""),
        tags=tags,
        custom=custom,
    )
    data.given = {"birthday", "phones", "emails", "tags", "custom", "marketing_opt_outs"}
    return data


def _form_values(form: FormMultiDict | None, card=None) -> dict:
    if form is not None:
        values = {key: form.get(key, "") for key in form}
        values["phones"] = [number for number in form.getall("phone", []) if number.strip()]
        values["emails"] = [address for address in form.getall("email", []) if address.strip()]
        chosen = form.getall("marketing_channel", [])
        values["opt_outs"] = [channel for channel in MARKETING_CHANNELS if channel not in chosen]
        return values
    if card is None:
        return {"phones": [], "emails": [], "gender": "unknown"}
    contact = card.contact
    values = {
        name: getattr(contact, name) or ""
        for name in ("first_name", "middle_name", "last_name", "address", "source", "notes")
    }
    values |= {
        "gender": contact.gender,
        "birthday": contact.birthday.isoformat() if contact.birthday else "",
        "marketing_consent": "on" if contact.marketing_consent else "",
        "phones": [phone.number for phone in card.phones],
        "emails": [email.address for email in card.emails],
        "tags": ", ".join(card.tags),
        "opt_outs": list(contact.marketing_opt_outs or []),
    }
    for key, value in (contact.custom or {}).items():
        values[f"custom.{key}"] = "on" if value is True else ("" if value is None else value)
    return values


def contact_form(custom_fields) -> FormFields:
    """The contact form's fields with the workspace's own (their labels are the workspace's)."""
    form = FormFields(CONTACT_FORM)
    for definition in custom_fields:
        limit = CUSTOM_TEXT_LIMIT if definition.field_type == "text" else None
        form[f"custom.{definition.key}"] = Field(definition.label, limit, definition.required)
    return form


async def _form_page(page: WorkspacePage, status_code: int = 200, **context) -> Template:
    async with transaction(page) as s:
        fields = await list_fields(s, "contact")
    return page.render(
        "contacts/form.html",
        status_code,
        section="contacts",
        custom_fields=fields,
        genders=GENDERS,
        form_fields=contact_form(fields),
        **context,
    )


async def _contact_form(page: WorkspacePage) -> FormFields:
    async with transaction(page) as s:
        return contact_form(await list_fields(s, "contact"))


async def _refused(
    page: WorkspacePage, fields: FormFields, form, found: list[DomainError], **context
) -> Template:
    """The form again with every problem of the submit beside its field and the values typed."""
    for error in found:
        error.field = _field_of(error)
    status = max((error.status for error in found), default=422)
    errors = page.form_errors(fields, *found)
    return await _form_page(page, status, values=_form_values(form), errors=errors, **context)


@get("/w/{slug:str}/contacts/new")
async def contact_new(request: Request, page: NamedDependency[WorkspacePage]) -> Template:
    return await _form_page(page, values=_form_values(None), contact=None)


@post("/w/{slug:str}/contacts")
async def contact_create(
    request: Request, page: NamedDependency[WorkspacePage]
) -> Template | Redirect:
    form = await request.form()
    form_fields = await _contact_form(page)
    if problems := form_fields.problems(form):
        return await _refused(page, form_fields, form, problems, contact=None)
    try:
        async with transaction(page) as s:
            fields = await list_fields(s, "contact")
            data = _contact_input(form, fields)
            merge_into = form.get("merge_into")
            card = await service.create_contact(
                s, page.principal, data, force=form.get("force") == "1" or bool(merge_into)
            )
            if merge_into:  # what was typed joins the card that already had the phone/e-mail
                card = await merge_contacts(
                    s, page.principal, record_id(merge_into), card.contact.id
                )
    except Conflict as error:
        duplicate = {"id": error.params.get("id"), "name": error.params.get("name")}
        return await _form_page(
            page, 409, values=_form_values(form), contact=None, duplicate=duplicate
        )
    except DomainError as error:
        return await _refused(page, form_fields, form, [error], contact=None)
    return Redirect(f"{page.base}/contacts/{card.contact.id}")


def _field_of(error: DomainError) -> str:
    """The form field an error belongs to: phones[1] is the phone inputs, emails[0] e-mail."""
    name = error.field or "_form"
    for prefix, field_name in (("phones", "phone"), ("emails", "email")):
        if name.startswith(prefix):
            return field_name
    return name


@get("/w/{slug:str}/contacts/{contact_id:str}/edit")
async def contact_edit(
    request: Request, page: NamedDependency[WorkspacePage], contact_id: FromPath[str]
) -> Template:
    ident = record_id(contact_id)
    async with transaction(page) as s:
        try:
            card = await cards.contact_card(s, page.principal, ident)
        except DomainError:
            raise NotFoundException() from None
    return await _form_page(page, values=_form_values(None, card), contact=card.contact)


@post("/w/{slug:str}/contacts/{contact_id:str}")
async def contact_update(
    request: Request, page: NamedDependency[WorkspacePage], contact_id: FromPath[str]
) -> Template | Redirect:
    ident = record_id(contact_id)
    form = await request.form()
    form_fields = await _contact_form(page)
    try:
        async with transaction(page) as s:
            await cards.contact_card(s, page.principal, ident)  # a 404 before the form is read
            form_fields.check(form)
            fields = await list_fields(s, "contact")
            data = _contact_input(form, fields)
            data.given |= {
                "first_name", "middle_name", "last_name", "gender", "address", "source",
                "marketing_consent", "notes",
            }  # fmt: skip
            await service.update_contact(s, page.principal, ident, data)
    except Conflict as error:
        duplicate = {"id": error.params.get("id"), "name": error.params.get("name")}
        return await _form_page(
            page, 409, values=_form_values(form), contact={"id": ident}, duplicate=duplicate
        )
    except DomainError as error:
        if error.status == 404:
            raise NotFoundException() from None
        # The rolled-back card is expired; the form needs only its id.
        return await _refused(page, form_fields, form, [error], contact={"id": ident})
    return Redirect(f"{page.base}/contacts/{ident}")


routes = [
    contacts_list,
    contacts_bulk,
    contact_new,
    contact_create,
    contact_edit,
    contact_update,
]
