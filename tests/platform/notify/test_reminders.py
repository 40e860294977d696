"""Task reminders and overdue complaints: found by the scheduler, raised once, e-mailed once in
the assignee's language and the workspace's time zone, and shown in the app."""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

from sqlalchemy import func, select, text

from atrium.platform.crm.activities.models import Activity
from atrium.platform.notify.models import MailLog, Notification
from atrium.platform.notify.reminders import send_task_reminder
from atrium.platform.notify.scheduler import scan_due_work
from atrium.platform.notify.sweep import sweep_messages
from atrium.platform.tenancy.models import Tenant
from tests.platform.jobs.conftest import eventually, worker_settings
from tests.platform.mail.test_mail import smtp_sink  # noqa: F401 - the SMTP sink fixture


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
    # Whatever earlier test files of this process left due is claimed first, so the counts
    # below are this task's reminder alone.
    await scan_due_work(db)
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
        assert sorted(raised) == [0, 1]
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
    shop = await make_workspace(company="Complaint Shop", locale="ru")
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
    assert len(notes) == 1 and notes[0]["title"] == "Жалоба не отвечена в срок: Окна"
    other = await make_workspace(company="Other Complaint Shop")
    theirs = await client.get("/api/v1/notifications", headers=other["headers"])
    assert theirs.json()["items"] == []
    assert (
        await client.post(f"/api/v1/notifications/{notes[0]['id']}/read", headers=other["headers"])
    ).status_code == 404


def test_quiet_hours_hold_messages_until_they_end_in_the_workspaces_zone():
    from datetime import time

    from atrium.platform.notify.quiet import quiet_until
    from atrium.platform.tenancy.models import WorkspaceSettings

    moscow = WorkspaceSettings(timezone="Europe/Moscow", quiet_from=time(21), quiet_to=time(9))
    late = datetime(2026, 12, 1, 20, 30, tzinfo=UTC)  # 23:30 in Moscow
    assert quiet_until(moscow, late) == datetime(2026, 12, 2, 6, 0, tzinfo=UTC)  # 09:00 there
    early = datetime(2026, 12, 2, 4, 0, tzinfo=UTC)  # 07:00
    assert quiet_until(moscow, early) == datetime(2026, 12, 2, 6, 0, tzinfo=UTC)
    noon = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)  # 12:00
    assert quiet_until(moscow, noon) is None
    lunch = WorkspaceSettings(timezone="UTC", quiet_from=time(13), quiet_to=time(14))
    assert quiet_until(lunch, datetime(2026, 12, 2, 13, 30, tzinfo=UTC)) == datetime(
        2026, 12, 2, 14, 0, tzinfo=UTC
    )
    assert quiet_until(WorkspaceSettings(timezone="UTC"), noon) is None


