"""CRM settings pages: pipelines with their stages (add a pipeline; rename, tune, add, reorder
and delete stages) and the custom fields of contacts and companies. Both need crm.settings.
The helpers at the top serve the other settings pages too (products, message templates)."""

import re

from litestar import Request, get, post
from litestar.datastructures import FormMultiDict
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from atrium.platform.crm.deals import pipelines
from atrium.platform.crm.deals.models import STAGE_KINDS, Pipeline, Stage
from atrium.platform.errors import DomainError
from atrium.platform.forms import column_limit
from atrium.platform.pages.kit import (
    Unreadable,
    WorkspacePage,
    not_found_or,
    record_id,
    refusal,
    transaction,
    whole_number,
)

NEW_PIPELINE_ROWS = 6  # blank stage rows on the "add a pipeline" form; empty ones are skipped

NEW_PIPELINE_KINDS = ("open", "open", "open", "open", "won", "lost")

STAGE_FIELD = re.compile(r"^stages\[(\d+)\]\.(\w+)$")


def _to_pipeline(page: WorkspacePage, pipeline_id, notice: str | None = None) -> Redirect:
    """Back to the pipelines page, scrolled to the pipeline."""
    return page.redirect(f"{page.base}/settings/pipelines#pipeline-{pipeline_id}", notice=notice)


def _stage_numbers(page: WorkspacePage, form: FormMultiDict | dict, prefix: str) -> dict:
    """Probability (empty: 0) and time limit in hours (empty: none) as typed."""
    return {
        "probability": whole_number(
            page, form.get("probability", ""), f"{prefix}probability", low=0, high=100, blank=0
        ),
        "time_limit_hours": whole_number(
            page,
            form.get("time_limit_hours", ""),
            f"{prefix}time_limit_hours",
            low=1,
            high=100_000,
            blank=None,
        ),
    }


def _new_pipeline_stages(page: WorkspacePage, form: FormMultiDict) -> tuple[list[dict], list]:
    """The filled rows of the new-pipeline form, and the row each came from (for messages)."""
    names = form.getall("stage_name", [])
    kinds = form.getall("stage_kind", [])
    probabilities = form.getall("stage_probability", [])
    hours = form.getall("stage_hours", [])
    stages, rows = [], []
    for row, name in enumerate(names):
        if not name.strip():
            continue
        typed = {"probability": _at(probabilities, row), "time_limit_hours": _at(hours, row)}
        numbers = _stage_numbers(page, typed, f"new.{row}.")
        stages.append({"name": name, "kind": _at(kinds, row) or "open", **numbers})
        rows.append(row)
    return stages, rows


def _at(items: list[str], index: int) -> str:
    return items[index] if index < len(items) else ""


def _new_pipeline_values(form: FormMultiDict | None) -> dict:
    """The new-pipeline form's rows (name, kind, probability, hours): blank, or as typed."""
    if form is None:
        blank = [""] * NEW_PIPELINE_ROWS
        return {"name": "", "rows": list(zip(blank, NEW_PIPELINE_KINDS, blank, blank, strict=True))}
    names = ("stage_name", "stage_kind", "stage_probability", "stage_hours")
    columns = [form.getall(name, []) for name in names]
    count = max(NEW_PIPELINE_ROWS, *(len(column) for column in columns))
    rows = [tuple(_at(column, row) for column in columns) for row in range(count)]
    return {"name": form.get("name", ""), "rows": rows}


async def _pipelines_page(page: WorkspacePage, status_code: int = 200, **context) -> Template:
    async with transaction(page) as session:
        found = await pipelines.list_pipelines(session)
    context.setdefault("new_pipeline", _new_pipeline_values(None))
    return page.render(
        "settings/pipelines.html",
        status_code,
        section="settings",
        limits={"name": column_limit(Pipeline.name), "stage_name": column_limit(Stage.name)},
        pipelines=found,
        kinds=STAGE_KINDS,
        kind_labels={"open": page._("Open"), "won": page._("Won"), "lost": page._("Lost")},
        **context,
    )


@get("/w/{slug:str}/settings/pipelines")
async def pipelines_page(request: Request, page: NamedDependency[WorkspacePage]) -> Template:
    return refusal(page, "crm.settings") or await _pipelines_page(page)


@post("/w/{slug:str}/settings/pipelines")
async def pipeline_create(
    request: Request, page: NamedDependency[WorkspacePage]
) -> Template | Redirect:
    if refused := refusal(page, "crm.settings"):
        return refused
    form = await request.form()
    rows: list[int] = []
    try:
        stages, rows = _new_pipeline_stages(page, form)
        async with transaction(page) as session:
            pipeline, _ = await pipelines.create_pipeline(session, form.get("name", ""), stages)
    except Unreadable as problem:
        errors = {problem.field: problem.text}
        return await _pipelines_page(
            page, 422, errors=errors, new_pipeline=_new_pipeline_values(form)
        )
    except DomainError as error:
        errors = {_new_pipeline_field(error.field, rows): page.error_text(error)}
        return await _pipelines_page(
            page, error.status, errors=errors, new_pipeline=_new_pipeline_values(form)
        )
    added = page._("The pipeline “%(name)s” is added.") % {"name": pipeline.name}
    return _to_pipeline(page, pipeline.id, added)


