"""The bell and the notifications page: a lead assigned to a member shows up unread, opening
it marks it read and goes to its page; another member's notifications are not theirs."""

import uuid

from sqlalchemy import select

from atrium.platform.notify.models import Notification
from atrium.platform.notify.reminders import notify
from atrium.platform.tenancy.models import Tenant
from tests.platform.conftest import new_browser, sign_in  # noqa: F401
from tests.web.test_contact_pages import base, owner  # noqa: F401


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
