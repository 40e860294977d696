"""Notification templates settings: each message in each language, the workspace's own wording
or the built-in one; the edit form starts from the wording in use, is saved only once it renders,
and can go back to the built-in wording. Reading needs workspace.read, changes
workspace.update, as /api/v1/settings/templates does."""

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from atrium.platform.errors import DomainError
from atrium.platform.notify import templates as service
from atrium.platform.pages.formats import number
from atrium.platform.pages.kit import WorkspacePage, refusal, transaction

PARTS = {"subject": service.SUBJECT_MAX, "text": service.TEXT_MAX, "html": service.HTML_MAX}


def _labels(page: WorkspacePage) -> dict:
    return {
        "kind_labels": {
            "task_reminder": page._("Task reminder"),
            "birthday": page._("Birthday greeting"),
        },
        "language_labels": {"en": "English", "ru": "Русский"},
    }


def _known(kind: str, language: str) -> None:
    """An unknown message or language is a page that does not exist."""
    if kind not in service.KINDS or language not in service.LANGUAGES:
        raise NotFoundException()


@get("/w/{slug:str}/settings/templates")
async def templates_page(request: Request, page: NamedDependency[WorkspacePage]) -> Template:
    if refused := refusal(page, "workspace.read"):
        return refused
    async with transaction(page) as session:
        wordings = await service.wordings(session)
    return page.render(
        "settings/templates.html",
        section="settings",
        wordings=wordings,
        can_change=page.principal.can("workspace.update"),
        **_labels(page),
    )


async def _form_page(
    page: WorkspacePage, kind: str, language: str, status_code: int = 200, **context
) -> Template:
    async with transaction(page) as session:
        wording = await service.wording(session, kind, language)
    context.setdefault("values", {"subject": wording.subject, "text": wording.text,
                                  "html": wording.html})  # fmt: skip
    return page.render(
        "settings/template_form.html",
        status_code,
        section="settings",
        limits={"subject": service.SUBJECT_MAX, "text": service.TEXT_MAX, "html": service.HTML_MAX},
        wording=wording,
        can_change=page.principal.can("workspace.update"),
        **_labels(page),
        **context,
    )


@get("/w/{slug:str}/settings/templates/{kind:str}/{language:str}")
async def template_edit(
    request: Request,
    page: NamedDependency[WorkspacePage],
    kind: FromPath[str],
    language: FromPath[str],
) -> Template:
    if refused := refusal(page, "workspace.read"):
        return refused
    _known(kind, language)
    return await _form_page(page, kind, language)


def _empty_or_long(page: WorkspacePage, values: dict[str, str]) -> dict[str, str]:
    errors = {}
    for part, longest in PARTS.items():
        if not values[part].strip():
            errors[part] = page._("Write something here: the message needs it.")
        elif len(values[part]) > longest:
            longest_text = number(longest, page.locale)
            errors[part] = page._("Keep it under %(max)s characters.", max=longest_text)
    return errors


@post("/w/{slug:str}/settings/templates/{kind:str}/{language:str}")
async def template_save(
    request: Request,
    page: NamedDependency[WorkspacePage],
    kind: FromPath[str],
    language: FromPath[str],
) -> Template | Redirect:
    if refused := refusal(page, "workspace.update"):
        return refused
    _known(kind, language)
    form = await request.form()
    # Browsers send textarea line ends as CRLF; the templates keep the plain ones.
    values = {part: form.get(part, "").replace("\r\n", "\n") for part in PARTS}
    if errors := _empty_or_long(page, values):
        return await _form_page(page, kind, language, 422, values=values, errors=errors)
    try:
        async with transaction(page) as session:
            await service.save_wording(session, kind, language, **values)
    except DomainError as error:  # it does not render: the message goes next to its part
        errors = {error.field or "_form": page.error_text(error)}
        return await _form_page(page, kind, language, error.status, values=values, errors=errors)
    return page.redirect(
        f"{page.base}/settings/templates",
        notice=page._("Your wording is saved and used from now on."),
    )


@post("/w/{slug:str}/settings/templates/{kind:str}/{language:str}/reset")
async def template_reset(
    request: Request,
    page: NamedDependency[WorkspacePage],
    kind: FromPath[str],
    language: FromPath[str],
) -> Template | Redirect:
    if refused := refusal(page, "workspace.update"):
        return refused
    _known(kind, language)
    async with transaction(page) as session:
        await service.reset_wording(session, kind, language)
    return page.redirect(
        f"{page.base}/settings/templates", notice=page._("The built-in wording is used again.")
    )


routes = [templates_page, template_edit, template_save, template_reset]
