"""Cursor pagination: ``{"items": [...], "next_cursor": ...}`` over a stable sort key."""

import base64
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.errors import Invalid
from atrium.platform.http.text import NUL
from atrium.platform.instants import in_range

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
    checked_limit(limit)
    after = cursor_values(cursor, len(sort), parse) if cursor else None
    query = page_query(query, sort=sort, after=after, rows=limit + 1, descending=descending)
    return page_of(list(await session.scalars(query)), key=key, limit=limit)


def checked_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid("limit must be between 1 and %(max)d.", field="limit", max=MAX_LIMIT)
    return limit


def cursor_values(
    cursor: str, size: int, parse: Sequence[Callable[[str], Any]] | None = None
) -> list:
    """The sort values a cursor carries, parsed back to their types."""
    values = decode_cursor(cursor, size)
    if not parse:
        return values
    try:
        parsed = [convert(value) for convert, value in zip(parse, values, strict=True)]
    except ValueError as error:
        raise Invalid("The cursor is not one this API gave out.", field="cursor") from error
    # Every instant read comes into the range (platform.db.stored_instants), so every cursor too.
    if any(isinstance(value, date) and not in_range(value) for value in parsed):
        raise Invalid("The cursor is not one this API gave out.", field="cursor")
    return parsed


def page_query(
    query: Select,
    *,
    sort: Sequence[Any],
    after: Sequence[Any] | None,
    rows: Any,
    descending: bool = False,
) -> Select:
    """``query`` narrowed to ``rows`` rows after the sort values ``after`` (None: the first
    page). Ask for one row more than a page, to know whether another follows. Values may be
    bound parameters, for a statement compiled once."""
    if after is not None:
        query = query.where(
            tuple_(*sort) < tuple_(*after) if descending else tuple_(*sort) > tuple_(*after)
        )
    order = [column.desc() for column in sort] if descending else list(sort)
    return query.order_by(*order).limit(rows)


def page_of(rows: list, *, key: Callable[[Any], Sequence[Any]], limit: int) -> Page:
    """The page from the rows of page_query()."""
    next_cursor = encode_cursor(key(rows[limit - 1])) if len(rows) > limit else None
    return Page(items=rows[:limit], next_cursor=next_cursor)
