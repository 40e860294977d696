"""The home page's getting-started checklist: each trade's own steps, each done once the
workspace has what it asks for (the demo's data counts), linking where the step is done."""

import html
import re
import secrets

from playwright.async_api import expect

from atrium.tenants.service import sign_up
from atrium.tenants.signup import checked_signup
from tests.helpers import STRONG_PASSWORD
from tests.platform.conftest import new_browser, sign_in  # noqa: F401
from tests.verticals.salon.conftest import build_salon, sms_sink
from tests.web.conftest import screenshot_path

ITEM = re.compile(r'<li class="(done)?">(.*?)</li>', re.S)


async def checklist(browser, slug: str, lang: str = "en") -> dict[str, tuple[bool, str | None]]:
    """Each step of the home page's checklist: whether it is done, and where it links."""
    home = await browser.get(f"/w/{slug}/?lang={lang}")
    assert home.status_code == 200, home.text
    steps = {}
    for done, item in ITEM.findall(home.text):
        link = re.search(r'<a href="([^"]+)">([^<]+)</a>', item)
        label = link[2] if link else re.search(r"<s>([^<]+)</s>", item)[1]
        steps[html.unescape(label)] = (bool(done), link[1] if link else None)
    return steps


async def test_a_new_general_crm_ticks_its_steps_off_as_it_adds_data(
    client,
    make_workspace,
    sign_in,  # noqa: F811
):
    workspace = await make_workspace(company="Steps Trading", vertical="general")
    slug, headers = workspace["tenant"]["slug"], workspace["headers"]
    browser = await sign_in(workspace["user"]["email"])
    steps = await checklist(browser, slug)
    assert steps == {
        "Add your first client": (False, f"/w/{slug}/contacts/new"),
        "Add your services and prices": (False, f"/w/{slug}/settings/products"),
        "Create a deal": (False, f"/w/{slug}/deals/new"),
        "Invite a colleague": (False, f"/w/{slug}/settings/members"),
        "Connect SMS or Telegram for reminders": (False, f"/w/{slug}/settings/messaging"),
    }
    home = await browser.get(f"/w/{slug}/")
    assert "0 of 5 done" in home.text

    contact = await client.post("/api/v1/contacts", json={"first_name": "Ann"}, headers=headers)
    assert contact.status_code == 201, contact.text
    product = await client.post(
        "/api/v1/products",
        json={"sku": "C-1", "name": "Consulting hour", "price": "100"},
        headers=headers,
    )
    assert product.status_code == 201, product.text
    steps = await checklist(browser, slug)
    assert steps["Add your first client"][0] and steps["Add your services and prices"][0]
    assert not steps["Create a deal"][0]
    assert "2 of 5 done" in (await browser.get(f"/w/{slug}/")).text

    configured = await client.put(
        "/api/v1/settings/sms",
        json={"gateway_url": sms_sink(), "token": "gw", "sender": "Steps", "monthly_quota": 10},
        headers=headers,
    )
    assert configured.status_code == 200, configured.text
    assert (await checklist(browser, slug))["Connect SMS or Telegram for reminders"][0]


async def test_a_salons_steps_are_its_services_masters_clients_and_first_visit(
    client,
    db,
    make_workspace,
    sign_in,  # noqa: F811
):
    workspace = await make_workspace(company="Steps Salon", vertical="salon")
    slug = workspace["tenant"]["slug"]
    browser = await sign_in(workspace["user"]["email"])
    steps = await checklist(browser, slug)
    assert steps == {
        "Add your services and prices": (False, f"/w/{slug}/salon/catalog/services"),
        "Add your masters and their hours": (False, f"/w/{slug}/salon/catalog/masters"),
        "Add your first client": (False, f"/w/{slug}/contacts/new"),
        "Book the first visit": (False, f"/w/{slug}/salon/journal/new"),
        "Invite a colleague": (False, f"/w/{slug}/settings/members"),
        "Connect SMS or Telegram for reminders": (False, f"/w/{slug}/settings/messaging"),
    }
    # the link opens the salon's services, not the core's product catalogue
    services_page = await browser.get(steps["Add your services and prices"][1])
    assert services_page.status_code == 200

    salon = await build_salon(db, workspace)  # a salon, its services, two masters, a client
    steps = await checklist(browser, slug)
    assert steps["Add your services and prices"] == (True, None)
    assert steps["Add your masters and their hours"] == (True, None)
    assert steps["Add your first client"] == (True, None)
    assert steps["Book the first visit"] == (False, f"/w/{slug}/salon/journal/new")

    booked = await client.post(
        "/api/v1/salon/visits",
        json={
            "client_id": str(salon.client_id),
            "master_id": str(salon.anna),
            "start": salon.at(11).isoformat(),
            "service_ids": [str(salon.cut)],
        },
        headers=salon.headers,
    )
    assert booked.status_code == 201, booked.text
    assert (await checklist(browser, slug))["Book the first visit"] == (True, None)
    assert "4 of 6 done" in (await browser.get(f"/w/{slug}/")).text


async def test_the_demo_salons_checklist_counts_the_demo_data(db, migrated, sign_in):  # noqa: F811
    email = f"steps-demo-{secrets.token_hex(3)}@example.com"
    request = checked_signup(
        company="Демо Шаги", email=email, password=STRONG_PASSWORD, vertical="salon",
        locale="ru", name="Лиза",
    )  # fmt: skip
    workspace = await sign_up(db, request, demo=True)
    browser = await sign_in(email)
    steps = await checklist(browser, workspace.slug, "ru")
    done = {label for label, (finished, _) in steps.items() if finished}
    assert done == {
        "Добавьте услуги и цены",
        "Добавьте мастеров и их часы работы",
        "Добавьте первого клиента",
        "Запишите клиента на первый визит",
    }, steps


async def test_the_home_page_checklist_in_russian_in_chromium(browser, live_server, db, client):
    email = f"steps-ru-{secrets.token_hex(3)}@example.com"
    request = checked_signup(
        company="Салон Шаги", email=email, password=STRONG_PASSWORD, vertical="salon",
        locale="ru", name="Вера",
    )  # fmt: skip
    workspace = await sign_up(db, request)
    context = await browser.new_context(viewport={"width": 375, "height": 812})
    page = await context.new_page()
    await page.goto(f"{live_server}/login?lang=ru")
    await page.get_by_label("Эл. почта").fill(email)
    await page.get_by_label("Пароль").fill(STRONG_PASSWORD)
    await page.get_by_role("button", name="Войти").click()
    await expect(page).to_have_url(re.compile(rf"/w/{workspace.slug}/?$"))
    setup = page.locator("section[aria-labelledby=setup]")
    await expect(setup.get_by_role("heading")).to_have_text("С чего начать")
    await expect(setup.locator(".muted")).to_have_text("Сделано 0 из 6")
    await page.screenshot(path=screenshot_path("phone-home-checklist-ru"), full_page=True)
    await setup.get_by_role("link", name="Добавьте услуги и цены").click()
    await expect(page).to_have_url(re.compile(r"/salon/catalog/services$"))
    await context.close()
