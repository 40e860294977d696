"""The language of an API answer, by one rule for every route (``/api/v1`` and the public
booking API alike):

1. the caller's ``Accept-Language``, when it names a language Atrium speaks (en, ru);
2. else the language of the workspace the caller's credential belongs to;
3. else English.

The texts themselves live in the app's gettext catalogs, which ``web`` assembles; it hands the
app a ``translate`` function (``app.state.translate``) that problem details go through.
"""

from collections.abc import Callable

import structlog
from litestar.connection import ASGIConnection

from atrium.platform.language import DEFAULT_LOCALE, accepted_locales

log = structlog.get_logger("atrium.http")
# (locale, message with %(name)s placeholders, field the message is about, **values) -> text
Translate = Callable[..., str]


def asked_locale(connection: ASGIConnection) -> str | None:
    """The language the caller's ``Accept-Language`` asks for, if Atrium speaks one it names."""
    accepted = accepted_locales(connection.headers.get("accept-language", ""))
    return accepted[0] if accepted else None


def answer_locale(connection: ASGIConnection) -> str:
    if asked := asked_locale(connection):
        return asked
    principal = connection.state.get("principal") if "principal" in connection.state else None
    if principal is not None:
        return principal.workspace.locale
    return DEFAULT_LOCALE


def untranslated(locale: str, message: str, field: str | None = None, /, **values) -> str:
    return message % values if values else message


def say(connection: ASGIConnection, message: str, field: str | None = None, /, **values) -> str:
    """``message`` in the answer's language, filled in with ``values``."""
    translate: Translate = getattr(connection.app.state, "translate", None) or untranslated
    locale = answer_locale(connection)
    try:
        return translate(locale, message, field, **values)
    except (KeyError, TypeError, ValueError):
        # A translation that does not fit its values: the English beats a 500.
        log.error("translation_unusable", message=message, locale=locale)
        return untranslated(locale, message, field, **values)
