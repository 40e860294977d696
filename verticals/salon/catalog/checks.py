"""Reading the values of the salon's catalogue: whole numbers, amounts, percentages, times of
day, colours and phones, as the API sends them (typed) or a form does (text). Each refusal is
an Invalid naming the field, worded so it reads well next to that field on a page."""

import re
import uuid
from datetime import date, time
from decimal import Decimal
from typing import Any

from atrium.platform.crm.products.service import money
from atrium.platform.crm.records.normalize import PHONE_INPUT_LIMIT, e164
from atrium.platform.errors import Invalid
from atrium.platform.instants import check
from atrium.platform.numbers import decimal_of

COLOR = re.compile(r"#[0-9a-fA-F]{6}")
CLOCK = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?")
MAX_QUANTITY = Decimal("99999999999.999")


def text(raw: Any, field: str, *, limit: int, required: bool = False) -> str:
    """Trimmed text of at most ``limit`` characters (one line: inner spaces collapsed)."""
    value = " ".join(str(raw or "").split())
    if required and not value:
        raise Invalid("%(name)s is required.", field=field, name=field)
    if len(value) > limit:
        raise Invalid("%(name)s needs 1 to %(max)d characters.", field=field, name=field, max=limit)
    return value


def long_text(raw: Any, limit: int = 5000) -> str:
    return str(raw or "").strip()[:limit]


def flag(raw: Any, field: str) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.lower() in ("on", "true", "1", "yes"):
        return True
    if isinstance(raw, str) and raw.lower() in ("", "off", "false", "0", "no"):
        return False
    raise Invalid("Choose yes or no.", field=field)


def whole(raw: Any, field: str, *, low: int, high: int) -> int:
    """A whole number from ``low`` to ``high`` (a form's "15" as well as the API's 15)."""
    if isinstance(raw, bool):
        raw = None
    if isinstance(raw, str) and re.fullmatch(r"\s*[+-]?\d{1,9}\s*", raw):
        raw = int(raw)
    if not isinstance(raw, int) or not low <= raw <= high:
        raise Invalid(
            "Enter a whole number from %(low)d to %(high)d.", field=field, low=low, high=high
        )
    return raw


def optional_whole(raw: Any, field: str, *, low: int, high: int) -> int | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    return whole(raw, field, low=low, high=high)


def _number(raw: Any, field: str) -> Decimal:
    """A decimal as typed: "1 500,50" (Russian) as well as "1500.50"; never a float."""
    if isinstance(raw, str):
        raw = raw.replace("\u00a0", "").replace(" ", "")
    return decimal_of(raw, field, "Enter a number such as 1500 or 12.5.")


def amount(raw: Any, field: str) -> Decimal:
    """Money of 0 or more with at most 2 decimals."""
    return money(_number(raw, field), field)


def optional_amount(raw: Any, field: str) -> Decimal | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    return amount(raw, field)


def percent(raw: Any, field: str) -> Decimal:
    value = _number(raw, field)
    if not 0 <= value <= 100 or value != value.quantize(Decimal("0.01")):
        raise Invalid("Enter a percentage from 0 to 100.", field=field)
    return value.quantize(Decimal("0.01"))


def optional_percent(raw: Any, field: str) -> Decimal | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    return percent(raw, field)


def quantity(raw: Any, field: str, *, positive: bool = True) -> Decimal:
    """An amount of stock: more than 0 (or 0 and more), at most 3 decimals."""
    value = _number(raw, field)
    low_ok = value > 0 if positive else value >= 0
    if not low_ok or value > MAX_QUANTITY or value != value.quantize(Decimal("0.001")):
        if positive:
            raise Invalid("Enter a quantity above 0, with at most 3 decimals.", field=field)
        raise Invalid("Enter a quantity of 0 or more, with at most 3 decimals.", field=field)
    return value.quantize(Decimal("0.001"))


def clock(raw: Any, field: str) -> time:
    """A time of day: a ``time`` or "09:30" / "09:30:00"."""
    if isinstance(raw, time) and raw.tzinfo is None:
        return raw.replace(microsecond=0)
    found = CLOCK.fullmatch(raw.strip()) if isinstance(raw, str) else None
    if not found:
        raise Invalid("Enter a time of day such as 09:30.", field=field)
    return time(int(found[1]), int(found[2]), int(found[3] or 0))


def day(raw: Any, field: str) -> date:
    if isinstance(raw, date):
        return check(raw, field)
    try:
        typed = date.fromisoformat(str(raw or "").strip())
    except ValueError:
        raise Invalid("Enter a date such as 2026-03-05.", field=field) from None
    return check(typed, field)


def color(raw: Any, field: str = "color") -> str:
    value = str(raw or "").strip()
    if not COLOR.fullmatch(value):
        raise Invalid("Enter a colour such as #5b6cff.", field=field)
    return value.lower()


def phone(raw: Any, country: str | None, field: str = "phone") -> str:
    """In E.164 when the workspace has a country (as contacts are kept); else as typed."""
    value = text(raw, field, limit=PHONE_INPUT_LIMIT)
    if not value or not country:
        return value
    return e164(value, country, field=field)


def record_id(raw: Any, field: str) -> uuid.UUID:
    if isinstance(raw, uuid.UUID):
        return raw
    try:
        return uuid.UUID(str(raw or "").strip())
    except ValueError:
        raise Invalid("Choose one from the list.", field=field) from None


def choice(raw: Any, field: str, choices: tuple[str, ...]) -> str:
    if raw not in choices:
        raise Invalid(
            "%(name)s must be one of: %(choices)s.",
            field=field,
            name=field,
            choices=", ".join(choices),
        )
    return raw
