"""Timestamps and dates read from the database come into Atrium's range
(``atrium.platform.instants``): a value an older version stored out of it (year 1 BC, year
10000, or year 1 that no workspace's zone can show) reads as the nearest end of the range,
where psycopg would raise and every list showing the row would answer 500 for good."""

from datetime import date

import psycopg
from psycopg.adapt import Buffer, Loader
from psycopg.errors import DataError

from atrium.platform.instants import EARLIEST, FIRST_DAY, LAST_DAY, LATEST


def _clamped(type_name: str, binary: bool, lowest: date, highest: date) -> type[Loader]:
    oid = psycopg.adapters.types[type_name].oid
    inner = psycopg.adapters.get_loader(oid, psycopg.pq.Format.BINARY if binary else 0)

    class Clamped(Loader):
        format = inner.format

        def __init__(self, oid: int, context=None) -> None:
            super().__init__(oid, context)
            self._load = inner(oid, context).load

        def load(self, data: Buffer) -> date:
            # Read on every row of every list: comparisons only (aware ones cannot overflow).
            try:
                value = self._load(data)
            except DataError as error:  # beyond Python's years 1 to 9999 (or ±infinity)
                return lowest if "too small" in str(error) else highest
            if lowest <= value <= highest:
                return value
            return lowest if value < lowest else highest

    Clamped.__name__ = f"Clamped{inner.__name__}"
    return Clamped


def load_instants_within_range() -> None:
    """Register the clamping loaders for every connection psycopg makes from now on."""
    naive_first, naive_last = EARLIEST.replace(tzinfo=None), LATEST.replace(tzinfo=None)
    for type_name, lowest, highest in (
        ("timestamptz", EARLIEST, LATEST),
        ("timestamp", naive_first, naive_last),
        ("date", FIRST_DAY, LAST_DAY),
    ):
        for binary in (False, True):
            loader = _clamped(type_name, binary, lowest, highest)
            psycopg.adapters.register_loader(type_name, loader)
