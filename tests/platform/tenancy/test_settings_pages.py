"""Settings pages for the workspace and its people: the profile saved through the same rules
as the API, members and invitations, API keys shown once, refusals that explain themselves,
and other workspaces unreachable."""

import re

from tests.platform.conftest import join, mails_to, new_browser, sign_in  # noqa: F401
from tests.platform.crm.contacts.test_contact_pages import base, owner  # noqa: F401

PROFILE = {
    "locale": "ru",
    "timezone": "Asia/Yekaterinburg",
    "currency": "kzt",
    "country": "KZ",
    "quiet_from": "21:00",
    "quiet_to": "09:00",
    "birthday_greetings": "on",
    "birthday_hour": "11",
    "channel_1": "sms",
    "channel_2": "email",
    "channel_3": "",
}


async def _signed_in_as(sign_in, member: dict):  # noqa: F811
    browser = await sign_in(member["email"])
    return browser, browser.headers.pop("X-CSRF-Token")


async def test_each_settings_page_opens_for_the_owner(owner, client):  # noqa: F811
    workspace, browser, _ = owner
    for path, heading in (
        ("workspace", "Workspace profile"),
        ("members", "Users and roles"),
        ("api-keys", "API keys"),
    ):
        answer = await browser.get(f"{base(workspace)}/settings/{path}")
        assert answer.status_code == 200, (path, answer.text)
        assert f"<h1>{heading}</h1>" in answer.text
        russian = await browser.get(f"{base(workspace)}/settings/{path}?lang=ru")
        assert russian.status_code == 200 and heading not in russian.text
        await browser.get(f"{base(workspace)}/settings/{path}?lang=en")  # the cookie back
    profile = await browser.get(f"{base(workspace)}/settings/workspace")
    zone = (await client.get("/api/v1/workspace", headers=workspace["headers"])).json()["timezone"]
    assert f'<option value="{zone}" selected>' in profile.text


async def test_the_saved_profile_is_what_the_api_answers(owner, client):  # noqa: F811
    workspace, browser, csrf = owner
    saved = await browser.post(
        f"{base(workspace)}/settings/workspace", data={"csrf_token": csrf, **PROFILE}
    )
    assert saved.status_code == 302, saved.text
    shown = await browser.get(saved.headers["location"])
    assert "The settings are saved." in shown.text  # the owner chose English for themselves
    answer = (await client.get("/api/v1/workspace", headers=workspace["headers"])).json()
    assert answer["locale"] == "ru" and answer["timezone"] == "Asia/Yekaterinburg"
    assert answer["currency"] == "KZT" and answer["country"] == "KZ"
    assert answer["quiet_hours"] == {"start": "21:00", "end": "09:00"}
    greetings = {"enabled": True, "hour": 11, "channels": ["sms", "email"]}
    assert answer["birthday_greetings"] == greetings

    lifted = await browser.post(
        f"{base(workspace)}/settings/workspace",
        data={"csrf_token": csrf, **PROFILE, "quiet_from": "", "quiet_to": ""},
    )
    assert lifted.status_code == 302
    answer = (await client.get("/api/v1/workspace", headers=workspace["headers"])).json()
    assert answer["quiet_hours"] is None


async def test_a_bad_time_zone_is_explained_next_to_it_and_nothing_is_saved(owner, client):  # noqa: F811
    workspace, browser, csrf = owner
    before = (await client.get("/api/v1/workspace", headers=workspace["headers"])).json()
    answer = await browser.post(
        f"{base(workspace)}/settings/workspace?lang=ru",
        data={"csrf_token": csrf, **PROFILE, "timezone": "Mars/Olympus"},
    )
    assert answer.status_code == 422
    error = re.search(r'id="timezone-error">([^<]+)<', answer.text)
    assert error and "Неизвестный часовой пояс «Mars/Olympus»" in error[1], answer.text
    assert 'value="21:00"' in answer.text  # what was typed stays
    after = (await client.get("/api/v1/workspace", headers=workspace["headers"])).json()
    assert after == before


async def test_half_filled_quiet_hours_and_repeated_channels_are_explained(owner):  # noqa: F811
    workspace, browser, csrf = owner
    half = await browser.post(
        f"{base(workspace)}/settings/workspace",
        data={"csrf_token": csrf, **PROFILE, "quiet_to": ""},
    )
    assert half.status_code == 422
    assert 'id="quiet_hours-error">Fill in both times' in half.text
    twice = await browser.post(
        f"{base(workspace)}/settings/workspace",
        data={"csrf_token": csrf, **PROFILE, "channel_2": "sms"},
    )
    assert twice.status_code == 422
    assert "each once" in twice.text


async def test_an_employee_is_refused_the_profile_and_only_sees_the_members(
    owner,  # noqa: F811
    join,  # noqa: F811
    sign_in,  # noqa: F811
):
    workspace, _, _ = owner
    employee = await join(workspace, "employee")
    browser, csrf = await _signed_in_as(sign_in, employee)

    profile = await browser.get(f"{base(workspace)}/settings/workspace")
    assert profile.status_code == 403
    assert "Only the owner or an admin changes the workspace profile." in profile.text
    saved = await browser.post(
        f"{base(workspace)}/settings/workspace", data={"csrf_token": csrf, **PROFILE}
    )
    assert saved.status_code == 403 and "No access" in saved.text

    people = await browser.get(f"{base(workspace)}/settings/members")
    assert people.status_code == 200  # every member may see who works here (members.read)
    assert "Send the invitation" not in people.text and "Change role" not in people.text
    owner_id = workspace["user"]["id"]
    demoted = await browser.post(
        f"{base(workspace)}/settings/members/{owner_id}/role",
        data={"csrf_token": csrf, "role": "employee"},
    )
    assert demoted.status_code == 403
    assert "Only the owner or an admin changes members." in demoted.text
    invited = await browser.post(
        f"{base(workspace)}/settings/members/invitations",
        data={"csrf_token": csrf, "email": "friend@example.com", "role": "employee"},
    )
    assert invited.status_code == 403


