"""Sending uses the same bounded renderer: a campaign body or a message template past the
limits is refused when saved; one stored before the limits existed fails its own messages with
the reason written down, and the worker goes on with the rest."""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert

from atrium.platform.crm.segments.models import Campaign, CampaignMessage
from atrium.platform.notify.models import MessageTemplate
from atrium.platform.notify.scheduler import scan_due_work
from tests.platform.jobs.conftest import eventually, worker_settings
from tests.platform.mail.test_mail import smtp_sink  # noqa: F401 - the SMTP sink fixture
from tests.platform.notify.test_birthdays import add_contact, born_on, greet
from tests.platform.notify.test_campaigns import _mails_to, add, segment_of_everyone, status_of
from tests.platform.notify.test_reminders import mail_rows, schema_of
from tests.platform.notify.test_sms import Gateway, gateway  # noqa: F401 - the SMS gateway fixture

# The nested loop (a second or two of work before), and three loops (for ever).
NESTED = "{% for a in range(6000) %}{% for b in range(6000) %}{% endfor %}{% endfor %}"
TRIPLE = (
    "{% for a in range(6000) %}{% for b in range(6000) %}{% for c in range(6000) %}"
    "{% endfor %}{% endfor %}{% endfor %}"
)


async def _campaign(client, workspace, body: str):
    return await client.post(
        "/api/v1/campaigns",
        json={"name": "Autumn", "channel": "email", "segment_id": await segment_of_everyone(
              client, workspace), "subject": "Hello {{ first_name }}", "body": body},
        headers=workspace["headers"],
    )  # fmt: skip


async def test_a_campaign_body_past_the_limits_is_refused_and_a_stored_one_fails_its_messages(
    client,
    make_workspace,
    db,
    worker,
    drained,
    smtp_sink,  # noqa: F811
):
    sink, port = smtp_sink
    shop = await make_workspace(company="Autumn Shop")
    headers = shop["headers"]
    await add(client, shop, first_name="Anna", marketing_consent=True,
              emails=[{"address": "anna@autumn.example"}])  # fmt: skip
    for body in ("{{ 'x' * 10**8 }}", TRIPLE):
        refused = await asyncio.wait_for(_campaign(client, shop, body), timeout=5)
        assert refused.status_code == 422, refused.text
        assert refused.json()["field"] == "body"
        assert "Message text" in refused.json()["detail"]

    # One saved before the limits: its body is stored as it was typed.
    stored = await _campaign(client, shop, "Autumn offer for {{ first_name }}")
    schema = await schema_of(db, shop["tenant"]["slug"])
    async with db.tenant_transaction(schema) as session:
        await session.execute(
            update(Campaign)
            .where(Campaign.id == uuid.UUID(stored.json()["id"]))
            .values(body=NESTED)
        )
    good = await _campaign(client, shop, "Autumn offer for {{ first_name }}")
    with worker_settings(smtp_url=f"smtp://127.0.0.1:{port}", mail_from="Atrium <no@a.test>"):
        for campaign in (stored, good):
            scheduled = await client.post(
                f"/api/v1/campaigns/{campaign.json()['id']}/schedule", json={}, headers=headers
            )
            assert scheduled.status_code == 200, scheduled.text
        await scan_due_work(db)
        for campaign in (stored, good):
            await eventually(
                lambda c=campaign: _is_sent(client, shop, c.json()["id"]), timeout_s=30
            )
        await drained()

    [mail] = await _mails_to(sink, "anna@autumn.example")  # the good one only
    assert "Autumn offer for Anna" in mail.get_body(("plain",)).get_content()
    async with db.tenant_transaction(schema) as session:
        [failed] = await session.scalars(
            select(CampaignMessage).where(
                CampaignMessage.campaign_id == uuid.UUID(stored.json()["id"])
            )
        )
    assert failed.status == "failed" and "repeats too much" in failed.error


async def _is_sent(client, workspace, campaign_id):
    return await status_of(client, workspace, campaign_id) == "sent"


