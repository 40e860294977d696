"""Task pages: today, overdue and the month calendar in the workspace's zone; adding a task
from the quick form; ticking it off; another workspace's task unreachable."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from tests.platform.conftest import new_browser, sign_in  # noqa: F401
from tests.platform.crm.contacts.test_contact_pages import base, owner  # noqa: F401


async def test_a_task_added_for_today_is_ticked_off(owner):  # noqa: F811
    workspace, browser, csrf = owner
    zone = ZoneInfo("Europe/Moscow")
    today = datetime.now(zone).date()
    added = await browser.post(
        f"{base(workspace)}/tasks",
        data={"csrf_token": csrf, "title": "Call Maria back", "due_at": f"{today}T23:30",
              "back": f"{base(workspace)}/tasks?view=today"},
    )  # fmt: skip
    assert added.status_code == 302
    page = await browser.get(added.headers["location"])
    assert "The task is added." in page.text
    assert "Call Maria back" in page.text and "11:30" in page.text  # 23:30 Moscow, en clock
    task_id = page.text.split("/tasks/")[1].split("/done")[0]

    done = await browser.post(
        f"{base(workspace)}/tasks/{task_id}/done",
        data={"csrf_token": csrf, "done": "1", "back": f"{base(workspace)}/tasks?view=today"},
    )
    page = await browser.get(done.headers["location"])
    assert 'aria-pressed="true"' in page.text and "(done)" in page.text


async def test_overdue_and_calendar_views(owner, client):  # noqa: F811
    workspace, browser, csrf = owner
    yesterday = datetime.now(UTC) - timedelta(days=1)
    created = await client.post(
        "/api/v1/activities",
        json={"kind": "task", "title": "Send the quote", "due_at": yesterday.isoformat()},
        headers=workspace["headers"],
    )
    assert created.status_code == 201, created.text
    overdue = await browser.get(f"{base(workspace)}/tasks?view=overdue")
    assert "Send the quote" in overdue.text and "overdue" in overdue.text
    today = await browser.get(f"{base(workspace)}/tasks?view=today")
    assert "Send the quote" not in today.text

    month = yesterday.astimezone(ZoneInfo("Europe/Moscow")).strftime("%Y-%m")
    calendar = await browser.get(f"{base(workspace)}/tasks?view=calendar&month={month}")
    assert calendar.status_code == 200
    assert "Send the quote" in calendar.text
    assert (
        await browser.get(f"{base(workspace)}/tasks?view=calendar&month=2026-13")
    ).status_code == 404


async def test_another_workspaces_task_cannot_be_ticked(owner, make_workspace, client):  # noqa: F811
    workspace, browser, csrf = owner
    other = await make_workspace(company="Other Tasks Shop")
    theirs = await client.post(
        "/api/v1/activities", json={"kind": "task", "title": "Secret"}, headers=other["headers"]
    )
    their_id = theirs.json()["id"]
    answer = await browser.post(
        f"{base(workspace)}/tasks/{their_id}/done", data={"csrf_token": csrf, "done": "1"}
    )
    assert answer.status_code == 404
    still = await client.get(f"/api/v1/activities/{their_id}", headers=other["headers"])
    assert still.json()["done"] is False
