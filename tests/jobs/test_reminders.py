"""Task reminders and overdue complaints: found by the scheduler, raised once, e-mailed once in
the assignee's language and the workspace's time zone, and shown in the app."""

import asyncio
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

from sqlalchemy import select

from atrium.platform.notify.models import MailLog
from atrium.platform.notify.reminders import send_task_reminder
from atrium.platform.notify.scheduler import scan_due_work
from atrium.platform.tenancy.models import Tenant
from tests.jobs.conftest import eventually, worker_settings
from tests.jobs.test_mail import smtp_sink  # noqa: F401 - the SMTP sink fixture


async def schema_of(db, slug):
    async with db.shared_transaction() as session:
        return (await session.scalar(select(Tenant).where(Tenant.slug == slug))).schema


async def mail_rows(db, schema):
    async with db.tenant_transaction(schema) as session:
        return list(await session.scalars(select(MailLog)))


async def test_a_task_reminder_is_mailed_once_in_the_assignees_language_and_zone(
    client,
    make_workspace,
    db,
    worker,
    drained,
    smtp_sink,  # noqa: F811
):
    sink, port = smtp_sink
    salon = await make_workspace(company="Салон Лиза", locale="ru")
    schema = await schema_of(db, salon["tenant"]["slug"])
    task = await client.post(
        "/api/v1/activities",
        json={
            "kind": "task",
            "title": "Перезвонить Ивановой",
            "due_at": "2026-12-01T12:00:00+00:00",
            "remind_at": (datetime.now(UTC) - timedelta(minutes=1)).isoformat(),
            "assignee_id": salon["user"]["id"],
        },
        headers=salon["headers"],
    )
    assert task.status_code == 201, task.text

    with worker_settings(smtp_url=f"smtp://127.0.0.1:{port}", mail_from="Atrium <no@a.test>"):
        # Two schedulers at once: the reminder is claimed by one of them.
        raised = await asyncio.gather(scan_due_work(db), scan_due_work(db))
        assert sum(raised) >= 1
        await eventually(lambda: _sent(db, schema))
        await drained()
        assert await scan_due_work(db) == 0
        # The same reminder delivered again (a redelivered message) sends nothing more.
        remind_at = (await mail_rows(db, schema))[0].effect_key.split(":", 2)[2]
        send_task_reminder.send_with_options(
            args=(schema, task.json()["id"], remind_at), idempotency_key="a-redelivery"
        )
        await drained()

    mine = [e for e in sink.messages if salon["user"]["email"] in e.rcpt_tos]
    assert len(mine) == 1
    sent = message_from_bytes(mine[0].content, policy=policy.default)
    assert sent["Subject"] == "Напоминание: Перезвонить Ивановой"
    assert "Салон Лиза" in sent["From"]
    text = sent.get_body(("plain",)).get_content()
    assert "15:00" in text  # 12:00 UTC in Moscow
    assert "Перезвонить Ивановой" in sent.get_body(("html",)).get_content()
    [row] = await mail_rows(db, schema)
    assert row.status == "sent" and row.attempts == 1 and row.language == "ru"

    inbox = await client.get("/api/v1/notifications", headers=salon["headers"])
    assert inbox.json()["unread"] == 1
    [note] = inbox.json()["items"]
    assert note["kind"] == "task.due" and note["title"] == sent["Subject"]
    read = await client.post(f"/api/v1/notifications/{note['id']}/read", headers=salon["headers"])
    assert read.status_code == 200 and read.json()["read_at"]
    assert (await client.get("/api/v1/notifications", headers=salon["headers"])).json()[
        "unread"
    ] == 0


async def _sent(db, schema):
    rows = await mail_rows(db, schema)
    return rows if rows and rows[0].status == "sent" else None


async def test_a_task_done_or_moved_before_its_reminder_sends_nothing(
    client, make_workspace, db, worker, drained
):
    shop = await make_workspace(company="Moved Task Shop")
    schema = await schema_of(db, shop["tenant"]["slug"])
    soon = (datetime.now(UTC) - timedelta(seconds=5)).isoformat()
    done = await client.post(
        "/api/v1/activities",
        json={"kind": "task", "title": "Done already", "remind_at": soon, "done": True,
              "assignee_id": shop["user"]["id"]},
        headers=shop["headers"],
    )  # fmt: skip
    later = await client.post(
        "/api/v1/activities",
        json={"kind": "task", "title": "Later", "remind_at": soon,
              "assignee_id": shop["user"]["id"]},
        headers=shop["headers"],
    )  # fmt: skip
    assert done.status_code == 201 and later.status_code == 201
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    moved = await client.patch(
        f"/api/v1/activities/{later.json()['id']}",
        json={"remind_at": tomorrow},
        headers=shop["headers"],
    )
    assert moved.status_code == 200
    assert await scan_due_work(db) == 0
    await drained()
    assert await mail_rows(db, schema) == []


async def test_an_overdue_complaint_notifies_its_employee_once(
    client, make_workspace, db, worker, drained
):
    shop = await make_workspace(company="Complaint Shop")
    appeal = await client.post(
        "/api/v1/appeals",
        json={
            "received_at": (datetime.now(UTC) - timedelta(hours=3)).isoformat(),
            "channel": "phone",
            "kind": "complaint",
            "subject": "Окна",
            "summary": "Дует из окна",
            "response_limit_hours": 1,
        },
        headers=shop["headers"],
    )
    assert appeal.status_code == 201, appeal.text
    assert await scan_due_work(db) >= 1
    await drained()
    assert await scan_due_work(db) == 0

    async def overdue_notes():
        inbox = await client.get("/api/v1/notifications", headers=shop["headers"])
        notes = [n for n in inbox.json()["items"] if n["kind"] == "appeal.overdue"]
        return notes or None

    notes = await eventually(overdue_notes)
    assert len(notes) == 1 and "Окна" in notes[0]["title"]
    other = await make_workspace(company="Other Complaint Shop")
    theirs = await client.get("/api/v1/notifications", headers=other["headers"])
    assert theirs.json()["items"] == []
    assert (
        await client.post(f"/api/v1/notifications/{notes[0]['id']}/read", headers=other["headers"])
    ).status_code == 404