async def test_a_stored_reminder_template_past_the_limits_skips_that_mail_with_its_reason(
    client,
    make_workspace,
    db,
    worker,
    drained,
    smtp_sink,  # noqa: F811
):
    sink, port = smtp_sink
    broken = await make_workspace(company="Broken Wording Shop")
    fine = await make_workspace(company="Fine Wording Shop")
    schema = await schema_of(db, broken["tenant"]["slug"])
    async with db.tenant_transaction(schema) as session:  # saved before the limits existed
        await session.execute(
            insert(MessageTemplate).values(
                kind="task_reminder", language="en", subject="Reminder: {{ title }}",
                text_body=NESTED, html_body="<p>{{ title }}</p>",
            )
        )  # fmt: skip
    due = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    for workspace in (broken, fine):
        task = await client.post(
            "/api/v1/activities",
            json={"kind": "task", "title": "Call back", "remind_at": due,
                  "assignee_id": workspace["user"]["id"]},
            headers=workspace["headers"],
        )  # fmt: skip
        assert task.status_code == 201, task.text
    with worker_settings(smtp_url=f"smtp://127.0.0.1:{port}"):
        await scan_due_work(db)

        async def settled():
            rows = await mail_rows(db, schema)
            return rows if rows and rows[0].status != "queued" else None

        [row] = await eventually(settled, timeout_s=30)
        await eventually(
            lambda: _mailed(sink, fine["user"]["email"]), timeout_s=30
        )  # the worker goes on
        await drained()
    assert row.status == "skipped" and "repeats too much" in row.last_error
    assert not await _mailed(sink, broken["user"]["email"])


async def _mailed(sink, address):
    return [e for e in sink.messages if address in e.rcpt_tos] or None


async def test_a_stored_sms_campaign_past_the_limits_fails_its_messages_and_sends_nothing(
    client,
    make_workspace,
    db,
    worker,
    drained,
    gateway,  # noqa: F811
):
    salon = await make_workspace(company="Loop SMS Salon")
    headers = salon["headers"]
    configured = await client.put(
        "/api/v1/settings/sms",
        json={"gateway_url": gateway, "token": "gw", "sender": "Salon", "monthly_quota": 100},
        headers=headers,
    )
    assert configured.status_code == 200, configured.text
    await add(client, salon, first_name="Olga", marketing_consent=True,
              phones=[{"number": "+79160000081"}])  # fmt: skip
    created = await client.post(
        "/api/v1/campaigns",
        json={"name": "Old loops", "channel": "sms", "segment_id": await segment_of_everyone(
              client, salon), "body": "Hello {{ first_name }}"},
        headers=headers,
    )  # fmt: skip
    campaign_id = created.json()["id"]
    schema = await schema_of(db, salon["tenant"]["slug"])
    async with db.tenant_transaction(schema) as session:  # saved before the limits existed
        await session.execute(
            update(Campaign).where(Campaign.id == uuid.UUID(campaign_id)).values(body=NESTED)
        )
    before = len(Gateway.received)
    await client.post(f"/api/v1/campaigns/{campaign_id}/schedule", json={}, headers=headers)
    await scan_due_work(db)
    await eventually(lambda: _is_sent(client, salon, campaign_id), timeout_s=30)
    await drained()
    assert len(Gateway.received) == before
    results = await client.get(f"/api/v1/campaigns/{campaign_id}/results", headers=headers)
    assert results.json()["failed"] == 1
    async with db.tenant_transaction(schema) as session:
        [failed] = await session.scalars(
            select(CampaignMessage).where(CampaignMessage.campaign_id == uuid.UUID(campaign_id))
        )
    assert failed.status == "failed" and "repeats too much" in failed.error


async def test_a_stored_birthday_template_past_the_limits_greets_nobody_and_the_rest_go_on(
    client,
    make_workspace,
    db,
    worker,
    drained,
    smtp_sink,  # noqa: F811
):
    sink, port = smtp_sink
    broken = await make_workspace(company="Broken Greeting Salon", locale="ru")
    fine = await make_workspace(company="Fine Greeting Salon", locale="ru")
    schema = await schema_of(db, broken["tenant"]["slug"])
    async with db.tenant_transaction(schema) as session:  # saved before the limits existed
        await session.execute(
            insert(MessageTemplate).values(
                kind="birthday", language="ru", subject="С днём рождения, {{ name }}!",
                text_body=NESTED, html_body="<p>{{ name }}</p>",
            )
        )  # fmt: skip
    today = datetime.now(UTC).astimezone(ZoneInfo("Europe/Moscow")).date()
    for workspace, address in ((broken, "anna@broken.example"), (fine, "anna@fine.example")):
        await greet(client, workspace, channels=["email"])
        await add_contact(client, workspace, "Анна", born_on(today), email=address)
    with worker_settings(smtp_url=f"smtp://127.0.0.1:{port}", mail_from="Atrium <no@a.test>"):
        await scan_due_work(db)
        await eventually(lambda: _mailed(sink, "anna@fine.example"), timeout_s=30)
        await drained()
    assert not await _mailed(sink, "anna@broken.example")
    assert (await _mailed(sink, "anna@fine.example"))[0].content
