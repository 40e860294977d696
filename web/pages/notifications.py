"""The member's notifications: what came due, what was assigned to them, complaints overdue."""

from urllib.parse import urlsplit

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from atrium.platform.errors import DomainError
from atrium.platform.http.auth import database
from atrium.platform.notify import inbox
from atrium.web.pages.contacts import record_id
from atrium.web.pages.kit import workspace_page


@get("/w/{slug:str}/notifications")
async def notifications_page(request: Request) -> Template:
    page = await workspace_page(request)
    unread_only = request.query_params.get("unread") == "1"
    async with database(request).tenant_transaction(page.principal.workspace.schema) as session:
        result = await inbox.notifications_of(
            session,
            page.principal,
            unread=unread_only,
            cursor=request.query_params.get("cursor") or None,
            limit=50,
        )
    return page.render(
        "notifications.html",
        section="",
        notes=result.items,
        next_cursor=result.next_cursor,
        unread_only=unread_only,
    )


@post("/w/{slug:str}/notifications/read-all")
async def notifications_read_all(request: Request) -> Redirect:
    page = await workspace_page(request)
    async with database(request).tenant_transaction(page.principal.workspace.schema) as session:
        await inbox.mark_all_read(session, page.principal)
    return page.redirect(f"{page.base}/notifications")


@post("/w/{slug:str}/notifications/{note_id:str}/open")
async def notification_open(request: Request, note_id: FromPath[str]) -> Redirect:
    """Mark it read, then go where it points (or back to the list)."""
    page = await workspace_page(request)
    async with database(request).tenant_transaction(page.principal.workspace.schema) as session:
        try:
            note = await inbox.mark_read(session, page.principal, record_id(note_id))
        except DomainError:
            raise NotFoundException() from None
        link = note.link
    # Only a page of this workspace, as a path on this site (never another host).
    path = urlsplit(link).path if link else ""
    return Redirect(path if path.startswith(f"{page.base}/") else f"{page.base}/notifications")


routes = [notifications_page, notifications_read_all, notification_open]