async def test_a_reminder_in_quiet_hours_waits_and_muted_kinds_are_not_shown(
    client, make_workspace, db, worker, drained, join, sign_in
):
    shop = await make_workspace(company="Quiet Shop")
    schema = await schema_of(db, shop["tenant"]["slug"])
    now = datetime.now(UTC)
    start, end = (
        (now - timedelta(hours=1)).strftime("%H:%M"),
        (now + timedelta(hours=2)).strftime("%H:%M"),
    )
    quiet = await client.patch(
        "/api/v1/workspace",
        json={"quiet_hours": {"start": start, "end": end}},
        headers=shop["headers"],
    )
    assert quiet.status_code == 200 and quiet.json()["quiet_hours"] == {"start": start, "end": end}
    await client.post(
        "/api/v1/activities",
        json={"kind": "task", "title": "At night", "assignee_id": shop["user"]["id"],
              "remind_at": (now - timedelta(minutes=1)).isoformat()},
        headers=shop["headers"],
    )  # fmt: skip
    await scan_due_work(db)
    await drained()
    assert await mail_rows(db, schema) == []  # held until the quiet hours end
    inbox = await client.get("/api/v1/notifications", headers=shop["headers"])
    assert inbox.json()["items"] == []
    ended = await client.patch(
        "/api/v1/workspace", json={"quiet_hours": None}, headers=shop["headers"]
    )
    assert ended.json()["quiet_hours"] is None
    await scan_due_work(db)
    [mail] = await eventually(lambda: mail_rows(db, schema))
    assert mail.kind == "task_reminder"

    employee = await join(shop, "employee")
    as_employee = await sign_in(employee["email"], slug=shop["tenant"]["slug"])
    muted = await as_employee.put(
        "/api/v1/me/notification-preferences", json={"email": False, "muted": ["lead.assigned"]}
    )
    assert muted.status_code == 200, muted.text
    assert (await as_employee.get("/api/v1/me/notification-preferences")).json() == {
        "email": False,
        "muted": ["lead.assigned"],
    }
    bad = await as_employee.put("/api/v1/me/notification-preferences", json={"muted": ["spam"]})
    assert bad.status_code == 422 and bad.json()["field"] == "muted"
    lead = await client.post(
        "/api/v1/leads", json={"source": "call", "name": "Павел"}, headers=shop["headers"]
    )
    assigned = await client.post(
        f"/api/v1/leads/{lead.json()['id']}/assign",
        json={"assignee_id": employee["user_id"]},
        headers=shop["headers"],
    )
    assert assigned.status_code == 200, assigned.text
    owner_lead = await client.post(
        "/api/v1/leads", json={"source": "call", "name": "Олег"}, headers=shop["headers"]
    )
    await client.post(
        f"/api/v1/leads/{owner_lead.json()['id']}/assign",
        json={"assignee_id": shop["user"]["id"]},
        headers=shop["headers"],
    )

    async def owner_told():
        inbox = await client.get("/api/v1/notifications", headers=shop["headers"])
        return [n for n in inbox.json()["items"] if n["kind"] == "lead.assigned"] or None

    [told] = await eventually(owner_told)
    assert told["title"] == "New lead for you: Олег"  # in the owner's language
    await drained()
    assert (await as_employee.get("/api/v1/notifications")).json()["items"] == []  # muted


async def test_a_workspace_words_its_reminder_itself_and_bad_templates_are_refused(
    client,
    make_workspace,
    db,
    worker,
    drained,
    smtp_sink,  # noqa: F811
):
    sink, port = smtp_sink
    shop = await make_workspace(company="Wording Shop")
    headers = shop["headers"]
    listed = (await client.get("/api/v1/settings/templates", headers=headers)).json()["items"]
    assert {(t["kind"], t["language"], t["custom"]) for t in listed} == {
        (kind, language, False)
        for kind in ("task_reminder", "birthday")
        for language in ("en", "ru")
    }
    broken = await client.put(
        "/api/v1/settings/templates/task_reminder/en",
        json={"subject": "Hi {{ name", "text": "x", "html": "x"},
        headers=headers,
    )
    assert broken.status_code == 422 and broken.json()["field"] == "subject"
    unknown = await client.put(
        "/api/v1/settings/templates/task_reminder/en",
        json={"subject": "Hi", "text": "{{ secret_key }}", "html": "x"},
        headers=headers,
    )
    assert unknown.status_code == 422 and unknown.json()["field"] == "text"
    escape = await client.put(
        "/api/v1/settings/templates/task_reminder/en",
        json={"subject": "{{ ''.__class__.__mro__ }}", "text": "x", "html": "x"},
        headers=headers,
    )
    assert escape.status_code == 422  # the sandbox refuses it
    saved = await client.put(
        "/api/v1/settings/templates/task_reminder/en",
        json={
            "subject": "Don't forget: {{ title }}",
            "text": "{{ name }}, {{ title }} is yours.",
            "html": "<p>{{ name }}, <b>{{ title }}</b></p>",
        },
        headers=headers,
    )
    assert saved.status_code == 200 and saved.json()["custom"] is True
    await client.post(
        "/api/v1/activities",
        json={"kind": "task", "title": "<Call> back", "assignee_id": shop["user"]["id"],
              "remind_at": (datetime.now(UTC) - timedelta(minutes=1)).isoformat()},
        headers=headers,
    )  # fmt: skip
    with worker_settings(smtp_url=f"smtp://127.0.0.1:{port}"):
        await scan_due_work(db)

        async def arrived():
            return [e for e in sink.messages if shop["user"]["email"] in e.rcpt_tos] or None

        [envelope] = await eventually(arrived)
        await drained()
    sent = message_from_bytes(envelope.content, policy=policy.default)
    assert sent["Subject"] == "Don't forget: <Call> back"
    assert "<Call> back is yours." in sent.get_body(("plain",)).get_content()
    assert "<b>&lt;Call&gt; back</b>" in sent.get_body(("html",)).get_content()
    reset = await client.delete("/api/v1/settings/templates/task_reminder/en", headers=headers)
    assert reset.status_code == 204
    listed = (await client.get("/api/v1/settings/templates", headers=headers)).json()["items"]
    assert not any(t["custom"] for t in listed)