async def test_an_invitation_is_listed_until_it_is_withdrawn(owner, mails_to):  # noqa: F811
    workspace, browser, csrf = owner
    invited = await browser.post(
        f"{base(workspace)}/settings/members/invitations",
        data={"csrf_token": csrf, "email": "New.Colleague@example.com", "role": "manager"},
    )
    assert invited.status_code == 302, invited.text
    page = await browser.get(invited.headers["location"])
    assert "The invitation is sent to" in page.text
    assert "new.colleague@example.com" in page.text
    assert "/invitations/accept?token=" in (await mails_to("new.colleague@example.com"))[-1]

    invitation_id = re.search(r"/settings/members/invitations/([0-9a-f-]{36})/withdraw", page.text)
    withdrawn = await browser.post(
        f"{base(workspace)}/settings/members/invitations/{invitation_id[1]}/withdraw",
        data={"csrf_token": csrf},
    )
    assert withdrawn.status_code == 302
    page = await browser.get(withdrawn.headers["location"])
    assert "The invitation is withdrawn." in page.text
    assert "new.colleague@example.com" not in page.text


async def test_a_bad_invitation_address_is_explained_next_to_the_field(owner):  # noqa: F811
    workspace, browser, csrf = owner
    answer = await browser.post(
        f"{base(workspace)}/settings/members/invitations",
        data={"csrf_token": csrf, "email": "not-an-address", "role": "employee"},
    )
    assert answer.status_code == 422
    assert re.search(r'id="email-error">[^<]*not an e-mail address', answer.text)
    assert 'value="not-an-address"' in answer.text


async def test_the_last_owner_cannot_be_demoted(owner, client):  # noqa: F811
    workspace, browser, csrf = owner
    owner_id = workspace["user"]["id"]
    answer = await browser.post(
        f"{base(workspace)}/settings/members/{owner_id}/role",
        data={"csrf_token": csrf, "role": "admin"},
    )
    assert answer.status_code == 409
    error = re.search(rf'id="member-{owner_id}-error"[^>]*>([^<]+)<', answer.text)
    assert error and "A workspace needs an owner" in error[1]
    me = await client.get("/api/v1/me", headers=workspace["headers"])
    assert me.json()["role"] == "owner"


async def test_an_api_key_is_shown_once_and_works_until_revoked(owner, client):  # noqa: F811
    workspace, browser, csrf = owner
    created = await browser.post(
        f"{base(workspace)}/settings/api-keys", data={"csrf_token": csrf, "name": "Website form"}
    )
    assert created.status_code == 201, created.text
    assert created.headers["cache-control"] == "no-store"
    assert "it will not be shown again" in created.text
    key = re.search(r'id="new-key" type="text" value="(atr_[^"]+)"', created.text)[1]
    assert key not in str(created.headers) and key not in str(browser.cookies)

    again = await browser.get(f"{base(workspace)}/settings/api-keys")
    assert "Website form" in again.text and key not in again.text
    bearer = {"Authorization": f"Bearer {key}"}
    assert (await client.get("/api/v1/me", headers=bearer)).status_code == 200

    key_id = re.search(r"/settings/api-keys/([0-9a-f-]{36})/revoke", again.text)[1]
    revoked = await browser.post(
        f"{base(workspace)}/settings/api-keys/{key_id}/revoke", data={"csrf_token": csrf}
    )
    assert revoked.status_code == 302
    assert "Revoked" in (await browser.get(revoked.headers["location"])).text
    assert (await client.get("/api/v1/me", headers=bearer)).status_code == 401


async def test_a_key_needs_a_name_and_a_future_expiry(owner):  # noqa: F811
    workspace, browser, csrf = owner
    nameless = await browser.post(
        f"{base(workspace)}/settings/api-keys", data={"csrf_token": csrf, "name": "  "}
    )
    assert nameless.status_code == 422 and 'id="name-error"' in nameless.text
    past = await browser.post(
        f"{base(workspace)}/settings/api-keys",
        data={"csrf_token": csrf, "name": "Old", "expires_on": "2001-01-01"},
    )
    assert past.status_code == 422
    assert re.search(r'id="expires_on-error">The expiry must be in the future', past.text)
    assert "atr_" not in past.text.split("<table", 1)[0].split("quick-add", 1)[0]


async def test_another_workspaces_settings_answer_404(owner, make_workspace):  # noqa: F811
    _, browser, csrf = owner
    other = await make_workspace(company="Other Settings Shop")
    theirs = base(other)
    for path in ("workspace", "members", "api-keys"):
        assert (await browser.get(f"{theirs}/settings/{path}")).status_code == 404, path
    other_owner = other["user"]["id"]
    for path in (
        "workspace",
        "api-keys",
        "members/invitations",
        f"members/{other_owner}/role",
        f"members/{other_owner}/remove",
    ):
        answer = await browser.post(
            f"{theirs}/settings/{path}",
            data={"csrf_token": csrf, **PROFILE, "email": "x@example.com", "role": "admin"},
        )
        assert answer.status_code == 404, path
