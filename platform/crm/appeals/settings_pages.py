"""Settings → Appeal subjects: the list offered when an appeal is registered (add, rename,
reorder, delete). Needs crm.settings; appeals keep the subject they were given."""

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from atrium.platform.crm.appeals import subjects as appeal_subjects
from atrium.platform.errors import DomainError
from atrium.platform.pages.kit import WorkspacePage, not_found_or, record_id, refusal, transaction

PATH = "/settings/appeal-subjects"


async def _subjects_page(page: WorkspacePage, status_code: int = 200, **context) -> Template:
    async with transaction(page) as session:
        found = await appeal_subjects.list_subjects(session)
    context.setdefault("errors", {})
    context.setdefault("values", {})
    return page.render(
        "settings/appeal_subjects.html",
        status_code,
        section="settings",
        limits={"name": appeal_subjects.NAME_LIMIT},
        subjects=found,
        **context,
    )


def _back(page: WorkspacePage, notice: str | None = None) -> Redirect:
    return page.redirect(f"{page.base}{PATH}", notice=notice)


@get(f"/w/{{slug:str}}{PATH}")
async def subjects_page(request: Request, page: NamedDependency[WorkspacePage]) -> Template:
    return refusal(page, "crm.settings") or await _subjects_page(page)


@post(f"/w/{{slug:str}}{PATH}")
async def subject_add(
    request: Request, page: NamedDependency[WorkspacePage]
) -> Template | Redirect:
    if refused := refusal(page, "crm.settings"):
        return refused
    name = (await request.form()).get("name", "")
    try:
        async with transaction(page) as session:
            added = await appeal_subjects.add_subject(session, name)
    except DomainError as error:
        errors = {"new.name": page.error_text(error)}
        return await _subjects_page(page, error.status, errors=errors, values={"new.name": name})
    return _back(page, page._("The subject “%(name)s” is added.") % {"name": added.name})


@post(f"/w/{{slug:str}}{PATH}/{{subject_id:str}}")
async def subject_rename(
    request: Request, page: NamedDependency[WorkspacePage], subject_id: FromPath[str]
) -> Template | Redirect:
    if refused := refusal(page, "crm.settings"):
        return refused
    ident = record_id(subject_id)
    name = (await request.form()).get("name", "")
    try:
        async with transaction(page) as session:
            renamed = await appeal_subjects.rename_subject(session, ident, name)
    except DomainError as error:
        not_found_or(error)
        errors = {f"{ident}.name": page.error_text(error)}
        values = {f"{ident}.name": name}
        return await _subjects_page(page, error.status, errors=errors, values=values)
    return _back(page, page._("The subject “%(name)s” is saved.") % {"name": renamed.name})


@post(f"/w/{{slug:str}}{PATH}/{{subject_id:str}}/move")
async def subject_move(
    request: Request, page: NamedDependency[WorkspacePage], subject_id: FromPath[str]
) -> Template | Redirect:
    if refused := refusal(page, "crm.settings"):
        return refused
    step = -1 if (await request.form()).get("direction") == "up" else 1
    try:
        async with transaction(page) as session:
            await appeal_subjects.move_subject(session, record_id(subject_id), step)
    except DomainError as error:
        raise not_found_or(error) from None
    return _back(page)


@post(f"/w/{{slug:str}}{PATH}/{{subject_id:str}}/delete")
async def subject_delete(
    request: Request, page: NamedDependency[WorkspacePage], subject_id: FromPath[str]
) -> Template | Redirect:
    if refused := refusal(page, "crm.settings"):
        return refused
    try:
        async with transaction(page) as session:
            await appeal_subjects.delete_subject(session, record_id(subject_id))
    except DomainError as error:
        raise not_found_or(error) from None
    return _back(page, page._("The subject is deleted; appeals keep the subject they were given."))


routes = [subjects_page, subject_add, subject_rename, subject_move, subject_delete]
