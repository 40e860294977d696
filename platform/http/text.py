"""Text from clients, checked at the edge before any handler reads it.

- PostgreSQL cannot store the NUL character. JSON allows ``"\\u0000"`` in any string and a form
  or query string allows ``%00``; the database would then refuse the statement. A 422 names the
  field; the problem handlers catch what slips past (without the field).
- JSON nested deeper than ``MAX_JSON_DEPTH`` is a 400: no body of ours comes near it, and the
  decoder recurses per level, so a few KB of brackets would exhaust Python's stack (a 500).
"""

from typing import Any
from urllib.parse import parse_qsl

import msgspec
from litestar import Request

from atrium.platform.errors import DomainError, Invalid

NUL = "\x00"
MAX_JSON_DEPTH = 32


class TooDeep(DomainError):
    status = 400


def json_depth(value: Any) -> int:
    """How deeply lists and objects nest in a decoded JSON value (a scalar is 0)."""
    deepest, pending = 0, [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, depth + 1)
            pending.extend((child, depth + 1) for child in item)
    return deepest


def _refuse_deep_json(body: bytes) -> None:
    """400 for JSON nested deeper than MAX_JSON_DEPTH; bodies with fewer brackets than that
    (nearly all) are not decoded here."""
    if body.count(b"[") + body.count(b"{") <= MAX_JSON_DEPTH:
        return
    try:
        too_deep = json_depth(msgspec.json.decode(body)) > MAX_JSON_DEPTH
    except RecursionError:
        too_deep = True
    except msgspec.DecodeError:
        return  # the handler's own decoder answers it with its 400
    if too_deep:
        raise TooDeep("The JSON body nests more than %(depth)d levels deep.", depth=MAX_JSON_DEPTH)


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
    """Before every handler: 422 naming the first query parameter or body field holding NUL;
    400 for a JSON body nested too deep.

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
    if "x-www-form-urlencoded" not in content_type and "multipart/" not in content_type:
        # JSON, however labelled: handlers decode their body as JSON whatever its header says.
        body = await request.body()
        _refuse_deep_json(body)
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
