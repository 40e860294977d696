"""Contacts and companies linked from either card, and clients picked by typing: two people of
the same name are told apart by phone and e-mail; pages without scripts still work; only what
the member may see; another workspace's records are a 404 like missing ones."""

import re
import uuid

import pytest
from playwright.async_api import expect

from tests.platform.conftest import join, mails_to, new_browser, sign_in  # noqa: F401
from tests.platform.crm.contacts.test_contact_pages import base, owner  # noqa: F401
from tests.web.conftest import screenshot_path
from tests.web.test_browser_daily_work import SCREENS, fits_width


async def _contact(client, workspace, **fields) -> str:
    made = await client.post("/api/v1/contacts", json=fields, headers=workspace["headers"])
    assert made.status_code == 201, made.text
    return made.json()["id"]


async def _company(client, workspace, name: str) -> str:
    made = await client.post("/api/v1/companies", json={"name": name}, headers=workspace["headers"])
    assert made.status_code == 201, made.text
    return made.json()["id"]


async def test_a_contact_is_linked_to_a_company_on_its_card_and_removed(owner, client):  # noqa: F811
    workspace, browser, csrf = owner
    nina = await _contact(client, workspace, first_name="Nina", last_name="Orlova")
    acme = await _company(client, workspace, "Acme Windows")
    await _company(client, workspace, "Bluebell Ltd")
    card = await browser.get(f"{base(workspace)}/contacts/{nina}")
    assert "Not linked to a company." in card.text

    # typed, no script: the one company that matches is taken
    linked = await browser.post(
        f"{base(workspace)}/contacts/{nina}/companies",
        data={"csrf_token": csrf, "company_id_text": "acme", "role": "Buyer"},
    )
    assert linked.status_code == 302, linked.text
    card = await browser.get(linked.headers["location"])
    assert f'href="{base(workspace)}/companies/{acme}">Acme Windows</a>' in card.text
    assert "Buyer" in card.text
    company = await browser.get(f"{base(workspace)}/companies/{acme}")
    assert f'href="{base(workspace)}/contacts/{nina}">Orlova Nina</a>' in company.text

    # the same company again changes the role
    await browser.post(
        f"{base(workspace)}/contacts/{nina}/companies",
        data={"csrf_token": csrf, "company_id": acme, "company_id_text": "Acme Windows",
              "role": "Director"},
    )  # fmt: skip
    answer = await client.get(f"/api/v1/contacts/{nina}", headers=workspace["headers"])
    assert answer.json()["companies"] == [{"company_id": acme, "role": "Director"}]

    nothing = await browser.post(
        f"{base(workspace)}/contacts/{nina}/companies?lang=ru",
        data={"csrf_token": csrf, "company_id_text": "Zzyzx", "role": "Buyer"},
    )
    assert nothing.status_code == 422
    assert re.search(r'id="company_id-error">Нет компании «Zzyzx»\.<', nothing.text)
    assert 'value="Zzyzx"' in nothing.text  # what was typed stays

    removed = await browser.post(
        f"{base(workspace)}/contacts/{nina}/companies/{acme}/remove", data={"csrf_token": csrf}
    )
    assert removed.status_code == 302
    answer = await client.get(f"/api/v1/contacts/{nina}", headers=workspace["headers"])
    assert answer.json()["companies"] == []
    history = await browser.get(f"{base(workspace)}/contacts/{nina}?lang=en")
    assert "Not linked to a company." in history.text
    assert "Changed: Companies" in history.text and "Changed: companies" not in history.text


async def test_a_company_card_adds_one_of_two_namesakes_told_apart_by_phone(owner, client):  # noqa: F811
    workspace, browser, csrf = owner
    first = await _contact(
        client, workspace, first_name="Maria", last_name="Ivanova",
        phones=[{"number": "+79161110001"}],
    )  # fmt: skip
    second = await _contact(
        client, workspace, first_name="Maria", last_name="Ivanova",
        phones=[{"number": "+79162220002"}], emails=[{"address": "maria@two.example"}],
    )  # fmt: skip
    acme = await _company(client, workspace, "Acme Windows")

    several = await browser.post(
        f"{base(workspace)}/companies/{acme}/people",
        data={"csrf_token": csrf, "contact_id_text": "Ivanova", "role": ""},
    )
    assert several.status_code == 422
    assert "Several match “Ivanova”" in several.text
    # a plain list to choose from, each with what tells it apart
    assert re.search(rf'<option value="{first}">Ivanova Maria \(\+7 916 111-00-01\)</option>',
                     several.text)  # fmt: skip
    assert f'<option value="{second}">Ivanova Maria (+7 916 222-00-02 · maria@two.example)' in (
        several.text
    )
    chosen = await browser.post(
        f"{base(workspace)}/companies/{acme}/people",
        data={"csrf_token": csrf, "contact_id": second, "contact_id_text": "Ivanova"},
    )
    assert chosen.status_code == 302
    card = await browser.get(f"{base(workspace)}/companies/{acme}")
    assert f"/contacts/{second}" in card.text and f"/contacts/{first}" not in card.text

    removed = await browser.post(
        f"{base(workspace)}/companies/{acme}/people/{second}/remove", data={"csrf_token": csrf}
    )
    assert removed.status_code == 302
    card = await browser.get(f"{base(workspace)}/companies/{acme}")
    assert f"/contacts/{second}" not in card.text


