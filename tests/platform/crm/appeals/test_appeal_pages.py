"""Appeal pages over real HTTP: registering a complaint, its flags in words in the register,
recording the answer and the manager's decision, a member who may not decide, and another
workspace's appeal unreachable."""

import re
from datetime import datetime, timedelta

from tests.platform.conftest import join, mails_to, new_browser, sign_in  # noqa: F401
from tests.platform.crm.contacts.test_contact_pages import base, owner  # noqa: F401


def appeal_ids(register_html: str) -> list[str]:
    return re.findall(r'/appeals/([0-9a-f-]{36})"', register_html)


def two_days_ago() -> str:
    # The workspace's zone does not matter: two days is past any answer limit of a complaint.
    return (datetime.now() - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")


async def register(browser, workspace, csrf, **fields):
    data = {"csrf_token": csrf, "channel": "phone", "kind": "complaint", **fields}
    return await browser.post(f"{base(workspace)}/appeals", data=data)


async def test_a_late_complaint_is_flagged_answered_and_decided(owner):  # noqa: F811
    workspace, browser, csrf = owner
    empty = await browser.get(f"{base(workspace)}/appeals")
    assert empty.status_code == 200 and "No appeals yet" in empty.text
    contact = await browser.post(
        f"{base(workspace)}/contacts", data={"csrf_token": csrf, "first_name": "Vera"}
    )
    contact_id = contact.headers["location"].rsplit("/", 1)[1]

    created = await register(
        browser,
        workspace,
        csrf,
        contact_id=contact_id,
        received_at=two_days_ago(),
        subject="Hair dye SKU-42",
        summary="The colour washed out in a week",
    )
    assert created.status_code == 302, created.text
    listed = await browser.get(created.headers["location"])
    assert "The appeal is registered." in listed.text
    assert "Hair dye SKU-42" in listed.text and "The colour washed out in a week" in listed.text
    assert "Complaint" in listed.text and "Phone call" in listed.text
    assert "overdue" in listed.text and "needs a manager&#39;s decision" in listed.text
    assert "not answered yet" in listed.text
    [appeal_id] = appeal_ids(listed.text)

    fresh = await register(browser, workspace, csrf, kind="inquiry", subject="Opening hours")
    assert fresh.status_code == 302
    complaints = await browser.get(f"{base(workspace)}/appeals?open=1")
    assert "Hair dye SKU-42" in complaints.text and "Opening hours" not in complaints.text
    by_kind = await browser.get(f"{base(workspace)}/appeals?kind=inquiry")
    assert "Opening hours" in by_kind.text and "Hair dye SKU-42" not in by_kind.text

    card = await browser.get(f"{base(workspace)}/appeals/{appeal_id}")
    assert card.status_code == 200
    assert "Vera" in card.text and "needs a manager&#39;s decision" in card.text
    answered = await browser.post(
        f"{base(workspace)}/appeals/{appeal_id}/result",
        data={"csrf_token": csrf, "result": "Offered a free re-colouring"},
    )
    assert answered.status_code == 302
    card = await browser.get(answered.headers["location"])
    assert "The answer is recorded." in card.text and "Offered a free re-colouring" in card.text
    assert "answered late" in card.text and "overdue" not in card.text

    decided = await browser.post(
        f"{base(workspace)}/appeals/{appeal_id}/decision",
        data={"csrf_token": csrf, "manager_decision": "Refund the dye"},
    )
    assert decided.status_code == 302
    card = await browser.get(decided.headers["location"])
    assert "The manager&#39;s decision is recorded." in card.text
    assert "Refund the dye" in card.text
    complaints = await browser.get(f"{base(workspace)}/appeals?open=1")
    assert "Hair dye SKU-42" not in complaints.text and "No appeals match" in complaints.text
    register_page = await browser.get(f"{base(workspace)}/appeals")
    assert (
        "Refund the dye" in register_page.text
        and "Offered a free re-colouring" in register_page.text
    )


async def test_bad_input_is_explained_next_to_its_field_and_nothing_is_saved(owner):  # noqa: F811
    workspace, browser, csrf = owner
    answer = await register(
        browser, workspace, csrf, received_at="yesterday", subject="Broken chair"
    )
    assert answer.status_code == 422
    error = re.search(r'id="received_at-error">([^<]+)<', answer.text)
    assert error and "2026-03-05 10:30" in error.group(1)
    assert 'value="Broken chair"' in answer.text and 'value="yesterday"' in answer.text
    future = (datetime.now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    answer = await browser.post(
        f"{base(workspace)}/appeals?lang=ru",
        data={"csrf_token": csrf, "channel": "visit", "kind": "order", "received_at": future},
    )
    assert answer.status_code == 422
    assert re.search(r'id="received_at-error">[^<]*в будущем', answer.text)
    assert "Зарегистрировать обращение" in answer.text
    listed = await browser.get(f"{base(workspace)}/appeals")
    assert "Обращений пока нет" in listed.text  # nothing saved; the language is kept

    created = await register(browser, workspace, csrf, subject="Broken chair")
    [appeal_id] = appeal_ids((await browser.get(created.headers["location"])).text)
    blank = await browser.post(
        f"{base(workspace)}/appeals/{appeal_id}/result", data={"csrf_token": csrf, "result": " "}
    )
    assert blank.status_code == 422
    assert re.search(r'id="result-error">Напишите, что ответили клиенту', blank.text)


async def test_a_member_without_the_right_cannot_decide(owner, join, sign_in):  # noqa: F811
    workspace, _, _ = owner
    employee = await join(workspace, "employee")
    browser = await sign_in(employee["email"])
    csrf = browser.headers.pop("X-CSRF-Token")
    created = await register(browser, workspace, csrf, subject="Rude receptionist")
    assert created.status_code == 302
    [appeal_id] = appeal_ids((await browser.get(created.headers["location"])).text)
    card = await browser.get(f"{base(workspace)}/appeals/{appeal_id}")
    assert 'name="manager_decision"' not in card.text
    assert "A manager records it here." in card.text
    refused = await browser.post(
        f"{base(workspace)}/appeals/{appeal_id}/decision",
        data={"csrf_token": csrf, "manager_decision": "No bonus this month"},
    )
    assert refused.status_code == 403
    assert "Only a manager records the manager&#39;s decision." in refused.text
    card = await browser.get(f"{base(workspace)}/appeals/{appeal_id}")
    assert "No bonus this month" not in card.text


async def test_another_workspaces_appeal_is_not_found_and_unchanged(owner, make_workspace, client):  # noqa: F811
    workspace, browser, csrf = owner
    other = await make_workspace(company="Other Appeals Shop")
    theirs = await client.post(
        "/api/v1/appeals",
        json={"channel": "email", "kind": "complaint", "subject": "Secret complaint"},
        headers=other["headers"],
    )
    assert theirs.status_code == 201, theirs.text
    their_id = theirs.json()["id"]
    assert (await browser.get(f"{base(other)}/appeals")).status_code == 404
    assert (await browser.get(f"{base(workspace)}/appeals/{their_id}")).status_code == 404
    for action, field in (("result", "result"), ("decision", "manager_decision")):
        answer = await browser.post(
            f"{base(workspace)}/appeals/{their_id}/{action}",
            data={"csrf_token": csrf, field: "Hijacked"},
        )
        assert answer.status_code == 404
    assert "Secret complaint" not in (await browser.get(f"{base(workspace)}/appeals")).text
    still = (await client.get(f"/api/v1/appeals/{their_id}", headers=other["headers"])).json()
    assert still["result"] == "" and still["manager_decision"] == ""
