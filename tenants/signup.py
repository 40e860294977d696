"""What a signup must give, checked before anything is created."""

import re
import zoneinfo
from dataclasses import dataclass

from slugify import slugify
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.platform.auth.accounts import checked_email
from atrium.platform.auth.models import User
from atrium.platform.auth.passwords import check_password
from atrium.platform.errors import Conflict, Invalid
from atrium.platform.packs import vertical_choices
from atrium.platform.tenancy.models import Tenant

COMPANY_LIMIT = 200  # a workspace's name as typed at sign-up
NAME_LIMIT = 200  # the owner's name

LOCALES = ("en", "ru")
# Slugs that would clash with the app's own paths or mislead users.
RESERVED_SLUGS = {"api", "admin", "static", "login", "logout", "signup", "w", "www", "new"}


@dataclass(frozen=True)
class SignupRequest:
    company: str
    email: str
    password: str
    vertical: str
    locale: str
    name: str = ""
    timezone: str | None = None
    currency: str | None = None
    country: str | None = None


def checked_signup(
    company: str,
    email: str,
    password: str,
    vertical: str,
    locale: str,
    name: str = "",
    timezone: str | None = None,
    currency: str | None = None,
    country: str | None = None,
) -> SignupRequest:
    """A SignupRequest with every field checked; raises Invalid naming the first bad field."""
    company = checked_company(company)
    email = checked_email(email)
    check_vertical_and_locale(vertical, locale)
    check_password(password, email=email, name=name)
    if timezone is not None and timezone not in zoneinfo.available_timezones():
        raise Invalid("Unknown time zone '%(zone)s'.", field="timezone", zone=timezone)
    if currency is not None and not re.fullmatch(r"[A-Z]{3}", currency):
        raise Invalid("Currency must be an ISO 4217 code such as RUB or USD.", field="currency")
    if country is not None and not re.fullmatch(r"[A-Z]{2}", country):
        raise Invalid("Country must be an ISO 3166 code such as RU or US.", field="country")
    return SignupRequest(
        company=company,
        email=email,
        password=password,
        vertical=vertical,
        locale=locale,
        name=" ".join(name.split())[:NAME_LIMIT],
        timezone=timezone,
        currency=currency,
        country=country,
    )


def checked_company(company: str) -> str:
    company = " ".join(company.split())
    if not company:
        raise Invalid("Company name is required.", field="company")
    if len(company) > COMPANY_LIMIT:
        raise Invalid("Company name must be at most 200 characters.", field="company")
    return company


def check_vertical_and_locale(vertical: str, locale: str) -> None:
    if vertical not in vertical_choices():
        raise Invalid(
            "Unknown vertical '%(vertical)s'; choose one of: %(choices)s.",
            field="vertical",
            vertical=vertical,
            choices=", ".join(vertical_choices()),
        )
    if locale not in LOCALES:
        raise Invalid(
            "Unknown locale '%(locale)s'; choose one of: en, ru.", field="locale", locale=locale
        )


async def ensure_email_free(session: AsyncSession, email: str) -> None:
    if await session.scalar(select(User.id).where(User.email == email)):
        raise Conflict(
            "An account with %(email)s already exists; sign in to add a workspace.",
            field="email",
            email=email,
        )


async def unique_slug(session: AsyncSession, company: str) -> str:
    base = slugify(company, max_length=50, word_boundary=True) or "workspace"
    if base in RESERVED_SLUGS:
        base = f"{base}-team"
    taken = set(
        await session.scalars(
            select(Tenant.slug).where((Tenant.slug == base) | Tenant.slug.like(f"{base}-%"))
        )
    )
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug
