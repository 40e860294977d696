"""The pack's page: its notes, and a form to add one (the member's page is injected as
``page``, typed by the Protocol every page uses)."""

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from atrium.platform.errors import DomainError
from atrium.platform.pages.kit import WorkspacePage, transaction
from atrium.platform.tenancy.entitlements import require_pack

from . import service

KEY = "tinypack"


@get("/w/{slug:str}/tinypack/notes")
async def notes_page(request: Request, page: NamedDependency[WorkspacePage]) -> Template:
    require_pack(page.principal.workspace.entitlements, KEY)
    async with transaction(page) as session:
        notes = await service.notes(session)
    return page.render("tinypack/notes.html", section="tinypack_notes", notes=notes)


@post("/w/{slug:str}/tinypack/notes")
async def add_note(request: Request, page: NamedDependency[WorkspacePage]) -> Redirect:
    require_pack(page.principal.workspace.entitlements, KEY)
    form = await request.form()
    try:
        async with transaction(page) as s:
            await service.add_note(s, form.get("text", ""))
    except DomainError as error:
        return page.redirect(f"{page.base}/tinypack/notes", error=page.error_text(error))
    return page.redirect(f"{page.base}/tinypack/notes", notice=page._("The note is added."))


routes = [notes_page, add_note]
