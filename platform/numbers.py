"""Numbers from clients (prices, quantities, points): read once, bounded before any arithmetic.

A decimal such as ``1e1000000`` is a valid Decimal, but ``abs()``, negation or ``quantize()`` on it
overflow the decimal context (a 500). So every number a client sends is read here first:
finite, with at most ``MAX_WHOLE_DIGITS`` digits before the point, else ``Invalid`` with the
caller's message; the caller then applies its own range and precision.
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from atrium.platform.errors import Invalid

MAX_WHOLE_DIGITS = 15  # a trillion and beyond: more than any price, quantity or balance of ours
MAX_TEXT = 40  # characters of a number written as text


def decimal_of(raw: Any, field: str, message: str, **params: Any) -> Decimal:
    """``raw`` (a Decimal, int, float or text with "." or "," as the point) as a bounded Decimal."""
    if isinstance(raw, bool):
        raise Invalid(message, field=field, **params)
    if isinstance(raw, Decimal | int):
        value = Decimal(raw)
    elif isinstance(raw, float | str) and len(text := str(raw).strip()) <= MAX_TEXT:
        try:
            value = Decimal(text.replace(",", "."))
        except InvalidOperation:
            raise Invalid(message, field=field, **params) from None
    else:
        raise Invalid(message, field=field, **params)
    if not value.is_finite() or (value and not -30 < value.adjusted() < MAX_WHOLE_DIGITS):
        raise Invalid(message, field=field, **params)
    return value