async def quiet_now(client, headers, on: bool) -> None:
    now = datetime.now(UTC)
    hours = {
        "start": (now - timedelta(hours=1)).strftime("%H:%M"),
        "end": (now + timedelta(hours=2)).strftime("%H:%M"),
    }
    changed = await client.patch(
        "/api/v1/workspace", json={"quiet_hours": hours if on else None}, headers=headers
    )
    assert changed.status_code == 200, changed.text


async def test_a_reminder_redis_lost_is_queued_again_by_the_sweep_and_mailed_once(
    client,
    make_workspace,
    db,
    worker,
    drained,
    redis_client,
    jobs_namespace,
    smtp_sink,  # noqa: F811
):
    sink, port = smtp_sink
    shop = await make_workspace(company="Lost Message Shop")
    schema = await schema_of(db, shop["tenant"]["slug"])
    await client.post(
        "/api/v1/activities",
        json={"kind": "task", "title": "Call back", "assignee_id": shop["user"]["id"],
              "remind_at": (datetime.now(UTC) - timedelta(minutes=1)).isoformat()},
        headers=shop["headers"],
    )  # fmt: skip
    with worker_settings(smtp_url=f"smtp://127.0.0.1:{port}", mail_from="Atrium <no@a.test>"):
        # Claimed while no job runs; quiet hours start before the reminder's job runs, so it
        # is held as a delayed message in Redis, and then Redis loses everything.
        await asyncio.to_thread(worker._worker.pause)
        try:
            # Other workspaces of the test database may have work due too.
            assert await scan_due_work(db) >= 1
            await quiet_now(client, shop["headers"], on=True)
        finally:
            await asyncio.to_thread(worker._worker.resume)
        held = f"{jobs_namespace}:default.DQ.msgs"
        await eventually(lambda: _true(redis_client.hlen(held)))
        [reserved] = await mail_rows(db, schema)
        assert reserved.status == "queued" and reserved.kind == "task_reminder"
        redis_client.delete(*redis_client.scan_iter(f"{jobs_namespace}:*"))

        await quiet_now(client, shop["headers"], on=False)
        async with db.tenant_transaction(schema) as session:
            assert await sweep_messages(session, schema, grace=timedelta(0)) == 1
        await eventually(lambda: _sent(db, schema))
        await drained()
        async with db.tenant_transaction(schema) as session:
            assert await sweep_messages(session, schema, grace=timedelta(0)) == 0
        await drained()

    mine = [e for e in sink.messages if shop["user"]["email"] in e.rcpt_tos]
    assert len(mine) == 1
    [row] = await mail_rows(db, schema)
    assert row.status == "sent" and row.attempts == 1 and row.to_address == shop["user"]["email"]


