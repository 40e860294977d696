"""Cursor pagination: ``{"items": [...], "next_cursor": ...}`` over a stable sort key."""

import base64
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.errors import Invalid
from atrium.platform.http.text import NUL

T = TypeVar("T")
MAX_LIMIT = 200


@dataclass
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps([str(value) for value in values]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, size: int) -> list[str]:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except ValueError:
        values = None
    if (
        not isinstance(values, list)
        or len(values) != size
        or not all(isinstance(value, str) and NUL not in value for value in values)
    ):
        raise Invalid("The cursor is not one this API gave out.", field="cursor")
    return values


async def paginate(
    session: AsyncSession,
    query: Select,
    *,
    sort: Sequence[Any],
    key: Callable[[Any], Sequence[Any]],
    cursor: str | None,
    limit: int,
    descending: bool = False,
    parse: Sequence[Callable[[str], Any]] | None = None,
) -> Page:
    """One page of ``query`` ordered by the ``sort`` columns (the last one unique)."""
    query = page_query(
        query, sort=sort, cursor=cursor, limit=limit, descending=descending, parse=parse
    )
    return page_of(list(await session.scalars(query)), key=key, limit=limit)


def page_query(
    query: Select,
    *,
    sort: Sequence[Any],
    cursor: str | None,
    limit: int,
    descending: bool = False,
    parse: Sequence[Callable[[str], Any]] | None = None,
) -> Select:
    """``query`` narrowed to one page (plus one row, to know whether another follows)."""
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid(f"limit must be between 1 and {MAX_LIMIT}.", field="limit")
    if cursor:
        values = decode_cursor(cursor, len(sort))
        if parse:
            try:
                values = [convert(value) for convert, value in zip(parse, values, strict=True)]
            except ValueError as error:
                raise Invalid("The cursor is not one this API gave out.", field="cursor") from error
        after = tuple_(*sort) < tuple_(*values) if descending else tuple_(*sort) > tuple_(*values)
        query = query.where(after)
    order = [column.desc() for column in sort] if descending else list(sort)
    return query.order_by(*order).limit(limit + 1)


def page_of(rows: list, *, key: Callable[[Any], Sequence[Any]], limit: int) -> Page:
    """The page from the rows of page_query()."""
    next_cursor = encode_cursor(key(rows[limit - 1])) if len(rows) > limit else None
    return Page(items=rows[:limit], next_cursor=next_cursor)
