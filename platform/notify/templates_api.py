"""/api/v1/settings/templates: each message's wording per language, the workspace's or built-in."""

from typing import Annotated

import msgspec
from litestar import delete, get, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from sqlalchemy import delete as sql_delete
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.db.types import utcnow
from atrium.platform.http.auth import requires
from atrium.platform.notify import templates
from atrium.platform.notify.api import DEPENDENCIES
from atrium.platform.notify.models import MessageTemplate


class TemplateIn(msgspec.Struct, forbid_unknown_fields=True):
    subject: Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=20_000)]
    html: Annotated[str, msgspec.Meta(min_length=1, max_length=100_000)]


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


def _out(kind: str, language: str, own: MessageTemplate | None) -> TemplateOut:
    subject, text, html = (
        (own.subject, own.text_body, own.html_body) if own else templates.built_in(kind, language)
    )
    return TemplateOut(
        kind,
        language,
        own is not None,
        subject,
        text,
        html,
        sorted(templates.KINDS[kind]["sample"]),
    )


@get("/settings/templates", guards=[requires("workspace.read")], dependencies=DEPENDENCIES,
     tags=["Templates"])  # fmt: skip
async def list_templates(session: NamedDependency[AsyncSession]) -> TemplateList:
    own = {(t.kind, t.language): t for t in await session.scalars(select(MessageTemplate))}
    return TemplateList(
        [
            _out(kind, language, own.get((kind, language)))
            for kind in templates.KINDS
            for language in templates.LANGUAGES
        ]
    )


@put("/settings/templates/{kind:str}/{language:str}", guards=[requires("workspace.update")],
     dependencies=DEPENDENCIES, tags=["Templates"])  # fmt: skip
async def change_template(
    session: NamedDependency[AsyncSession],
    kind: FromPath[str],
    language: FromPath[str],
    data: JSONBody[TemplateIn],
) -> TemplateOut:
    templates.checked_sources(kind, language, data.subject, data.text, data.html)
    values = {"subject": data.subject, "text_body": data.text, "html_body": data.html}
    await session.execute(
        insert(MessageTemplate)
        .values(kind=kind, language=language, **values)
        .on_conflict_do_update(
            index_elements=["kind", "language"], set_={**values, "updated_at": utcnow()}
        )
    )
    own = await session.scalar(
        select(MessageTemplate).where(
            MessageTemplate.kind == kind, MessageTemplate.language == language
        )
    )
    return _out(kind, language, own)


@delete("/settings/templates/{kind:str}/{language:str}", guards=[requires("workspace.update")],
        dependencies=DEPENDENCIES, tags=["Templates"], status_code=204)  # fmt: skip
async def reset_template(
    session: NamedDependency[AsyncSession], kind: FromPath[str], language: FromPath[str]
) -> None:
    """Back to the built-in wording."""
    templates.built_in(kind, language)  # 422 for an unknown kind or language
    await session.execute(
        sql_delete(MessageTemplate).where(
            MessageTemplate.kind == kind, MessageTemplate.language == language
        )
    )


routes = [list_templates, change_template, reset_template]
