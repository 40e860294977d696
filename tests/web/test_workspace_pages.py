"""A signed-in user adds another workspace from the switcher: name and business type, then
they land in it, its owner; mistakes are messages next to the fields; others cannot see it."""

import re

from tests.platform.conftest import new_browser, sign_in  # noqa: F401
from tests.platform.crm.contacts.test_contact_pages import base, owner  # noqa: F401


async def test_the_switcher_leads_to_a_new_workspace_the_user_lands_in(owner):  # noqa: F811
    workspace, browser, csrf = owner
    home = await browser.get(f"{base(workspace)}/")
    assert 'href="/workspaces/new"' in home.text
    form = await browser.get("/workspaces/new")
    assert form.status_code == 200 and 'name="vertical"' in form.text
    assert workspace["user"]["email"] in form.text

    created = await browser.post(
        "/workspaces/new",
        data={"csrf_token": csrf, "company": "Second Branch Garage", "vertical": "fieldservice"},
    )
    assert created.status_code == 302, created.text
    assert created.headers["location"] == "/w/second-branch-garage/"
    landed = await browser.get(created.headers["location"])
    assert landed.status_code == 200 and "Second Branch Garage" in landed.text
    assert f'href="{base(workspace)}/"' in landed.text  # the switcher lists both
    members = await browser.get("/w/second-branch-garage/settings/members")
    assert members.status_code == 200
    assert re.search(r"Owner|owner", members.text)
    # the first workspace is untouched and still the user's
    assert (await browser.get(f"{base(workspace)}/contacts")).status_code == 200


async def test_a_missing_name_is_explained_next_to_the_field_in_russian(owner):  # noqa: F811
    workspace, browser, csrf = owner
    answer = await browser.post(
        "/workspaces/new?lang=ru",
        data={"csrf_token": csrf, "company": "  ", "vertical": "salon"},
    )
    assert answer.status_code == 422
    assert re.search(r'id="company-error">[^<]+<', answer.text), answer.text
    assert 'value="salon" selected' in answer.text
    stale = await browser.post(
        "/workspaces/new?lang=ru",
        data={"csrf_token": "stale", "company": "Third", "vertical": "salon"},
    )
    assert stale.status_code == 403 and "Форма устарела" in stale.text
    assert 'value="Third"' in stale.text
    unknown = await browser.post(
        "/workspaces/new", data={"csrf_token": csrf, "company": "Fourth", "vertical": "circus"}
    )
    assert unknown.status_code == 422 and 'id="vertical-error"' in unknown.text


async def test_signed_out_visitors_sign_in_first(client):
    answer = await client.get("/workspaces/new", follow_redirects=False)
    assert answer.status_code in (302, 303)
    assert answer.headers["location"] == "/login?next=/workspaces/new"


async def test_the_new_workspace_is_not_reachable_by_another_user(owner, make_workspace, sign_in):  # noqa: F811
    workspace, browser, csrf = owner
    created = await browser.post(
        "/workspaces/new",
        data={"csrf_token": csrf, "company": "Private Annex", "vertical": "general"},
    )
    slug_path = created.headers["location"]
    stranger = await make_workspace(company="Stranger Shop")
    theirs = await sign_in(stranger["user"]["email"])
    assert (await theirs.get(slug_path)).status_code == 404
    assert (await theirs.get(f"{slug_path}contacts")).status_code == 404
