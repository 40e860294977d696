"""The member's notifications (what came due, what was assigned to them, complaints overdue)
and their settings: which kinds they want, and whether by e-mail too."""

from urllib.parse import urlsplit

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from atrium.platform.errors import DomainError
from atrium.platform.http.auth import database
from atrium.platform.notify import inbox
from atrium.platform.notify.models import KINDS
from atrium.platform.notify.quiet import preferences_of, save_preferences
from atrium.platform.packs import registered_packs
from atrium.platform.pages.kit import WorkspacePage, record_id, transaction


@get("/w/{slug:str}/notifications")
async def notifications_page(request: Request, page: NamedDependency[WorkspacePage]) -> Template:
    unread_only = request.query_params.get("unread") == "1"
    async with transaction(page) as session:
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
async def notifications_read_all(
    request: Request, page: NamedDependency[WorkspacePage]
) -> Redirect:
    async with transaction(page) as session:
        await inbox.mark_all_read(session, page.principal)
    return page.redirect(f"{page.base}/notifications")


@post("/w/{slug:str}/notifications/{note_id:str}/open")
async def notification_open(
    request: Request, page: NamedDependency[WorkspacePage], note_id: FromPath[str]
) -> Redirect:
    """Mark it read, then go where it points (or back to the list)."""
    async with transaction(page) as session:
        try:
            note = await inbox.mark_read(session, page.principal, record_id(note_id))
        except DomainError:
            raise NotFoundException() from None
        link = note.link
    # Only a page of this workspace, as a path on this site (never another host).
    path = urlsplit(link).path if link else ""
    return Redirect(path if path.startswith(f"{page.base}/") else f"{page.base}/notifications")


def _kinds(page: WorkspacePage) -> list[tuple[str, str]]:
    """The kinds this member may be told about, labelled: the core's, then the trade's pack's."""
    _ = page._
    core = {
        "task.due": _("A task of mine is due"),
        "lead.assigned": _("A lead is assigned to me"),
        "appeal.overdue": _("A complaint I handle is overdue"),
    }
    pack = registered_packs().get(page.principal.workspace.vertical or "")
    extra = [
        (kind, _(notice.label))
        for kind, notice in (pack.notification_kinds if pack else {}).items()
        if notice.permission is None or page.principal.can(notice.permission)
    ]
    return [(kind, core[kind]) for kind in KINDS] + extra


@get("/w/{slug:str}/notifications/settings")
async def notification_settings(request: Request, page: NamedDependency[WorkspacePage]) -> Template:
    async with transaction(page) as session:
        chosen = await preferences_of(session, page.principal.user_id)
    return page.render(
        "notification_settings.html",
        section="",
        kinds=_kinds(page),
        muted=set(chosen.muted),
        email=chosen.email,
    )


@post("/w/{slug:str}/notifications/settings")
async def notification_settings_save(
    request: Request, page: NamedDependency[WorkspacePage]
) -> Redirect:
    """Kinds left unticked are muted; a kind of another trade stays as it was."""
    form = await request.form()
    shown = {kind for kind, _ in _kinds(page)}
    wanted = set(form.getall("kind", []))
    schema = page.principal.workspace.schema
    async with database(request).tenant_transaction(schema) as session:
        before = await preferences_of(session, page.principal.user_id)
        muted = (set(before.muted) - shown) | (shown - wanted)
        await save_preferences(
            session, page.principal.user_id, email=form.get("email") == "on", muted=list(muted)
        )
    return page.redirect(
        f"{page.base}/notifications/settings",
        notice=page._("Your notification settings are saved."),
    )


routes = [
    notifications_page,
    notifications_read_all,
    notification_settings,
    notification_settings_save,
    notification_open,
]
