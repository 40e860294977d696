"""Every page of a demo salon in headless Chromium, on a desk and on a 375 px phone: it opens,
the browser refuses nothing (Content-Security-Policy, scripts), nothing is wider than the
screen, and a screenshot of each lands in tests/artifacts/."""

import re
import secrets

import pytest
import sqlalchemy as sa
from playwright.async_api import expect

from atrium.platform.crm.companies.models import Company
from atrium.platform.crm.contacts.models import Contact
from atrium.platform.crm.deals.models import Deal
from atrium.tenants.service import sign_up
from atrium.tenants.signup import checked_signup
from tests.helpers import STRONG_PASSWORD
from tests.web.conftest import screenshot_path
from tests.web.test_browser_daily_work import SCREENS, fits_width

PAGES = {
    "home": "/", "contacts": "/contacts", "contact": "/contacts/{contact}",
    "contact-form": "/contacts/new", "companies": "/companies", "company": "/companies/{company}",
    "deals-board": "/deals", "deals-table": "/deals?view=table", "deal": "/deals/{deal}",
    "deal-form": "/deals/new", "leads": "/leads", "tasks-today": "/tasks",
    "tasks-overdue": "/tasks?view=overdue", "tasks-calendar": "/tasks?view=calendar",
    "appeals": "/appeals", "reports": "/reports", "report": "/reports/funnel",
    "dashboard": "/dashboard", "search": "/search?q=анна", "notifications": "/notifications",
    "settings": "/settings", "settings-workspace": "/settings/workspace",
    "settings-members": "/settings/members", "settings-pipelines": "/settings/pipelines",
    "settings-fields": "/settings/fields", "settings-products": "/settings/products",
    "settings-templates": "/settings/templates", "settings-api-keys": "/settings/api-keys",
    "settings-billing": "/settings/billing",
    "settings-appeal-subjects": "/settings/appeal-subjects",
    "settings-messaging": "/settings/messaging", "settings-outbox": "/settings/outbox",
    "notification-settings": "/notifications/settings",
    "segments": "/segments", "segment-form": "/segments/new", "campaigns": "/campaigns",
    "campaign-form": "/campaigns/new", "imports": "/imports",
}  # fmt: skip


@pytest.fixture(scope="module")
async def demo_salon(db, migrated):
    email = f"every-page-{secrets.token_hex(3)}@example.com"
    request = checked_signup(
        company="Салон Демо", email=email, password=STRONG_PASSWORD, vertical="salon",
        locale="ru", name="Лиза",
    )  # fmt: skip
    workspace = await sign_up(db, request, demo=True)
    async with db.tenant_transaction(workspace.schema) as session:
        records = {
            "contact": await session.scalar(sa.select(Contact.id).limit(1)),
            "company": await session.scalar(sa.select(Company.id).limit(1)),
            "deal": await session.scalar(sa.select(Deal.id).limit(1)),
        }
    return email, f"/w/{workspace.slug}", records


@pytest.mark.parametrize("screen", SCREENS)
async def test_every_page_opens_cleanly(browser, live_server, demo_salon, screen):
    email, base, records = demo_salon
    context = await browser.new_context(viewport=SCREENS[screen])
    page = await context.new_page()
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if m.type == "error" else None)
    await page.goto(f"{live_server}/login")
    await page.get_by_label(re.compile("E-mail|Эл. почта")).fill(email)
    await page.get_by_label(re.compile("Password|Пароль")).fill(STRONG_PASSWORD)
    await page.get_by_role("button", name=re.compile("Sign in|Войти")).click()
    await expect(page).to_have_url(re.compile(r"/w/"))
    for name, path in PAGES.items():
        url = f"{live_server}{base}{path.format(**records)}"
        answer = await page.goto(url)
        assert answer.status == 200, f"{name}: {answer.status}"
        await expect(page.locator("main h1").first).to_be_visible()
        await page.screenshot(path=screenshot_path(f"{screen}-page-{name}"), full_page=True)
        await fits_width(page, SCREENS[screen]["width"])
    assert not refused, refused
    await context.close()
