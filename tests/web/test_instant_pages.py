"""Forms that take a date or a time refuse one outside 1900-2200 beside the field, by its label
in the reader's language, and save nothing; where they once saved it, the page broke for good."""

import re

from tests.platform.conftest import new_browser, sign_in  # noqa: F401
from tests.platform.crm.contacts.test_contact_pages import base, owner  # noqa: F401
from tests.platform.test_instants import new_campaign

RANGE = "between 1900-01-01 and 2200-12-31"


def error_of(html: str, field: str) -> str:
    found = re.search(rf'id="{re.escape(field)}-error">([^<]+)<', html)
    assert found, f"no message beside {field}"
    return found.group(1)


async def test_a_task_due_in_year_one_is_refused_beside_its_field(owner):  # noqa: F811
    workspace, browser, csrf = owner
    for typed in ("0001-01-01T00:00", "9999-12-31T23:59"):
        answer = await browser.post(
            f"{base(workspace)}/tasks",
            data={"csrf_token": csrf, "title": "Ancient call", "due_at": typed},
        )
        assert answer.status_code == 422, answer.text[:300]
        assert error_of(answer.text, "task-due") == f"When must be {RANGE}."
    russian = await browser.post(
        f"{base(workspace)}/tasks?lang=ru",
        data={"csrf_token": csrf, "title": "Ancient call", "due_at": "0001-01-01T00:00"},
    )
    assert "«Когда»" in error_of(russian.text, "task-due")
    tasks = await browser.get(f"{base(workspace)}/tasks")
    assert tasks.status_code == 200 and "Ancient call" not in tasks.text
    month = await browser.get(f"{base(workspace)}/tasks?view=month&month=9999-12")
    assert month.status_code == 404


async def test_an_appeal_received_in_year_one_is_refused_beside_its_field(owner):  # noqa: F811
    workspace, browser, csrf = owner
    answer = await browser.post(
        f"{base(workspace)}/appeals",
        data={"csrf_token": csrf, "channel": "phone", "kind": "complaint",
              "received_at": "0001-01-01T00:00", "subject": "Old chair"},
    )  # fmt: skip
    assert answer.status_code == 422, answer.text[:300]
    assert error_of(answer.text, "received_at") == f"Received must be {RANGE}."
    assert (
        "Old chair"
        not in (await browser.get(f"{base(workspace)}/appeals")).text.split("</form>")[-1]
    )


async def test_an_api_key_expiring_in_year_9999_is_refused_on_the_settings_page(owner):  # noqa: F811
    workspace, browser, csrf = owner
    answer = await browser.post(
        f"{base(workspace)}/settings/api-keys",
        data={"csrf_token": csrf, "name": "forever", "expires_on": "9999-12-31"},
    )
    assert answer.status_code == 422, answer.text[:300]
    assert error_of(answer.text, "expires_on") == f"Expires at must be {RANGE}."
    assert "forever" not in (await browser.get(f"{base(workspace)}/settings/api-keys")).text


async def test_a_campaign_scheduled_in_year_one_from_its_page_is_refused(owner, client):  # noqa: F811
    workspace, browser, csrf = owner
    campaign = await new_campaign(client, workspace, "Ancient sale")
    assert campaign.status_code == 201, campaign.text
    page = f"{base(workspace)}/campaigns/{campaign.json()['id']}"
    answer = await browser.post(
        f"{page}/schedule", data={"csrf_token": csrf, "at": "0001-01-01T00:00"}
    )
    assert answer.status_code in (302, 303), answer.text[:300]
    shown = await browser.get(answer.headers["location"])
    assert f"When must be {RANGE}." in shown.text
    listed = await browser.get(f"{base(workspace)}/campaigns")
    assert listed.status_code == 200 and "Ancient sale" in listed.text
    assert (await client.get(f"/api/v1/campaigns/{campaign.json()['id']}",
                             headers=workspace["headers"])).json()["status"] == "draft"  # fmt: skip
