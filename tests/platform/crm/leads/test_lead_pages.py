"""Lead pages over real HTTP: adding a lead by hand (with a message next to a bad field),
assigning it, converting it into a contact and a deal, and another workspace's lead unreachable."""

import re

from tests.platform.conftest import join, mails_to, new_browser, sign_in  # noqa: F401
from tests.platform.crm.contacts.test_contact_pages import base, owner  # noqa: F401


async def add_lead(browser, workspace, csrf, **fields):
    data = {"csrf_token": csrf, "source": "manual", **fields}
    return await browser.post(f"{base(workspace)}/leads", data=data)


def lead_ids(inbox_html: str) -> list[str]:
    return re.findall(r'/leads/([0-9a-f-]{36})/convert"', inbox_html)


async def test_a_lead_is_added_assigned_and_converted_to_a_contact(owner, join):  # noqa: F811
    workspace, browser, csrf = owner
    empty = await browser.get(f"{base(workspace)}/leads")
    assert empty.status_code == 200
    assert "No leads yet" in empty.text

    added = await add_lead(
        browser,
        workspace,
        csrf,
        name="Olga Smirnova",
        phone="+7 916 222-33-44",
        email="olga@example.com",
        source="call",
        message="Wants a haircut on Saturday",
    )
    assert added.status_code == 302, added.text
    inbox = await browser.get(added.headers["location"])
    assert "The lead is added." in inbox.text
    assert "Olga Smirnova" in inbox.text and "Wants a haircut on Saturday" in inbox.text
    assert 'href="tel:+79162223344"' in inbox.text and "+7 916 222-33-44" in inbox.text
    assert "Unsorted" in inbox.text and "Call" in inbox.text
    [lead_id] = lead_ids(inbox.text)

    colleague = await join(workspace, "employee")
    assigned = await browser.post(
        f"{base(workspace)}/leads/{lead_id}/assign",
        data={"csrf_token": csrf, "assignee_id": colleague["user_id"], "status": "unsorted"},
    )
    assert assigned.status_code == 302
    assert "status=unsorted" in assigned.headers["location"]  # the filter is kept
    assert "is assigned to Employee" in (await browser.get(assigned.headers["location"])).text
    shown = await browser.get(f"{base(workspace)}/leads?status=assigned")
    assert "Olga Smirnova" in shown.text and "Employee" in shown.text
    unsorted = await browser.get(f"{base(workspace)}/leads?status=unsorted")
    assert "Olga Smirnova" not in unsorted.text
    assert "No leads with this status" in unsorted.text

    converted = await browser.post(
        f"{base(workspace)}/leads/{lead_id}/convert", data={"csrf_token": csrf}
    )
    assert converted.status_code == 302, converted.text
    assert re.search(r"/contacts/[0-9a-f-]{36}$", converted.headers["location"])
    card = await browser.get(converted.headers["location"])
    assert card.status_code == 200
    assert "Smirnova Olga" in card.text and 'href="tel:+79162223344"' in card.text
    assert "The lead is converted" in card.text
    assert "Deal created" in card.text  # the deal is on the contact's timeline

    done = await browser.get(f"{base(workspace)}/leads?status=converted")
    assert "Olga Smirnova" in done.text and "Converted" in done.text
    assert lead_ids(done.text) == []  # nothing left to convert
    again = await browser.post(
        f"{base(workspace)}/leads/{lead_id}/convert", data={"csrf_token": csrf}
    )
    assert "converted already" in (await browser.get(again.headers["location"])).text


async def test_a_bad_phone_is_explained_next_to_the_field_and_nothing_is_saved(owner):  # noqa: F811
    workspace, browser, csrf = owner
    answer = await add_lead(
        browser, workspace, csrf, name="Пётр", phone="12", message="Перезвоните"
    )
    assert answer.status_code == 422
    error = re.search(r'id="phone-error">([^<]+)<', answer.text)
    assert error and "12 is not a phone number." in error.group(1)
    assert 'value="Пётр"' in answer.text and 'value="12"' in answer.text
    assert ">Перезвоните</textarea>" in answer.text
    inbox = await browser.get(f"{base(workspace)}/leads")
    assert "No leads yet" in inbox.text

    russian = await browser.post(
        f"{base(workspace)}/leads?lang=ru", data={"csrf_token": csrf, "source": "manual"}
    )
    assert russian.status_code == 422
    assert "Укажите в заявке имя, телефон или e-mail." in russian.text
    assert "Добавить заявку" in russian.text


async def test_a_member_without_the_right_cannot_assign(owner, join, sign_in):  # noqa: F811
    workspace, browser, csrf = owner
    added = await add_lead(browser, workspace, csrf, name="Ivan", phone="+7 916 111-22-33")
    [lead_id] = lead_ids((await browser.get(added.headers["location"])).text)
    employee = await join(workspace, "employee")
    theirs = await sign_in(employee["email"])
    their_csrf = theirs.headers.pop("X-CSRF-Token")
    inbox = await theirs.get(f"{base(workspace)}/leads")
    assert inbox.status_code == 200 and "Ivan" not in inbox.text  # not assigned to them
    refused = await theirs.post(
        f"{base(workspace)}/leads/{lead_id}/assign",
        data={"csrf_token": their_csrf, "assignee_id": employee["user_id"]},
    )
    assert refused.status_code == 302
    assert "does not allow" in (await theirs.get(refused.headers["location"])).text
    listed = await browser.get(f"{base(workspace)}/leads?status=unsorted")
    assert "Ivan" in listed.text  # still in the inbox, unassigned


async def test_another_workspaces_lead_is_not_found_and_unchanged(owner, make_workspace, client):  # noqa: F811
    workspace, browser, csrf = owner
    other = await make_workspace(company="Other Leads Shop")
    theirs = await client.post(
        "/api/v1/leads",
        json={"source": "form", "name": "Secret lead", "phone": "+79163334455"},
        headers=other["headers"],
    )
    assert theirs.status_code == 201, theirs.text
    their_id = theirs.json()["id"]
    assert (await browser.get(f"{base(other)}/leads")).status_code == 404
    me = workspace["user"]["id"]
    assign = await browser.post(
        f"{base(workspace)}/leads/{their_id}/assign", data={"csrf_token": csrf, "assignee_id": me}
    )
    assert assign.status_code == 404
    convert = await browser.post(
        f"{base(workspace)}/leads/{their_id}/convert", data={"csrf_token": csrf}
    )
    assert convert.status_code == 404
    assert "Secret lead" not in (await browser.get(f"{base(workspace)}/leads")).text
    still = await client.get(f"/api/v1/leads/{their_id}", headers=other["headers"])
    assert still.json()["status"] == "unsorted" and still.json()["assignee_id"] is None
    contacts = await client.get("/api/v1/contacts", headers=other["headers"])
    assert contacts.json()["items"] == []
