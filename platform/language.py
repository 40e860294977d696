"""The languages Atrium speaks, and choosing one: a person's explicit choice first, then what
their browser or client asks for (``Accept-Language``, by its q-values), then English."""

LOCALES = ("en", "ru")
DEFAULT_LOCALE = "en"


def accepted_locales(accept_language: str) -> list[str]:
    """The languages Atrium speaks among those the header names, most wanted first."""
    wanted: list[tuple[float, int, str]] = []
    for order, part in enumerate(accept_language.split(",")):
        tag, _, parameters = part.partition(";")
        code = tag.strip().lower()[:2]
        weight = 1.0
        for parameter in parameters.split(";"):
            name, _, value = parameter.partition("=")
            if name.strip() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if code in LOCALES and weight > 0:
            wanted.append((-weight, order, code))
    return list(dict.fromkeys(code for *_, code in sorted(wanted)))


def pick_locale(*candidates: str | None, accept_language: str = "") -> str:
    """The first supported locale among explicit choices, then the browser's preference."""
    for candidate in candidates:
        if candidate in LOCALES:
            return candidate
    accepted = accepted_locales(accept_language)
    return accepted[0] if accepted else DEFAULT_LOCALE


class Term(str):
    """A word of Atrium's own inside a message, such as a plan's or a pack's name: translated
    with the message into the reader's language, unlike names people typed. ``context`` tells
    it apart from the same English word elsewhere (the plan "Start" is not the start of a
    visit); ``names`` gives it in each language outright (a pack names itself so)."""

    context: str | None
    names: dict[str, str]

    def __new__(
        cls, text: str, context: str | None = None, names: dict[str, str] | None = None
    ) -> "Term":
        term = super().__new__(cls, text)
        term.context = context
        term.names = names or {}
        return term


def plan_name(name: str) -> Term:
    """A plan's name (Free, Start, Business, Network) as a term to translate."""
    return Term(name, "plan")