async def test_suggestions_name_phone_and_email_of_what_the_member_may_see(
    owner,  # noqa: F811
    client,
    join,  # noqa: F811
    sign_in,  # noqa: F811
):
    workspace, browser, _ = owner
    await _contact(
        client, workspace, first_name="Anna", last_name="Petrova",
        phones=[{"number": "+79163330003"}], emails=[{"address": "anna@p.example"}],
    )  # fmt: skip
    await _company(client, workspace, "Petrova & Sons")
    found = await browser.get(f"{base(workspace)}/suggest/contacts?q=petr")
    assert found.status_code == 200
    assert 'role="option"' in found.text and "Petrova Anna" in found.text
    assert "+7 916 333-00-03 · anna@p.example" in found.text
    by_phone = await browser.get(f"{base(workspace)}/suggest/contacts?q=3330003")
    assert "Petrova Anna" in by_phone.text
    companies = await browser.get(f"{base(workspace)}/suggest/companies?q=petr")
    assert "Petrova &amp; Sons" in companies.text
    assert (await browser.get(f"{base(workspace)}/suggest/deals?q=x")).status_code == 404

    # an employee sees only their own clients: the owner's are not suggested to them
    employee = await join(workspace, "employee")
    theirs = await sign_in(employee["email"])
    hidden = await theirs.get(f"{base(workspace)}/suggest/contacts?q=petr")
    assert hidden.status_code == 200 and "Petrova" not in hidden.text


async def test_an_employee_cannot_link_records_they_may_not_see(
    owner,  # noqa: F811
    client,
    join,  # noqa: F811
    sign_in,  # noqa: F811
):
    workspace, _, _ = owner
    owners_contact = await _contact(client, workspace, first_name="Owned")
    owners_company = await _company(client, workspace, "Owned Corp")
    employee = await join(workspace, "employee")
    browser = await sign_in(employee["email"])
    csrf = browser.headers.pop("X-CSRF-Token")
    slug = workspace["tenant"]["slug"]
    own = await browser.post(
        "/api/v1/contacts",
        json={"first_name": "Mine"},
        headers={"X-CSRF-Token": csrf, "X-Workspace": slug},
    )
    assert own.status_code == 201, own.text
    mine = own.json()["id"]
    to_hidden_company = await browser.post(
        f"{base(workspace)}/contacts/{mine}/companies",
        data={"csrf_token": csrf, "company_id": owners_company},
    )
    assert to_hidden_company.status_code == 404
    typed = await browser.post(
        f"{base(workspace)}/contacts/{mine}/companies",
        data={"csrf_token": csrf, "company_id_text": "Owned Corp"},
    )
    assert typed.status_code == 422 and "No company matches" in typed.text
    hidden_contact = await browser.post(
        f"{base(workspace)}/contacts/{owners_contact}/companies/{owners_company}/remove",
        data={"csrf_token": csrf},
    )
    assert hidden_contact.status_code == 404
    # nor through the API: a company they may not see is as one that does not exist
    through_api = await browser.patch(
        f"/api/v1/contacts/{mine}",
        json={"companies": [{"company_id": owners_company, "role": ""}]},
        headers={"X-CSRF-Token": csrf, "X-Workspace": slug},
    )
    assert through_api.status_code == 422 and through_api.json()["field"] == "companies"


