"""Phones to E.164 (phonenumbers, default region from the workspace), tags, custom values."""

import re
from datetime import date
from typing import Any

import phonenumbers
from text_unidecode import unidecode

from atrium.platform.errors import Invalid
from atrium.platform.instants import check

MAX_TAG_LENGTH = 60
MAX_TAGS = 50  # on one card
TAGS_INPUT_LIMIT = MAX_TAGS * (MAX_TAG_LENGTH + 2)  # the tags typed in one field, ", " apart
PHONE_INPUT_LIMIT = 40  # a number as typed: spaces, brackets, dashes, an extension
CUSTOM_TEXT_LIMIT = 2000  # a custom field's text


def e164(raw: str, region: str, *, field: str = "phones") -> str:
    """``8 (916) 123-45-67`` in RU is ``+79161234567``; anything not a real number is Invalid."""
    try:
        parsed = phonenumbers.parse(raw, region) if len(raw) <= PHONE_INPUT_LIMIT else None
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        raise Invalid("%(phone)s is not a phone number.", field=field, phone=raw[:40])
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def e164_or_none(raw: str, region: str) -> str | None:
    """The number in E.164 when ``raw`` reads as a phone (a search query may), else None."""
    try:
        return e164(raw, region)
    except Invalid:
        return None


def tag_names(raw: list[str]) -> list[str]:
    """Trimmed, de-duplicated (case-insensitively), order kept."""
    if len(raw) > MAX_TAGS:
        raise Invalid("Give at most %(max)d tags.", field="tags", max=MAX_TAGS)
    seen, names = set(), []
    for tag in raw:
        name = " ".join(tag.split())
        if not name or len(name) > MAX_TAG_LENGTH:
            raise Invalid("A tag needs 1 to %(max)d characters.", field="tags", max=MAX_TAG_LENGTH)
        if name.lower() not in seen:
            seen.add(name.lower())
            names.append(name)
    return names


def custom_values(definitions: dict, values: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    """Check ``values`` against the workspace's field definitions (key -> CustomField)."""
    checked = {}
    for key, value in values.items():
        definition = definitions.get(key)
        if definition is None:
            raise Invalid("There is no custom field %(key)s.", field=f"custom.{key}", key=key)
        checked[key] = None if value is None else _custom_value(definition, value)
        if checked[key] is None and definition.required:
            raise Invalid("%(label)s is required.", field=f"custom.{key}", label=definition.label)
    if not partial:
        for key, definition in definitions.items():
            if definition.required and checked.get(key) is None:
                raise Invalid(
                    "%(label)s is required.", field=f"custom.{key}", label=definition.label
                )
    return checked


def _custom_value(definition, value: Any) -> Any:
    field = f"custom.{definition.key}"
    kind = definition.field_type
    if kind == "text" and isinstance(value, str) and len(value) <= CUSTOM_TEXT_LIMIT:
        return value
    if kind == "number" and isinstance(value, int | float) and not isinstance(value, bool):
        return value
    if kind == "boolean" and isinstance(value, bool):
        return value
    if kind == "date" and isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return check(date.fromisoformat(value), field, definition.label).isoformat()
        except ValueError:
            pass
    if kind == "choice" and value in definition.choices:
        return value
    raise Invalid(
        "%(label)s needs a %(kind)s value.", field=field, label=definition.label, kind=kind
    )


# Folding for search: Russian names are written in Latin many ways (Юлия: Yulia, Julia, Iuliia),
# so the stored name and the query both pass through the same steps and meet in one spelling.
_SPELLING_FOLDS = (
    ("shch", "sh"),
    ("sch", "sh"),
    ("kh", "h"),
    ("ts", "c"),
    ("x", "ks"),
    ("w", "v"),
    ("ph", "f"),
)
_IOTATED = re.compile(r"i([uaoe])")  # after y/j -> i: ю я ё е written iu/yu/ju, ia/ya/ja ...
_DOUBLED = re.compile(r"([a-z])\1+")  # letters only: 77 in a tax id stays
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def search_words(text: str) -> list[str]:
    """Words of ``text`` in the one spelling search compares: Latin, lower case, folded."""
    text = text.lower().replace("ё", "е").replace("ь", "").replace("ъ", "")
    text = unidecode(text).lower().replace("y", "i").replace("j", "i")
    for written, folded in _SPELLING_FOLDS:
        text = text.replace(written, folded)
    text = _IOTATED.sub(r"\1", _DOUBLED.sub(r"\1", text))
    return _NOT_ALNUM.sub(" ", text).split()


def search_key(*texts: str) -> str:
    """What a record is found by; the leading space lets ``LIKE '% word%'`` match word starts."""
    return "".join(f" {word}" for text in texts for word in search_words(text))[:1000]
