"""What the salon's public booking pages share: their route options (no schema, may be framed
by the salon's site), the visitor's page with the workspace's language, zone and currency, the
friendly 404, and reading the choices a visitor's links carry."""

from datetime import date, datetime
from typing import Annotated
from urllib.parse import urlencode

from litestar import Request
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Template
from sqlalchemy import select

from atrium.platform.instants import in_range
from atrium.platform.pages.kit import VisitorPage
from atrium.platform.tenancy.service import workspace_settings
from atrium.verticals.salon.models import SalonSettings
from atrium.verticals.salon.online.workspace import PublicWorkspace

FormData = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
# Booking pages may be shown in a frame on the salon's own site (web.pages.assets reads it):
# on any site, or only on those the salon listed (request.state.frame_ancestors).
PAGE = {"include_in_schema": False, "frameable": True}
BOOK = "/book/{slug:str}"


def parse_date(raw: str) -> date | None:
    """The date in a link, or None for none (a year no one books in included)."""
    try:
        found = date.fromisoformat(raw)
    except ValueError:
        return None
    return found if in_range(found) else None


def parse_moment(raw: str) -> datetime | None:
    try:
        found = datetime.fromisoformat(raw.replace(" ", "+"))
    except ValueError:
        return None
    return found if found.tzinfo is not None and in_range(found) else None


def embed_suffix(request: Request, joiner: str = "?") -> str:
    return f"{joiner}embed=1" if request.query_params.get("embed") == "1" else ""


def lang_links(request: Request) -> dict[str, str]:
    """The page in each language, with the visitor's choices kept."""
    pairs = [(key, value) for key, value in request.query_params.multi_items() if key != "lang"]
    return {
        code: f"{request.url.path}?{urlencode([*pairs, ('lang', code)])}" for code in ("en", "ru")
    }


async def render_page(
    request: Request,
    visitor: VisitorPage,
    workspace: PublicWorkspace,
    session,
    template: str,
    status_code: int = 200,
    *,
    clock_zone: str | None = None,
    **context,
) -> Template:
    settings = await workspace_settings(session)
    locale = visitor.locale(settings.locale)
    sites = await session.scalar(select(SalonSettings.widget_sites))
    if sites:
        request.state.frame_ancestors = list(sites)
    return visitor.render(
        template,
        status_code,
        locale=locale,
        timezone=clock_zone or settings.timezone,
        currency=settings.currency,
        currency_code=settings.currency,
        workspace=workspace,
        salon_name=settings.name or workspace.name,
        embed=request.query_params.get("embed") == "1",
        lang_links=lang_links(request),
        **context,
    )


async def visitor_locale(visitor: VisitorPage, db, workspace: PublicWorkspace) -> str:
    """The language the booking pages speak to this visitor (``render_page``'s): their choice,
    else the workspace's; a refusal is told in it too."""
    async with db.tenant_transaction(workspace.schema) as session:
        return visitor.locale((await workspace_settings(session)).locale)


def missing_page(request: Request, visitor: VisitorPage) -> Template:
    locale = visitor.locale()
    return visitor.render(
        "salon/book_message.html",
        404,
        locale=locale,
        heading=visitor._("Booking page not found", locale),
        text=visitor._(
            "There is no online booking at this address. Check the link, or call the salon.",
            locale,
        ),
        embed=request.query_params.get("embed") == "1",
        lang_links=lang_links(request),
    )
