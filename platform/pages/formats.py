"""Numbers, money, dates and phones as the page's locale writes them (Babel, phonenumbers)."""

from collections import Counter
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from zoneinfo import ZoneInfo

import phonenumbers
from babel.core import Locale
from babel.dates import format_date, format_time
from babel.localedata import locale_identifiers
from babel.numbers import (
    format_currency,
    format_decimal,
    get_currency_symbol,
    get_territory_currencies,
)


@cache
def currency_sign(currency: str, locale: str) -> str:
    """The locale's sign for the currency; where the locale only knows its code (English and
    the rouble), the sign most locales use (₽), as people write it."""
    own = get_currency_symbol(currency, locale)
    if own != currency:
        return own
    # The locales of the countries that pay in it (cheap to find; few to load).
    homes = {t for t in Locale("en").territories if currency in get_territory_currencies(t)}
    signs = Counter(
        sign
        for identifier in locale_identifiers()
        if identifier.rpartition("_")[2] in homes
        and (sign := get_currency_symbol(currency, identifier)) != currency
    )
    return signs.most_common(1)[0][0] if signs else currency


def money(amount: Decimal | int | float | None, currency: str, locale: str) -> str:
    """1 234,50 ₽ in Russian, ₽1,234.50 in English."""
    if amount is None:
        return ""
    text = format_currency(amount, currency, locale=locale)
    sign = currency_sign(currency, locale)
    return text.replace(currency, sign) if sign != currency else text


def number(value: int | float | Decimal, locale: str) -> str:
    return format_decimal(value, locale=locale)


def day(value: date | datetime | None, locale: str, zone: str | None = None) -> str:
    """ "четверг, 5 марта" / "Thursday, 5 March" (with the year when it is not this year)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(ZoneInfo(zone)) if zone else value
        value = value.date()
    pattern = "EEEE, d MMMM" if value.year == date.today().year else "EEEE, d MMMM y"
    return format_date(value, pattern, locale=locale)


def short_date(value: date | datetime | None, locale: str, zone: str | None = None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime) and zone:
        value = value.astimezone(ZoneInfo(zone))
    return format_date(value, "medium", locale=locale)


def moment(value: datetime | None, locale: str, zone: str) -> str:
    """A date and time in the workspace's zone: "5 мар. 2026 г., 15:00"."""
    if value is None:
        return ""
    local = value.astimezone(ZoneInfo(zone))
    return f"{format_date(local, 'medium', locale=locale)}, {clock(local, locale, zone)}"


def clock(value: datetime | None, locale: str, zone: str) -> str:
    if value is None:
        return ""
    return format_time(value, "short", tzinfo=ZoneInfo(zone), locale=locale)


def phone(number_e164: str) -> str:
    """+7 916 123-45-67; what cannot be read is shown as stored."""
    try:
        parsed = phonenumbers.parse(number_e164, None)
    except phonenumbers.NumberParseException:
        return number_e164
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def capital(text: str) -> str:
    """The first letter upper-case and the rest as written: "Четверг, 5 марта", "Thursday, 5
    March" (Jinja's ``capitalize`` lowers the rest: "Thursday, 5 march")."""
    return text[:1].upper() + text[1:]


def formatters(locale: str, zone: str = "UTC", currency: str = "RUB") -> dict:
    """What templates call: money(x), day(d), moment(dt), phone(n), number(n)."""
    return {
        "money": lambda amount, code=None: money(amount, code or currency, locale),
        "number": lambda value: number(value, locale),
        "day": lambda value: day(value, locale, zone),
        "short_date": lambda value: short_date(value, locale, zone),
        "moment": lambda value: moment(value, locale, zone),
        "clock": lambda value: clock(value, locale, zone),
        "phone": phone,
        "capital": capital,
    }
