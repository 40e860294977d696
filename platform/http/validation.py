"""A request of the wrong shape, told in words a caller can translate: litestar's and msgspec's
messages ("Expected `int`, got `str`") become our own sentences with the field named apart, so
the answer's language and the field's label can be filled in (``platform.http.problems``)."""

import re

# msgspec's type names, in a caller's words.
_KINDS = {
    "str": "%(name)s must be text.",
    "int": "%(name)s must be a whole number.",
    "float": "%(name)s must be a number.",
    "decimal": "%(name)s must be a number.",
    "bool": "%(name)s must be true or false.",
    "array": "%(name)s must be a list.",
    "object": "%(name)s must be an object.",
    "null": "%(name)s must be empty (null).",
}
_RULES: list[tuple[re.Pattern, str]] = [
    (re.compile(r"Object missing required field `(?P<key>[^`]+)`"), "%(name)s is required."),
    (
        re.compile(r"Expected `(?:str|array|object)` of length <= (?P<max>\d+)"),
        "%(name)s must be at most %(max)s long.",
    ),
    (
        re.compile(r"Expected `(?:str|array|object)` of length >= (?P<min>\d+)"),
        "%(name)s must be at least %(min)s long.",
    ),
    (re.compile(r"Expected `\w+` (?:>=|>) (?P<min>[\d.-]+)"), "%(name)s must be at least %(min)s."),
    (re.compile(r"Expected `\w+` (?:<=|<) (?P<max>[\d.-]+)"), "%(name)s must be at most %(max)s."),
    (
        re.compile(r"Expected `(?:datetime|time)` with a timezone component"),
        "%(name)s needs a time zone, such as +03:00.",
    ),
    (re.compile(r"Invalid enum value (?P<value>.+)"), "%(name)s cannot be %(value)s."),
    (re.compile(r"Invalid UUID"), "%(name)s is not a valid id."),
    (re.compile(r"Invalid RFC3339 encoded date$"), "%(name)s is not a date (YYYY-MM-DD)."),
    (re.compile(r"Invalid RFC3339 encoded (?:datetime|time)"), "%(name)s is not a date and time."),
    (re.compile(r"Invalid decimal string"), "%(name)s must be a number."),
    (re.compile(r"Invalid base64 encoded string"), "%(name)s is not valid base64."),
]
_UNKNOWN = re.compile(r"Object contains unknown field `(?P<key>[^`]+)`")
_EXPECTED = re.compile(r"Expected `(?P<kind>\w+)(?: \| \w+)*`, got `\w+`")
_MISSING_PARAMETER = re.compile(
    r"Missing required (?:\w+ )?(?:query|path|header|cookie) parameter '(?P<key>[^']+)'"
)


def _field(key: str | None) -> str | None:
    """The field as the API names it: ``data`` (the whole body) is not a field."""
    return None if not key or key == "data" else key


def validation_problem_text(
    detail: str, errors: list[dict] | None
) -> tuple[str, str | None, dict[str, str]]:
    """(message with %(name)s placeholders, the field it is about, the values to fill in)."""
    if not errors:
        if found := _MISSING_PARAMETER.search(detail):
            return "%(name)s is required.", found["key"], {"name": found["key"]}
        if "JSON" in detail or "decode" in detail.lower() or "truncated" in detail:
            return "The request body is not valid JSON.", None, {}
        return "The request is not valid: %(reason)s", None, {"reason": detail}
    first = errors[0]
    key = _field(first.get("key"))
    text = first.get("message") or detail
    if found := _UNKNOWN.search(text):
        # Not one of ours, so named as sent (and no label to find).
        return "There is no field %(key)s here.", None, {"key": found["key"]}
    if first.get("source") == "body" and text == repr(first.get("key")):
        # litestar's KeyError for the body parameter: nothing was sent.
        return "The request needs a JSON body.", None, {}
    if "JSON" in text or "decode" in text.lower() or "truncated" in text:
        return "The request body is not valid JSON.", None, {}
    for pattern, message in _RULES:
        if found := pattern.search(text):
            values = found.groupdict()
            field = _field(values.pop("key", None)) or key
            return message, field, {"name": field or "", **values}
    if (found := _EXPECTED.search(text)) and found["kind"] in _KINDS:
        return _KINDS[found["kind"]], key, {"name": key or ""}
    if key:
        return "%(name)s: %(reason)s", key, {"name": key, "reason": text}
    return "The request is not valid: %(reason)s", None, {"reason": text}