async def _true(value):
    return value


async def test_a_mail_left_sending_by_a_dead_worker_is_marked_unknown_not_sent_again(db, workspace):
    async with db.tenant_transaction(workspace) as session:
        session.add(
            MailLog(kind="task_reminder", to_address="a@example.com", subject="s", language="en",
                    effect_key=f"task-reminder:{uuid.uuid4()}:x", status="sending",
                    attempted_at=datetime.now(UTC) - timedelta(hours=1))
        )  # fmt: skip
    async with db.tenant_transaction(workspace) as session:
        assert await sweep_messages(session, workspace) == 0
    rows = [r for r in await mail_rows(db, workspace) if r.to_address == "a@example.com"]
    assert [(r.status, "may or may not" in r.last_error) for r in rows] == [("unknown", True)]


async def test_a_former_member_gets_no_task_reminder(
    client,
    make_workspace,
    db,
    worker,
    drained,
    join,
    smtp_sink,  # noqa: F811
):
    sink, port = smtp_sink
    shop = await make_workspace(company="Former Member Shop")
    schema = await schema_of(db, shop["tenant"]["slug"])
    employee = await join(shop, "employee")
    task = await client.post(
        "/api/v1/activities",
        json={"kind": "task", "title": "Old task", "assignee_id": employee["user_id"],
              "remind_at": (datetime.now(UTC) - timedelta(minutes=1)).isoformat()},
        headers=shop["headers"],
    )  # fmt: skip
    assert task.status_code == 201, task.text
    removed = await client.delete(f"/api/v1/members/{employee['user_id']}", headers=shop["headers"])
    assert removed.status_code == 204, removed.text
    with worker_settings(smtp_url=f"smtp://127.0.0.1:{port}"):
        assert await scan_due_work(db) == 1
        [row] = await eventually(lambda: _closed(db, schema))
        await drained()
    assert row.status == "skipped" and "no longer a member" in row.last_error
    # (The invitation may reach the sink too: only a reminder would name the task.)
    to_employee = [
        message_from_bytes(e.content, policy=policy.default)
        for e in sink.messages
        if employee["email"] in e.rcpt_tos
    ]
    assert not [m for m in to_employee if "Old task" in m.get_body(("plain",)).get_content()]
    async with db.tenant_transaction(schema) as session:
        notes = await session.scalar(
            select(func.count()).where(Notification.user_id == uuid.UUID(employee["user_id"]))
        )
    assert notes == 0


async def _closed(db, schema):
    rows = await mail_rows(db, schema)
    return rows if rows and rows[0].status != "queued" else None


async def test_a_workspace_whose_scan_fails_does_not_stop_the_others(client, make_workspace, db):
    broken = await make_workspace(company="Broken Scan")
    served = await make_workspace(company="Served Scan")
    hidden = (await schema_of(db, broken["tenant"]["slug"])).name
    task = await client.post(
        "/api/v1/activities",
        json={"kind": "task", "title": "Call back", "assignee_id": served["user"]["id"],
              "remind_at": (datetime.now(UTC) - timedelta(minutes=1)).isoformat()},
        headers=served["headers"],
    )  # fmt: skip
    assert task.status_code == 201, task.text
    # The broken workspace lost a table its scan reads (as a half-finished migration would).
    async with db.shared_transaction() as session:
        await session.execute(text(f'ALTER TABLE "{hidden}".appeals RENAME TO hidden'))
    try:
        assert await scan_due_work(db) >= 1
    finally:
        async with db.shared_transaction() as session:
            await session.execute(text(f'ALTER TABLE "{hidden}".hidden RENAME TO appeals'))
    served_schema = await schema_of(db, served["tenant"]["slug"])
    async with db.tenant_transaction(served_schema) as session:
        assert await session.scalar(select(Activity.reminded_at)) is not None
