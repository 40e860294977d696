"""The one range for every instant and date Atrium accepts, and the net that keeps what is
already stored from breaking a read.

Accepted: 1900-01-01 to 2200-12-31, an instant compared in UTC (a time without a zone, which
some routes still take, is compared as if in UTC: a day's margin either way is far from harm).
The past reaches the oldest living person's birthday and any record a business brings over; the
future, any schedule, expiry or booking by far. Both ends stay thousands of years from Python's
limits (years 1 and 9999), so an accepted value converts to any zone (offsets are under a day)
and moves by months without an overflow; year 1 at +14:00 and year 9999 at -14:00, in Python's
range as written, are not once in UTC.

Input structs derive from ``Checked`` (the API) and forms call ``check`` (pages), so each
refusal is a 422 naming the field. Reads: the database driver loads every timestamp and date
into the range (``atrium.platform.db.stored_instants``), so a value an older version stored,
even one outside Python's, reads as the nearest end instead of a 500.
"""

from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

import msgspec

from atrium.platform.errors import Invalid

FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2200, 12, 31)
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
Day = TypeVar("Day", bound=date)  # a date or a datetime, given back as it came
OUT_OF_RANGE = "%(name)s must be between %(first)s and %(last)s."


def in_range(value: date) -> bool:
    """Whether a date, or an instant in UTC, lies in the accepted range; never overflows."""
    if not isinstance(value, datetime):
        return FIRST_DAY <= value <= LAST_DAY
    offset = value.utcoffset() or timedelta()
    # Shift the bounds, not the value: the bounds are far from the limits, the value may not be.
    local = value.replace(tzinfo=None)
    return EARLIEST.replace(tzinfo=None) + offset <= local <= LATEST.replace(tzinfo=None) + offset


def check(value: Day, field: str, label: str | None = None) -> Day:
    """``value`` if it is in the range, else ``Invalid`` naming ``field`` (by its label where
    the caller knows it, such as a custom field's own; else the API's label for the key)."""
    if not in_range(value):
        raise Invalid(
            OUT_OF_RANGE,
            field=field,
            name=label or field,
            first=FIRST_DAY.isoformat(),
            last=LAST_DAY.isoformat(),
        )
    return value


def check_fields(struct: msgspec.Struct) -> None:
    """Every date and instant field of ``struct`` in the range (nested structs check theirs)."""
    for name in struct.__struct_fields__:
        value = getattr(struct, name)
        if isinstance(value, date):
            check(value, name)
        elif isinstance(value, list | tuple):
            for item in value:
                if isinstance(item, date):
                    check(item, name)


class Checked(msgspec.Struct):
    """An API input whose dates and instants are checked as it is decoded: a value outside the
    range is a 422 naming its field (raised here, not a ValueError, so msgspec lets it through
    to the problem handler as it is)."""

    def __post_init__(self) -> None:
        check_fields(self)
