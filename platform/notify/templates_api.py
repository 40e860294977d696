"""/api/v1/settings/templates: each message's wording per language, the workspace's or built-in."""

from typing import Annotated

import msgspec
from litestar import delete, get, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.http.auth import requires
from atrium.platform.notify import templates
from atrium.platform.notify.api import DEPENDENCIES
from atrium.platform.notify.templates import HTML_MAX, SUBJECT_MAX, TEXT_MAX


class TemplateIn(msgspec.Struct, forbid_unknown_fields=True):
    subject: Annotated[str, msgspec.Meta(min_length=1, max_length=SUBJECT_MAX)]
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=TEXT_MAX)]
    html: Annotated[str, msgspec.Meta(min_length=1, max_length=HTML_MAX)]


class TemplateOut(msgspec.Struct):
    kind: str
    language: str
    custom: bool
    subject: str
    text: str
    html: str
    values: list[str]  # what the template may use: {{ name }}, {{ title }} ...


class TemplateList(msgspec.Struct):
    items: list[TemplateOut]


def _out(wording: templates.Wording) -> TemplateOut:
    return TemplateOut(
        wording.kind,
        wording.language,
        wording.custom,
        wording.subject,
        wording.text,
        wording.html,
        wording.values,
    )


@get("/settings/templates", guards=[requires("workspace.read")], dependencies=DEPENDENCIES,
     tags=["Templates"])  # fmt: skip
async def list_templates(session: NamedDependency[AsyncSession]) -> TemplateList:
    return TemplateList([_out(wording) for wording in await templates.wordings(session)])


@put("/settings/templates/{kind:str}/{language:str}", guards=[requires("workspace.update")],
     dependencies=DEPENDENCIES, tags=["Templates"])  # fmt: skip
async def change_template(
    session: NamedDependency[AsyncSession],
    kind: FromPath[str],
    language: FromPath[str],
    data: JSONBody[TemplateIn],
) -> TemplateOut:
    return _out(
        await templates.save_wording(session, kind, language, data.subject, data.text, data.html)
    )


@delete("/settings/templates/{kind:str}/{language:str}", guards=[requires("workspace.update")],
        dependencies=DEPENDENCIES, tags=["Templates"], status_code=204)  # fmt: skip
async def reset_template(
    session: NamedDependency[AsyncSession], kind: FromPath[str], language: FromPath[str]
) -> None:
    """Back to the built-in wording."""
    await templates.reset_wording(session, kind, language)


routes = [list_templates, change_template, reset_template]
