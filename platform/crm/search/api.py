"""/api/v1/search: contacts, companies and deals by name, phone or e-mail."""

import uuid

import msgspec
from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import FromQuery

from atrium.platform.auth.principal import Principal
from atrium.platform.crm.search import service as search
from atrium.platform.errors import Invalid
from atrium.platform.http.auth import (
    database,
    requires,
)
from atrium.platform.http.kit import DEPENDENCIES


class SearchHitOut(msgspec.Struct):
    type: str  # contact, company or deal
    id: uuid.UUID
    title: str
    score: float  # 0..1, name likeness; 1 for a phone or e-mail match


class SearchOut(msgspec.Struct):
    query: str
    items: list[SearchHitOut]


@get(
    "/search",
    guards=[requires("crm.read")],
    dependencies=DEPENDENCIES,
    tags=["Search"],
    summary="Contacts, companies and deals by name (typos, Latin for Cyrillic), phone, e-mail",
    description="A ranked top list, best first (no cursor): refine the query to narrow it.",
)
async def search_records(
    request: Request,
    principal: NamedDependency[Principal],
    q: FromQuery[str],
    types: FromQuery[str] = ",".join(search.KINDS),
    limit: FromQuery[int] = 10,
) -> SearchOut:
    if not 1 <= limit <= search.MAX_HITS:
        raise Invalid("limit must be 1 to %(max)s.", field="limit", max=search.MAX_HITS)
    kinds = tuple(kind.strip() for kind in types.split(",") if kind.strip())
    hits = await search.search(database(request), principal, q, kinds=kinds, limit=limit)
    return SearchOut(
        query=q,
        items=[SearchHitOut(hit.kind, hit.id, hit.title, round(hit.score, 3)) for hit in hits],
    )


routes = [search_records]
