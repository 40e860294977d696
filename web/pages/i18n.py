"""Page translations: gettext catalogs (.po, read with Babel) for English and Russian."""

import gettext
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from markupsafe import Markup

from atrium.platform.components import component_folders
from atrium.platform.language import DEFAULT_LOCALE, LOCALES, Term, pick_locale
from atrium.web.pages.field_labels import field_label

__all__ = ["DEFAULT_LOCALE", "LOCALES", "pick_locale"]
LOCALE_DIR = Path(__file__).parent / "locales"


# messages.po first; then every other catalog of the language (a group of pages each, errors.po
# for the services' messages, and the packs' own catalogs), in name order.
MAIN_CATALOG = "messages.po"


def _compiled(po: Path, locale: str) -> gettext.GNUTranslations:
    with po.open("rb") as source:
        catalog = read_po(source, locale=locale)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


@cache
def translations(locale: str) -> gettext.NullTranslations:
    folders = [LOCALE_DIR, *component_folders("locales")]
    paths = sorted(
        (po for folder in folders for po in (folder / locale / "LC_MESSAGES").glob("*.po")),
        key=lambda po: (po.name != MAIN_CATALOG, po.name),
    )
    found = [_compiled(po, locale) for po in paths]
    if not found:
        return gettext.NullTranslations()
    for catalog, fallback in zip(found, found[1:], strict=False):
        catalog.add_fallback(fallback)
    return found[0]


def template_functions(locale: str) -> dict:
    """``_``, ``gettext`` and ``ngettext`` for templates, in Jinja's new style:
    ``_("Hello, %(name)s", name=user)`` with the values escaped."""
    catalog = translations(locale)

    def translate(message: str, **values) -> Markup:
        text = Markup(catalog.gettext(message))
        return text % values if values else text

    def translate_plural(singular: str, plural: str, num: int, **values) -> Markup:
        return Markup(catalog.ngettext(singular, plural, num)) % {"num": num, **values}

    def plan_name(name: str) -> str:
        return catalog.pgettext("plan", name)

    return {
        "_": translate,
        "gettext": translate,
        "ngettext": translate_plural,
        "plan_name": plan_name,
    }


def plain_text(locale: str, message: str, /, **values) -> str:
    """Translated and filled in as plain text (for code: notices, form messages); the
    template escapes it when it shows it, once."""
    text = translations(locale).gettext(message)
    return text % values if values else text


def plain_plural(locale: str, singular: str, plural: str, num: int, /, **values) -> str:
    return translations(locale).ngettext(singular, plural, num) % {"num": num, **values}


def message_text(locale: str, message: str, field: str | None = None, /, **values) -> str:
    """A service's message in ``locale``, filled in; a value that is the field's own key (the
    services write ``name=field``) is named by the field's label in that language instead, and
    a ``Term`` (a plan's name) is translated too."""
    catalog = translations(locale)
    if field is not None:
        label = catalog.gettext(field_label(field))
        values = {name: label if value == field else value for name, value in values.items()}
    values = {
        name: term_text(locale, value) if isinstance(value, Term) else value
        for name, value in values.items()
    }
    return plain_text(locale, message, **values)


def term_text(locale: str, term: Term) -> str:
    if term.names:
        return term.names.get(locale) or str(term)
    catalog = translations(locale)
    return catalog.pgettext(term.context, term) if term.context else catalog.gettext(term)
