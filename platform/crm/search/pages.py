"""Global search (Ctrl+K in the top bar): clients, companies and deals as one ranked list.
The top bar asks for the short list as it is typed; Enter opens the whole page."""

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.response import Template

from atrium.platform.crm.search.service import search
from atrium.platform.errors import DomainError
from atrium.platform.http.auth import database
from atrium.platform.pages.kit import WorkspacePage

DROPDOWN_HITS = 8
PAGE_HITS = 50
PATHS = {"contact": "contacts", "company": "companies", "deal": "deals"}


@get("/w/{slug:str}/search")
async def search_page(request: Request, page: NamedDependency[WorkspacePage]) -> Template:
    q = request.query_params.get("q", "").strip()
    dropdown = request.query_params.get("dropdown") == "1"
    hits, error = [], None
    if q:
        try:
            hits = await search(
                database(request),
                page.principal,
                q,
                limit=DROPDOWN_HITS if dropdown else PAGE_HITS,
            )
        except DomainError as problem:
            error = page.error_text(problem)
    template = "search/_dropdown.html" if dropdown else "search/page.html"
    return page.render(template, section="", q=q, hits=hits, error=error, paths=PATHS)


routes = [search_page]