async def test_another_workspaces_contacts_and_companies_are_not_found(
    owner,  # noqa: F811
    client,
    make_workspace,
):
    workspace, browser, csrf = owner
    mine = await _contact(client, workspace, first_name="Local")
    my_company = await _company(client, workspace, "Local Ltd")
    other = await make_workspace(company="Elsewhere Salon")
    theirs = await _contact(client, other, first_name="Foreign", last_name="Secretova")
    their_company = await _company(client, other, "Foreign Corp")
    here = base(workspace)
    answers = [
        await browser.post(f"{here}/contacts/{mine}/companies",
                           data={"csrf_token": csrf, "company_id": their_company}),
        await browser.post(f"{here}/contacts/{theirs}/companies",
                           data={"csrf_token": csrf, "company_id": my_company}),
        await browser.post(f"{here}/contacts/{mine}/companies/{their_company}/remove",
                           data={"csrf_token": csrf}),
        await browser.post(f"{here}/contacts/{theirs}/companies/{my_company}/remove",
                           data={"csrf_token": csrf}),
        await browser.post(f"{here}/companies/{my_company}/people",
                           data={"csrf_token": csrf, "contact_id": theirs}),
        await browser.post(f"{here}/companies/{their_company}/people",
                           data={"csrf_token": csrf, "contact_id": mine}),
        await browser.post(f"{here}/companies/{my_company}/people/{theirs}/remove",
                           data={"csrf_token": csrf}),
        await browser.post(f"{here}/companies/{their_company}/people/{mine}/remove",
                           data={"csrf_token": csrf}),
        await browser.get(f"{base(other)}/suggest/contacts?q=foreign"),
    ]  # fmt: skip
    assert [answer.status_code for answer in answers] == [404] * len(answers)
    # the deal form answers for their client exactly as for one that does not exist
    foreign = await browser.post(
        f"{here}/deals", data={"csrf_token": csrf, "title": "X", "contact_id": theirs}
    )
    missing = await browser.post(
        f"{here}/deals", data={"csrf_token": csrf, "title": "X", "contact_id": str(uuid.uuid4())}
    )
    assert foreign.status_code == missing.status_code == 422
    assert "Foreign" not in foreign.text
    suggested = await browser.get(f"{here}/suggest/contacts?q=secretova")
    assert "Secretova" not in suggested.text
    nothing = await browser.post(
        f"{here}/deals", data={"csrf_token": csrf, "title": "X", "contact_id_text": "Secretova"}
    )
    assert nothing.status_code == 422 and "No client matches" in nothing.text


async def test_the_deal_form_picks_a_client_by_typing_without_scripts(owner, client):  # noqa: F811
    workspace, browser, csrf = owner
    await _contact(client, workspace, first_name="Oleg", last_name="Smirnov",
                   phones=[{"number": "+79164440004"}])  # fmt: skip
    wanted = await _contact(client, workspace, first_name="Oleg", last_name="Smirnov",
                            phones=[{"number": "+79165550005"}])  # fmt: skip
    form = await browser.get(f"{base(workspace)}/deals/new")
    assert 'name="contact_id_text"' in form.text and '<select id="contact_id"' not in form.text
    several = await browser.post(
        f"{base(workspace)}/deals",
        data={"csrf_token": csrf, "title": "Windows", "contact_id_text": "Smirnov Oleg"},
    )
    assert several.status_code == 422 and "+7 916 555-00-05" in several.text
    assert 'value="Windows"' in several.text
    created = await browser.post(
        f"{base(workspace)}/deals",
        data={"csrf_token": csrf, "title": "Windows", "contact_id": wanted,
              "contact_id_text": "Smirnov Oleg"},
    )  # fmt: skip
    assert created.status_code == 302, created.text
    deal = await client.get(
        f"/api/v1/deals/{created.headers['location'].rsplit('/', 1)[1]}",
        headers=workspace["headers"],
    )
    assert deal.json()["contact_id"] == wanted
    # a contact card's "new deal" link names its client by name in the form
    prefilled = await browser.get(f"{base(workspace)}/deals/new?contact_id={wanted}")
    assert 'value="Smirnov Oleg"' in prefilled.text and f'value="{wanted}"' in prefilled.text


@pytest.mark.parametrize("screen", SCREENS)
async def test_a_company_is_chosen_on_the_contact_card_by_keyboard_in_chromium(
    browser, live_server, make_workspace, client, screen
):
    workspace = await make_workspace(company="Клавиатура", vertical="general", locale="ru")
    nina = await _contact(client, workspace, first_name="Нина", last_name="Орлова")
    await _company(client, workspace, "Ромашка")
    await _company(client, workspace, "Ромб и Ко")
    context = await browser.new_context(viewport=SCREENS[screen])
    page = await context.new_page()
    await page.goto(f"{live_server}/login?lang=ru")
    await page.get_by_label("Эл. почта").fill(workspace["user"]["email"])
    await page.get_by_label("Пароль").fill(workspace["password"])
    await page.get_by_role("button", name="Войти").click()
    await expect(page).to_have_url(re.compile(r"/w/"))
    await page.goto(f"{live_server}{base(workspace)}/contacts/{nina}")
    field = page.get_by_role("combobox", name="Компания")
    await field.press_sequentially("ром")
    options = page.get_by_role("option")
    await expect(options).to_have_count(2)
    await field.press("ArrowDown")
    await field.press("ArrowDown")  # the second: "Ромб и Ко"
    await field.press("Enter")
    await expect(field).to_have_value("Ромб и Ко")
    await page.get_by_label("Должность").fill("Бухгалтер")
    await page.get_by_role("button", name="Связать с компанией").click()
    await expect(page.get_by_role("status")).to_have_text("Компания сохранена.")
    link = page.get_by_role("link", name="Ромб и Ко")
    await expect(link).to_be_visible()
    await fits_width(page, SCREENS[screen]["width"])
    await page.screenshot(path=screenshot_path(f"{screen}-contact-company-ru"), full_page=True)
    await link.click()
    await expect(page.get_by_role("link", name="Орлова Нина")).to_be_visible()
    await expect(page.get_by_text("Бухгалтер")).to_be_visible()
    await context.close()
