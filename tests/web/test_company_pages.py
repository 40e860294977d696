"""Company pages: add one with a bad phone fixed after its message, see it in the list and
its card with the people who work there; another workspace's company is not found."""

from tests.platform.conftest import new_browser, sign_in  # noqa: F401
from tests.web.test_contact_pages import base, owner  # noqa: F401


async def test_a_company_is_added_listed_and_shows_its_people(owner, client):  # noqa: F811
    workspace, browser, csrf = owner
    bad = await browser.post(
        f"{base(workspace)}/companies",
        data={"csrf_token": csrf, "name": "Bluebell Ltd", "phone": "12"},
    )
    assert bad.status_code == 422 and 'id="phone-error"' in bad.text
    assert 'value="Bluebell Ltd"' in bad.text
    created = await browser.post(
        f"{base(workspace)}/companies",
        data={"csrf_token": csrf, "name": "Bluebell Ltd", "phone": "+7 495 123-45-67",
              "tags": "supplier"},
    )  # fmt: skip
    assert created.status_code == 302
    company_id = created.headers["location"].rsplit("/", 1)[1]
    await client.post(
        "/api/v1/contacts",
        json={"first_name": "Nina", "companies": [{"company_id": company_id, "role": "Buyer"}]},
        headers=workspace["headers"],
    )
    card = await browser.get(created.headers["location"])
    assert "Bluebell Ltd" in card.text and "+7 495 123-45-67" in card.text
    assert "Nina" in card.text and "Buyer" in card.text
    listed = await browser.get(f"{base(workspace)}/companies?q=blue")
    assert "Bluebell Ltd" in listed.text and "supplier" in listed.text


async def test_another_workspaces_company_is_not_found(owner, make_workspace, client):  # noqa: F811
    workspace, browser, csrf = owner
    other = await make_workspace(company="Other Company Shop")
    theirs = await client.post(
        "/api/v1/companies", json={"name": "Secret Corp"}, headers=other["headers"]
    )
    their_id = theirs.json()["id"]
    assert (await browser.get(f"{base(workspace)}/companies/{their_id}")).status_code == 404
    changed = await browser.post(
        f"{base(workspace)}/companies/{their_id}", data={"csrf_token": csrf, "name": "Mine now"}
    )
    assert changed.status_code == 404
