"""Settings → Custom fields: the workspace's own fields on contacts, companies and deals."""

import re
import secrets

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from text_unidecode import unidecode

from atrium.platform.crm.custom_fields import service as custom_fields
from atrium.platform.errors import DomainError
from atrium.platform.forms import Field, FormFields, gettext
from atrium.platform.pages.kit import WorkspacePage, not_found_or, record_id, refusal, transaction

CUSTOM_FIELD_FORM = FormFields(
    label=Field(gettext("Label"), custom_fields.LABEL_LIMIT, required=True),
    key=Field(gettext("Key"), custom_fields.KEY_LIMIT),
    object_type=Field(gettext("Used for")),
    field_type=Field(gettext("Type")),
    # one choice a line, each as long as a label
    choices=Field(gettext("Choices"), custom_fields.MAX_CHOICES * (custom_fields.LABEL_LIMIT + 1)),
)


def key_from_label(label: str) -> str:
    """A field's key made from its label: "Любимый мастер" -> "liubimyi_master"."""
    words = re.sub(r"[^a-z0-9]+", "_", unidecode(label).lower()).strip("_")
    if words and not words[0].isalpha():
        words = f"field_{words}"
    return words[:60].rstrip("_") or f"field_{secrets.token_hex(3)}"


async def _fields_page(page: WorkspacePage, status_code: int = 200, **context) -> Template:
    async with transaction(page) as session:
        found = await custom_fields.list_fields(session, None)
    context.setdefault("values", {"object_type": "contact", "field_type": "text"})
    return page.render(
        "settings/fields.html",
        status_code,
        section="settings",
        form_fields=CUSTOM_FIELD_FORM,
        fields=found,
        object_types=custom_fields.OBJECT_TYPES,
        field_types=custom_fields.FIELD_TYPES,
        object_labels={"contact": page._("Contacts"), "company": page._("Companies")},
        type_labels={
            "text": page._("Text"),
            "number": page._("Number"),
            "date": page._("Date"),
            "choice": page._("Choice from a list"),
            "boolean": page._("Yes or no"),
        },
        **context,
    )


@get("/w/{slug:str}/settings/fields")
async def fields_page(request: Request, page: NamedDependency[WorkspacePage]) -> Template:
    return refusal(page, "crm.settings") or await _fields_page(page)


@post("/w/{slug:str}/settings/fields")
async def field_create(
    request: Request, page: NamedDependency[WorkspacePage]
) -> Template | Redirect:
    if refused := refusal(page, "crm.settings"):
        return refused
    form = await request.form()
    values = {key: form.get(key, "") for key in form}
    label = form.get("label", "")
    choices = [line for line in form.get("choices", "").splitlines() if line.strip()]
    try:
        CUSTOM_FIELD_FORM.check(form)
        async with transaction(page) as session:
            created = await custom_fields.create_field(
                session,
                object_type=form.get("object_type", ""),
                key=form.get("key", "").strip() or key_from_label(label),
                label=label,
                field_type=form.get("field_type", ""),
                choices=choices,
                required=form.get("required") == "on",
            )
    except DomainError as error:
        errors = page.form_errors(CUSTOM_FIELD_FORM, error)
        return await _fields_page(page, error.status, errors=errors, values=values)
    return page.redirect(
        f"{page.base}/settings/fields",
        notice=page._("The field “%(label)s” is added.") % {"label": created.label},
    )


@post("/w/{slug:str}/settings/fields/{field_id:str}/delete")
async def field_delete(
    request: Request, page: NamedDependency[WorkspacePage], field_id: FromPath[str]
) -> Template | Redirect:
    if refused := refusal(page, "crm.settings"):
        return refused
    try:
        async with transaction(page) as session:
            await custom_fields.delete_field(session, record_id(field_id))
    except DomainError as error:
        raise not_found_or(error) from None
    return page.redirect(f"{page.base}/settings/fields", notice=page._("The field is deleted."))


routes = [fields_page, field_create, field_delete]
