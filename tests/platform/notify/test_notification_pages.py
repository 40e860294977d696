"""The bell and the notifications page: a lead assigned to a member shows up unread, opening
it marks it read and goes to its page; another member's notifications are not theirs."""

import uuid

from sqlalchemy import select

from atrium.platform.notify.models import Notification
from atrium.platform.notify.reminders import notify
from atrium.platform.tenancy.models import Tenant
from tests.platform.conftest import join, mails_to, new_browser, sign_in  # noqa: F401
from tests.platform.crm.contacts.test_contact_pages import base, owner  # noqa: F401


async def test_an_unread_notification_is_shown_opened_and_marked_read(owner, db):  # noqa: F811
    workspace, browser, csrf = owner
    async with db.shared_transaction() as session:
        tenant = await session.scalar(
            select(Tenant).where(Tenant.slug == workspace["tenant"]["slug"])
        )
    user_id = uuid.UUID(workspace["user"]["id"])
    async with db.tenant_transaction(tenant.schema) as session:
        await notify(
            session, user_id, "test:1", kind="lead.assigned", title="New lead for you: Vera",
            body="Call after 6 pm", link=f"https://elsewhere.example{base(workspace)}/leads",
        )  # fmt: skip
    home = await browser.get(f"{base(workspace)}/")
    assert "1 unread" in home.text
    listed = await browser.get(f"{base(workspace)}/notifications")
    assert "New lead for you: Vera" in listed.text and "Call after 6 pm" in listed.text
    async with db.tenant_transaction(tenant.schema) as session:
        note_id = await session.scalar(select(Notification.id))
    opened = await browser.post(
        f"{base(workspace)}/notifications/{note_id}/open", data={"csrf_token": csrf}
    )
    assert opened.headers["location"] == f"{base(workspace)}/leads"  # a path here, not a host
    assert "1 unread" not in (await browser.get(f"{base(workspace)}/")).text
    unknown = await browser.post(
        f"{base(workspace)}/notifications/{uuid.uuid4()}/open", data={"csrf_token": csrf}
    )
    assert unknown.status_code == 404


async def test_a_member_mutes_kinds_and_email_on_the_settings_page(owner, client):  # noqa: F811
    workspace, browser, csrf = owner
    settings = f"{base(workspace)}/notifications/settings"
    listed = await browser.get(f"{base(workspace)}/notifications")
    assert f'href="{settings}"' in listed.text
    page = await browser.get(settings)
    assert page.status_code == 200
    # A salon: the core's kinds and the salon's own, all wanted at first, by e-mail too.
    assert page.text.count('type="checkbox" name="kind"') == 4
    assert "Stock running low" in page.text and page.text.count(" checked>") == 5

    form = {"csrf_token": csrf, "kind": ["task.due", "appeal.overdue"]}
    saved = await browser.post(settings, data=form)
    assert saved.status_code == 302
    shown = await browser.get(saved.headers["location"])
    assert "Your notification settings are saved." in shown.text
    chosen = await client.get("/api/v1/me/notification-preferences", headers=workspace["headers"])
    assert chosen.json() == {"email": False, "muted": ["lead.assigned", "salon.stock_low"]}
    assert 'value="lead.assigned">' in shown.text and 'value="task.due" checked>' in shown.text


async def test_a_general_workspace_is_not_offered_the_salons_kinds(make_workspace, sign_in):  # noqa: F811
    workspace = await make_workspace(company="Plain Notes", vertical="general")
    browser = await sign_in(workspace["user"]["email"])
    page = await browser.get(f"{base(workspace)}/notifications/settings")
    assert page.status_code == 200 and "Stock running low" not in page.text
    assert page.text.count('type="checkbox" name="kind"') == 3


async def test_an_employee_is_not_offered_the_managers_stock_alert(make_workspace, join, sign_in):  # noqa: F811
    workspace = await make_workspace(company="Notes Salon Staff")
    employee = await join(workspace, "employee")
    browser = await sign_in(employee["email"])
    page = await browser.get(f"{base(workspace)}/notifications/settings")
    assert page.status_code == 200 and "Stock running low" not in page.text
    assert page.text.count('type="checkbox" name="kind"') == 3
