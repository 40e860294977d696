"""Text from clients: PostgreSQL cannot store the NUL character, so it stops at the edge.

JSON allows ``"\\u0000"`` in any string and a form or query string allows ``%00``; the database
then refuses the statement. :func:`refuse_nul_text` runs before every handler and answers a 422
naming the field; the problem handlers catch what slips past (without the field).
"""

from typing import Any
from urllib.parse import parse_qsl

import msgspec
from litestar import Request

from atrium.platform.errors import Invalid

NUL = "\x00"


def nul_field(value: Any, path: str = "") -> str | None:
    """The path (``name``, ``phones[0].number``) of the first text holding NUL, or None."""
    if isinstance(value, str):
        return path if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if NUL in str(key):
                return where
            if (found := nul_field(item, where)) is not None:
                return found
        return None
    if isinstance(value, list):
        for index, item in enumerate(value):
            if (found := nul_field(item, f"{path}[{index}]")) is not None:
                return found
    return None


def _refuse(where: str) -> None:
    where = where.replace(NUL, "\\u0000") or "text"
    raise Invalid(
        "%(where)s must not contain the NUL character (\\u0000).", field=where, where=where
    )


async def refuse_nul_text(request: Request) -> None:
    """Before every handler: 422 naming the first query parameter or body field holding NUL.

    A byte scan comes first, so requests without NUL (nearly all) are not decoded twice. A body
    that is not valid JSON is left to the handler's own decoder and its 400.
    """
    query = request.scope.get("query_string", b"")
    if b"%00" in query:
        for key, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
            if NUL in key or NUL in value:
                _refuse(key)
    if request.method in {"GET", "HEAD", "OPTIONS", "DELETE"}:
        return
    content_type = request.headers.get("content-type", "")
    if "json" in content_type:
        body = await request.body()
        if b"\\u0000" in body:
            try:
                decoded = msgspec.json.decode(body)
            except msgspec.DecodeError:
                return
            if (found := nul_field(decoded)) is not None:
                _refuse(found)
    elif "x-www-form-urlencoded" in content_type:
        body = await request.body()
        if b"%00" in body:
            for key, value in parse_qsl(body.decode("latin-1"), keep_blank_values=True):
                if NUL in key or NUL in value:
                    _refuse(key)
