"""Messages after a form post come from the server (a signed one-shot flash), never from the
URL: a crafted ``?notice=`` link shows nothing, a save shows its message once, a refusal is
shown as an error, not as a success."""

from tests.platform.conftest import new_browser, sign_in  # noqa: F401
from tests.platform.crm.contacts.test_contact_pages import base, owner  # noqa: F401

CRAFTED = "Your account is blocked, call +7 900 000-00-00"


async def test_a_crafted_notice_in_the_link_shows_nothing(owner):  # noqa: F811
    workspace, browser, _ = owner
    for path in ("/", "/contacts", "/tasks", "/deals", "/settings/workspace", "/salon/catalog"):
        shown = await browser.get(f"{base(workspace)}{path}?notice={CRAFTED}&error={CRAFTED}")
        assert shown.status_code == 200, path
        assert "Your account is blocked" not in shown.text, path
        assert 'id="flash"' not in shown.text, path


async def test_a_save_shows_its_notice_once_and_not_on_reload(owner):  # noqa: F811
    workspace, browser, csrf = owner
    tasks = f"{base(workspace)}/tasks"
    added = await browser.post(tasks, data={"csrf_token": csrf, "title": "Call Maria back"})
    assert added.status_code == 302
    assert "notice" not in added.headers["location"]  # nothing to copy into a link
    shown = await browser.get(added.headers["location"])
    assert '<div class="notice flash" role="status" id="flash">The task is added.</div>' in (
        shown.text
    )
    again = await browser.get(added.headers["location"])
    assert "The task is added." not in again.text and 'id="flash"' not in again.text


async def test_a_refusal_after_a_redirect_is_an_error_not_a_success(owner):  # noqa: F811
    workspace, browser, csrf = owner
    contacts = f"{base(workspace)}/contacts"
    refused = await browser.post(f"{contacts}/bulk", data={"csrf_token": csrf, "action": "tag"})
    assert refused.status_code == 302
    shown = await browser.get(refused.headers["location"])
    assert (
        '<div class="form-error flash" role="alert" id="flash">Choose contacts and an action.'
        in shown.text
    )
    assert 'class="notice' not in shown.text


async def test_a_flash_is_shown_only_on_the_page_it_was_left_for(owner):  # noqa: F811
    workspace, browser, csrf = owner
    added = await browser.post(
        f"{base(workspace)}/tasks", data={"csrf_token": csrf, "title": "Send the quote"}
    )
    elsewhere = await browser.get(f"{base(workspace)}/contacts")
    assert "The task is added." not in elsewhere.text
    assert "The task is added." in (await browser.get(added.headers["location"])).text


async def test_a_forged_flash_cookie_shows_nothing(owner):  # noqa: F811
    import base64
    import json
    import time

    workspace, browser, _ = owner
    body = {"t": CRAFTED, "k": "success", "p": f"{base(workspace)}/tasks", "at": int(time.time())}
    payload = base64.urlsafe_b64encode(json.dumps(body).encode()).decode()
    browser.cookies.set("atrium_flash", f"{payload}.{'0' * 64}")
    shown = await browser.get(f"{base(workspace)}/tasks")
    browser.cookies.delete("atrium_flash")
    assert shown.status_code == 200 and "Your account is blocked" not in shown.text
