"""Every text input and text area of a demo salon's pages carries ``maxlength``: the limit the
service or the model holds it to, so no one types what will be refused. Number fields
(``inputmode`` decimal or numeric) are held to a range of values instead, said beside them."""

import re
import secrets

import pytest
import sqlalchemy as sa

from atrium.platform.crm.appeals.models import Appeal
from atrium.platform.crm.companies.models import Company
from atrium.platform.crm.contacts.models import Contact
from atrium.platform.crm.deals.models import Deal
from atrium.tenants.service import sign_up
from atrium.tenants.signup import checked_signup
from atrium.verticals.salon.models import LoyaltyCard, Master, Visit
from tests.helpers import STRONG_PASSWORD
from tests.platform.conftest import new_browser, sign_in  # noqa: F401
from tests.web.test_browser_every_page import PAGES

SALON_PAGES = {
    "salon-catalog": "/salon/catalog", "salon-new": "/salon/catalog/salons/new",
    "services": "/salon/catalog/services", "service-new": "/salon/catalog/services/new",
    "masters": "/salon/catalog/masters", "master-new": "/salon/catalog/masters/new",
    "master": "/salon/catalog/masters/{master}", "stock": "/salon/catalog/stock",
    "salon-settings": "/salon/catalog/settings", "journal": "/salon/journal",
    "journal-book": "/salon/journal/new", "visit": "/salon/journal/visits/{visit}",
    "clients": "/salon/clients", "loyalty-cards": "/salon/loyalty-cards",
    "loyalty-card": "/salon/loyalty-cards/{card}", "appeal": "/appeals/{appeal}",
    "company-form": "/companies/new", "contact-edit": "/contacts/{contact}/edit",
    "company-edit": "/companies/{company}/edit", "product-form": "/settings/products/new",
    "template-form": "/settings/templates/birthday/ru",
}  # fmt: skip
TEXT_LIKE = {"text", "search", "tel", "email", "url", "password"}
TAG = re.compile(r"<(input|textarea)\b([^>]*)>", re.S)


def unlimited(html: str) -> list[str]:
    """The text inputs and text areas a user can type into that carry no maxlength."""
    found = []
    for kind, attributes in TAG.findall(html):
        typed = re.search(r'\btype="([^"]+)"', attributes)
        if kind == "input" and (typed[1] if typed else "text") not in TEXT_LIKE:
            continue
        if re.search(r"\breadonly\b", attributes) or re.search(r'maxlength="\d+"', attributes):
            continue
        if re.search(r'inputmode="(decimal|numeric)"', attributes):
            continue
        name = re.search(r'\bname="([^"]+)"', attributes)
        found.append(name[1] if name else attributes.strip()[:60])
    return found


@pytest.fixture(scope="module")
async def demo_salon(db, migrated):
    email = f"limits-{secrets.token_hex(3)}@example.com"
    request = checked_signup(
        company="Салон Лимиты", email=email, password=STRONG_PASSWORD, vertical="salon",
        locale="ru", name="Лиза",
    )  # fmt: skip
    workspace = await sign_up(db, request, demo=True)
    async with db.tenant_transaction(workspace.schema) as session:
        records = {
            name: await session.scalar(sa.select(model.id).limit(1))
            for name, model in (
                ("contact", Contact), ("company", Company), ("deal", Deal), ("appeal", Appeal),
                ("master", Master), ("visit", Visit), ("card", LoyaltyCard),
            )
        }  # fmt: skip
    return email, f"/w/{workspace.slug}", records


async def test_every_text_input_of_every_page_carries_its_limit(demo_salon, sign_in):  # noqa: F811
    email, base, records = demo_salon
    browser = await sign_in(email)
    missing = {}
    for name, path in {**PAGES, **SALON_PAGES}.items():
        if "{" in path and not all(records.get(key) for key in re.findall(r"{(\w+)}", path)):
            continue
        answer = await browser.get(base + path.format(**records))
        assert answer.status_code == 200, (name, answer.status_code)
        if fields := unlimited(answer.text):
            missing[name] = fields
    for path in ("/login", "/signup", "/forgot-password", "/workspaces/new"):
        if fields := unlimited((await browser.get(path)).text):
            missing[path] = fields
    assert not missing, "\n".join(f"{page}: {fields}" for page, fields in missing.items())
