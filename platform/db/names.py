"""How lists sorted by a name are ordered: alphabetically as a Russian or English reader expects
("Богданов" before "Ёлкина" before "Жуков"), the same on every PostgreSQL we run on.

One rule, in this one place. Collations cannot carry it: our databases collate by code point
(C.UTF-8, where "Ё" comes before "А"), the embedded PostgreSQL 18 is built without ICU (no
``ru-x-icu``, ``und-x-icu`` or ``unicode``) and the machines have no ru_RU locale. So a name sorts
by a key: lower-cased with "ё" read as "е", compared by code point (Latin a–z, then Cyrillic
а–я, which Unicode keeps in alphabet order), then by the name itself.
"""

from sqlalchemy import func
from sqlalchemy.sql.elements import ColumnElement


def name_key(column) -> ColumnElement[str]:
    """The sort key of a name column in SQL; ``name_key_of`` is the same in Python."""
    return func.replace(func.lower(column), "ё", "е").collate("C")


def name_key_of(name: str) -> str:
    """The sort key of a name in Python (cursors and lists sorted in memory)."""
    return name.lower().replace("ё", "е")


def by_name(column) -> tuple[ColumnElement, ColumnElement]:
    """ORDER BY terms for a name: the key, then the name (so "Елкин" and "Ёлкин" keep an order)."""
    return name_key(column), column.collate("C")