def _new_pipeline_field(field: str | None, rows: list[int]) -> str:
    """The service's stages[2].name as the form's row: new.<row>.name."""
    if field and (match := STAGE_FIELD.match(field)) and int(match[1]) < len(rows):
        return f"new.{rows[int(match[1])]}.{match[2]}"
    return f"new.{field or 'stages'}"


async def _stage_form_refused(
    page: WorkspacePage, problem: Exception, prefix: str, form: FormMultiDict
) -> Template:
    """The page again with the stage form's message next to its field and what was typed."""
    if isinstance(problem, Unreadable):
        status, field, text = 422, problem.field, problem.text
    else:
        error = not_found_or(problem)
        status, text = error.status, page.error_text(error)
        field = f"{prefix}{error.field or 'name'}"
    values = {f"{prefix}{key}": form.get(key, "") for key in form}
    return await _pipelines_page(page, status, errors={field: text}, values=values)


@post("/w/{slug:str}/settings/pipelines/{pipeline_id:str}/stages")
async def stage_add(
    request: Request, page: NamedDependency[WorkspacePage], pipeline_id: FromPath[str]
) -> Template | Redirect:
    if refused := refusal(page, "crm.settings"):
        return refused
    ident = record_id(pipeline_id)
    form = await request.form()
    prefix = f"{ident}.new."
    try:
        stage = {"name": form.get("name", ""), "kind": form.get("kind", "open")}
        stage |= _stage_numbers(page, form, prefix)
        async with transaction(page) as session:
            added = await pipelines.add_stage(session, ident, stage)
    except (Unreadable, DomainError) as problem:
        return await _stage_form_refused(page, problem, prefix, form)
    notice = page._("The stage “%(name)s” is added.") % {"name": added.name}
    return _to_pipeline(page, ident, notice)


@post("/w/{slug:str}/settings/pipelines/{pipeline_id:str}/stages/{stage_id:str}")
async def stage_update(
    request: Request,
    page: NamedDependency[WorkspacePage],
    pipeline_id: FromPath[str],
    stage_id: FromPath[str],
) -> Template | Redirect:
    if refused := refusal(page, "crm.settings"):
        return refused
    ident, stage_ident = record_id(pipeline_id), record_id(stage_id)
    form = await request.form()
    prefix = f"{stage_ident}."
    try:
        changes = {"name": form.get("name", "")} | _stage_numbers(page, form, prefix)
        async with transaction(page) as session:
            stage = await pipelines.update_stage(session, ident, stage_ident, changes)
    except (Unreadable, DomainError) as problem:
        return await _stage_form_refused(page, problem, prefix, form)
    notice = page._("The stage “%(name)s” is saved.") % {"name": stage.name}
    return _to_pipeline(page, ident, notice)


@post("/w/{slug:str}/settings/pipelines/{pipeline_id:str}/stages/{stage_id:str}/move")
async def stage_move(
    request: Request,
    page: NamedDependency[WorkspacePage],
    pipeline_id: FromPath[str],
    stage_id: FromPath[str],
) -> Template | Redirect:
    if refused := refusal(page, "crm.settings"):
        return refused
    ident = record_id(pipeline_id)
    form = await request.form()
    step = -1 if form.get("direction") == "up" else 1
    try:
        async with transaction(page) as session:
            await pipelines.move_stage(session, ident, record_id(stage_id), step)
    except DomainError as error:
        not_found_or(error)
        errors = {str(ident): page.error_text(error)}
        return await _pipelines_page(page, error.status, errors=errors)
    return _to_pipeline(page, ident)


@post("/w/{slug:str}/settings/pipelines/{pipeline_id:str}/stages/{stage_id:str}/delete")
async def stage_delete(
    request: Request,
    page: NamedDependency[WorkspacePage],
    pipeline_id: FromPath[str],
    stage_id: FromPath[str],
) -> Template | Redirect:
    if refused := refusal(page, "crm.settings"):
        return refused
    ident = record_id(pipeline_id)
    try:
        async with transaction(page) as session:
            await pipelines.delete_stage(session, ident, record_id(stage_id))
    except DomainError as error:
        not_found_or(error)
        errors = {str(ident): page.error_text(error)}
        return await _pipelines_page(page, error.status, errors=errors)
    return _to_pipeline(page, ident, page._("The stage is deleted."))


routes = [
    pipelines_page,
    pipeline_create,
    stage_add,
    stage_update,
    stage_move,
    stage_delete,
]
