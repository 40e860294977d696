"""Company pages: add one with a bad phone fixed after its message, see it in the list and
its card with the people who work there; another workspace's company is not found."""

from tests.platform.conftest import join, mails_to, new_browser, sign_in  # noqa: F401
from tests.platform.crm.contacts.test_contact_pages import base, owner  # noqa: F401


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


async def _companies(browser, workspace, csrf, *names: str) -> list[str]:
    ids = []
    for name in names:
        answer = await browser.post(
            f"{base(workspace)}/companies", data={"csrf_token": csrf, "name": name}
        )
        assert answer.status_code == 302, answer.text
        ids.append(answer.headers["location"].rsplit("/", 1)[1])
    return ids


async def test_companies_are_tagged_in_bulk_and_filtered_by_tag_and_owner(
    owner,  # noqa: F811
    join,  # noqa: F811
    make_workspace,
):
    workspace, browser, csrf = owner
    ids = await _companies(browser, workspace, csrf, "Alder Ltd", "Birch Ltd", "Cedar Ltd")
    tagged = await browser.post(
        f"{base(workspace)}/companies/bulk",
        data={"csrf_token": csrf, "action": "tag", "tag": "wholesale", "ids": ids[:2]},
    )
    assert tagged.status_code == 302
    assert "2 companies changed." in (await browser.get(tagged.headers["location"])).text
    listed = await browser.get(f"{base(workspace)}/companies?tag=wholesale")
    assert "Alder Ltd" in listed.text and "Birch Ltd" in listed.text
    assert "Cedar Ltd" not in listed.text

    colleague = await join(workspace, "manager")
    moved = await browser.post(
        f"{base(workspace)}/companies/bulk",
        data={"csrf_token": csrf, "action": "owner", "owner_id": colleague["user_id"],
              "ids": [ids[2]]},
    )  # fmt: skip
    assert moved.status_code == 302
    theirs = await browser.get(f"{base(workspace)}/companies?owner={colleague['user_id']}")
    assert "Cedar Ltd" in theirs.text and "Alder Ltd" not in theirs.text
    bad = await browser.get(f"{base(workspace)}/companies?owner=nobody&lang=ru")
    assert bad.status_code == 200 and 'id="owner-error"' in bad.text

    empty = await browser.post(
        f"{base(workspace)}/companies/bulk?lang=ru",
        data={"csrf_token": csrf, "action": "tag", "tag": "", "ids": ids[:1]},
        follow_redirects=True,
    )
    assert "Метка — от 1 до" in empty.text
    stranger = await browser.post(
        f"{base(workspace)}/companies/bulk",
        data={"csrf_token": csrf, "action": "owner", "owner_id": workspace["tenant"]["id"],
              "ids": ids[:1]},
        follow_redirects=True,
    )  # fmt: skip
    assert "Выберите ответственного из списка." in stranger.text  # the language cookie stays
    other = await make_workspace(company="Elsewhere Company Owners")
    outsider = await browser.post(
        f"{base(workspace)}/companies/bulk",
        data={"csrf_token": csrf, "action": "owner", "owner_id": other["user"]["id"],
              "ids": ids[:1]},
        follow_redirects=True,
    )  # fmt: skip
    assert "Выберите ответственного из списка." in outsider.text
    kept = await browser.get(f"{base(workspace)}/companies?owner={workspace['user']['id']}")
    assert "Alder Ltd" in kept.text


async def test_bulk_delete_of_companies_asks_once(owner):  # noqa: F811
    workspace, browser, csrf = owner
    ids = await _companies(browser, workspace, csrf, "Doomed One", "Doomed Two", "Keeper Co")
    chosen = {"csrf_token": csrf, "action": "delete", "ids": ids[:2]}
    asked = await browser.post(f"{base(workspace)}/companies/bulk?lang=ru", data=chosen)
    assert asked.status_code == 200 and "Удалить 2 компании?" in asked.text
    assert "Doomed One" in (await browser.get(f"{base(workspace)}/companies")).text
    done = await browser.post(
        f"{base(workspace)}/companies/bulk", data={**chosen, "confirmed": "1"}
    )
    assert done.status_code == 302
    listed = await browser.get(f"{base(workspace)}/companies")
    assert "Keeper Co" in listed.text and "Doomed" not in listed.text


async def test_bulk_actions_cannot_reach_another_workspaces_companies(
    owner,  # noqa: F811
    make_workspace,
    client,
):
    workspace, browser, csrf = owner
    other = await make_workspace(company="Other Bulk Shop")
    theirs = await client.post(
        "/api/v1/companies", json={"name": "Their Corp"}, headers=other["headers"]
    )
    their_id = theirs.json()["id"]
    for data in ({"action": "tag", "tag": "mine"}, {"action": "delete", "confirmed": "1"}):
        answer = await browser.post(
            f"{base(workspace)}/companies/bulk",
            data={"csrf_token": csrf, "ids": [their_id], **data},
        )
        assert answer.status_code == 404
    still = await client.get(f"/api/v1/companies/{their_id}", headers=other["headers"])
    assert still.status_code == 200 and still.json()["tags"] == []
