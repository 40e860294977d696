"""A refusal on a workspace page is a page in the user's language, not the API's English JSON:
an expired form (CSRF), a missing right, a bad bulk action. The API keeps problem+json."""

from tests.platform.conftest import join, mails_to, new_browser, sign_in  # noqa: F401
from tests.platform.crm.contacts.test_contact_pages import base, owner  # noqa: F401


def is_page(answer) -> bool:
    return answer.headers["content-type"].startswith("text/html")


async def add_contact(browser, workspace, csrf, name: str) -> str:
    answer = await browser.post(
        f"{base(workspace)}/contacts", data={"csrf_token": csrf, "first_name": name}
    )
    assert answer.status_code == 302, answer.text
    return answer.headers["location"].rsplit("/", 1)[1]


async def test_a_form_with_a_wrong_csrf_token_is_refused_by_a_page_in_russian(owner):  # noqa: F811
    workspace, browser, _ = owner
    answer = await browser.post(
        f"{base(workspace)}/contacts?lang=ru", data={"csrf_token": "stale", "first_name": "Eve"}
    )
    assert answer.status_code == 403
    assert is_page(answer), answer.text
    assert "Обновите страницу" in answer.text
    assert "<title>" in answer.text and "CSRF token missing" not in answer.text


async def test_a_missing_right_is_refused_by_a_page_in_the_users_language(owner, join, sign_in):  # noqa: F811
    workspace, _, _ = owner
    employee = await join(workspace, "employee")
    browser = await sign_in(employee["email"])
    csrf = browser.headers.pop("X-CSRF-Token")
    contact_id = await add_contact(browser, workspace, csrf, "Kept")
    refused = await browser.post(
        f"{base(workspace)}/contacts/{contact_id}/delete", data={"csrf_token": csrf}
    )
    assert refused.status_code == 403
    assert is_page(refused), refused.text
    assert "does not allow crm.delete" in refused.text
    browser.cookies.set("atrium_lang", "ru")
    refused = await browser.post(
        f"{base(workspace)}/contacts/{contact_id}/delete", data={"csrf_token": csrf}
    )
    assert refused.status_code == 403 and "не даёт права crm.delete" in refused.text
    assert f'href="{base(workspace)}/' in refused.text  # a way back into the workspace
    card = await browser.get(f"{base(workspace)}/contacts/{contact_id}")
    assert card.status_code == 200


async def test_an_empty_tag_in_a_bulk_action_is_explained_on_the_list(owner):  # noqa: F811
    workspace, browser, csrf = owner
    contact_id = await add_contact(browser, workspace, csrf, "Olga")
    answer = await browser.post(
        f"{base(workspace)}/contacts/bulk?lang=ru",
        data={"csrf_token": csrf, "action": "tag", "tag": " ", "ids": [contact_id]},
        follow_redirects=True,
    )
    assert is_page(answer), answer.text
    assert answer.status_code in (200, 422)
    assert "Метка — от 1 до" in answer.text, answer.text
    assert "Olga" in answer.text  # the list is still there


async def test_the_api_keeps_answering_problem_json(owner, client):  # noqa: F811
    workspace, browser, _ = owner
    answer = await browser.post("/api/v1/contacts", json={"first_name": "Eve"})
    assert answer.status_code == 403
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["detail"] == "CSRF token missing or wrong."
