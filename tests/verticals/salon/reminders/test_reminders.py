"""Reminders before a visit (24 and 2 hours ahead by default, once each, on the first channel
the client can be reached on, never during quiet hours) and "book your next visit" after one."""

import asyncio
import uuid
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select, update

from atrium.platform.crm.contacts.models import Contact, ContactEmail
from atrium.platform.crm.demo.models import DemoRecord
from atrium.platform.events.models import OutboxEvent
from atrium.platform.events.service import record_event
from atrium.platform.notify.models import MailLog, SmsLog
from atrium.platform.notify.scheduler import scan_due_work
from atrium.platform.tenancy.models import WorkspaceSettings
from atrium.verticals.salon.models import Location, Reminder, SalonSettings, Visit, VisitService
from atrium.verticals.salon.reminders import service as reminders
from atrium.verticals.salon.reminders import tasks
from atrium.verticals.salon.reminders.messages import WORDS
from tests.platform.jobs.conftest import eventually
from tests.platform.notify.test_sms import Gateway, gateway  # noqa: F401 - the SMS gateway fixture
from tests.verticals.salon.conftest import MOSCOW, build_salon

PHONE = "+79161234567"  # the fixture's client


async def _book(client, salon, start, *services, master=None, client_id=None) -> uuid.UUID:
    answer = await client.post(
        "/api/v1/salon/visits",
        json={
            "client_id": str(client_id or salon.client_id),
            "master_id": str(master or salon.anna),
            "start": start.isoformat(),
            "service_ids": [str(service) for service in services or [salon.cut]],
        },
        headers=salon.headers,
    )
    assert answer.status_code == 201, answer.text
    return uuid.UUID(answer.json()["id"])


async def _change(client, salon, visit_id, **body):
    answer = await client.patch(
        f"/api/v1/salon/visits/{visit_id}", json=body, headers=salon.headers
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


async def _reminders(db, salon, visit_id=None) -> list[Reminder]:
    async with db.tenant_transaction(salon.schema) as session:
        query = select(Reminder).order_by(Reminder.kind, Reminder.offset_minutes.desc())
        if visit_id is not None:
            query = query.where(Reminder.visit_id == visit_id)
        return list(await session.scalars(query))


async def _make_due(db, salon, visit_id, offset_minutes) -> None:
    """As if the reminder's time had come a minute ago."""
    async with db.tenant_transaction(salon.schema) as session:
        await session.execute(
            update(Reminder)
            .where(Reminder.visit_id == visit_id, Reminder.offset_minutes == offset_minutes)
            .values(due_at=datetime.now(UTC) - timedelta(minutes=1))
        )


async def _sms_gateway(client, salon, url) -> None:
    configured = await client.put(
        "/api/v1/settings/sms",
        json={"gateway_url": url, "token": "gw-token", "sender": "Salon", "monthly_quota": 50},
        headers=salon.headers,
    )
    assert configured.status_code == 200, configured.text


async def _salon_details(db, salon, **values) -> None:
    async with db.tenant_transaction(salon.schema) as session:
        if values:
            await session.execute(update(Location).values(**values))
        await session.execute(update(WorkspaceSettings).values(quiet_from=None, quiet_to=None))


async def _sms_of(db, salon) -> list[SmsLog]:
    async with db.tenant_transaction(salon.schema) as session:
        return list(await session.scalars(select(SmsLog).where(SmsLog.kind == tasks.MAIL_KIND)))


async def _sent(db, salon):
    rows = await _sms_of(db, salon)
    return rows if rows and all(row.status == "sent" for row in rows) else None


async def _dispatched(db, salon):
    """Every reminder event of the workspace was handled (a negative check waits for this)."""
    async with db.tenant_transaction(salon.schema) as session:
        waiting = await session.scalar(
            select(func.count()).where(
                OutboxEvent.name == "salon.reminder_due", OutboxEvent.dispatched_at.is_(None)
            )
        )
        handled = await session.scalar(
            select(func.count()).where(OutboxEvent.name == "salon.reminder_due")
        )
    return waiting == 0 and handled > 0


def _texts_to(number: str) -> list[str]:
    return [body["text"] for _, body in Gateway.received if body["to"] == number]


async def test_a_booking_plans_reminders_24_and_2_hours_ahead_and_3_hours_ahead_only_one(
    client, db, salon
):
    visit_id = await _book(client, salon, salon.at(11))
    planned = await _reminders(db, salon, visit_id)
    assert [(row.kind, row.offset_minutes, row.due_at) for row in planned] == [
        ("before", 24 * 60, salon.at(11) - timedelta(hours=24)),
        ("before", 2 * 60, salon.at(11) - timedelta(hours=2)),
    ]
    assert all(row.claimed_at is None and row.channel is None for row in planned)

    # Booked three hours ahead: the 24-hour reminder's time has passed, only the 2-hour one.
    async with db.tenant_transaction(salon.schema) as session:
        visit = await session.get(Visit, visit_id)
        await reminders.plan_reminders(session, visit, now=visit.starts_at - timedelta(hours=3))
        offsets = await session.scalars(
            select(Reminder.offset_minutes).where(Reminder.visit_id == visit_id)
        )
        assert list(offsets) == [120]
        await session.rollback()

    # The salon's own hours are used: 48 and 3 hours.
    async with db.tenant_transaction(salon.schema) as session:
        await session.execute(update(SalonSettings).values(reminder_hours=[48, 3]))
    later = await _book(client, salon, salon.at(16))
    assert [row.offset_minutes for row in await _reminders(db, salon, later)] == [48 * 60, 180]


async def test_a_due_reminder_goes_out_once_by_sms_even_when_two_scans_run_at_once(
    client,
    db,
    salon,
    worker,
    drained,
    gateway,  # noqa: F811
):
    await _sms_gateway(client, salon, gateway)
    await _salon_details(db, salon, address="Arbat 1", phone="+7 495 123-45-67")
    visit_id = await _book(client, salon, salon.at(11))
    await _make_due(db, salon, visit_id, 24 * 60)

    raised = await asyncio.gather(scan_due_work(db), scan_due_work(db))
    assert sum(raised) >= 1
    await eventually(lambda: _sent(db, salon))
    await drained()
    await scan_due_work(db)  # claimed already: nothing more
    await drained()

    [text] = _texts_to(PHONE)
    day = salon.day.strftime("%a %-d %B")
    assert text == (
        f"Reminder: Haircut with Anna on {day} at 11:00, Liza on Arbat, Arbat 1."
        " To cancel or move: +7 495 123-45-67"
    )
    assert len(await _sms_of(db, salon)) == 1
    sent, waiting = await _reminders(db, salon, visit_id)
    assert (sent.offset_minutes, sent.channel) == (24 * 60, "sms") and sent.claimed_at
    assert (waiting.offset_minutes, waiting.claimed_at) == (120, None)


async def test_a_cancelled_visit_gets_no_reminder(client, db, salon, worker, drained, gateway):  # noqa: F811
    await _sms_gateway(client, salon, gateway)
    await _salon_details(db, salon)
    visit_id = await _book(client, salon, salon.at(11))
    await _make_due(db, salon, visit_id, 24 * 60)
    await _change(client, salon, visit_id, status="cancelled")
    assert await _reminders(db, salon, visit_id) == []
    await scan_due_work(db)
    await drained()
    assert _texts_to(PHONE) == [] and await _sms_of(db, salon) == []

    # Cancelled after the scan claimed it, before it went out: still nothing.
    other = await _book(client, salon, salon.at(12))
    await _make_due(db, salon, other, 24 * 60)
    async with db.tenant_transaction(salon.schema) as session:
        settings = await session.get_one(WorkspaceSettings, 1)
        assert await tasks.scan_due_work(session, settings, datetime.now(UTC)) == 1
        await session.execute(update(Visit).where(Visit.id == other).values(status="cancelled"))
    await eventually(lambda: _dispatched(db, salon))
    await drained()
    assert _texts_to(PHONE) == []
    [claimed, *_] = await _reminders(db, salon, other)
    assert claimed.claimed_at is not None and claimed.channel is None


async def test_demo_clients_are_not_messaged(client, db, salon, worker, drained, gateway):  # noqa: F811
    await _sms_gateway(client, salon, gateway)
    await _salon_details(db, salon)
    async with db.tenant_transaction(salon.schema) as session:
        session.add(DemoRecord(kind="contact", record_id=salon.client_id))
    visit_id = await _book(client, salon, salon.at(11))
    await _make_due(db, salon, visit_id, 24 * 60)
    assert await scan_due_work(db) >= 1
    await eventually(lambda: _dispatched(db, salon))
    await drained()
    assert _texts_to(PHONE) == [] and await _sms_of(db, salon) == []


async def test_a_moved_visit_is_reminded_of_its_new_time(client, db, salon):
    visit_id = await _book(client, salon, salon.at(11))
    async with db.tenant_transaction(salon.schema) as session:  # as if the 24-hour one went out
        await session.execute(
            update(Reminder)
            .where(Reminder.visit_id == visit_id, Reminder.offset_minutes == 24 * 60)
            .values(claimed_at=func.now(), channel="sms")
        )
    new_start = salon.at(12, days=1)
    await _change(client, salon, visit_id, start=new_start.isoformat())
    planned = await _reminders(db, salon, visit_id)
    # The client heard of the old time: both reminders are due again, for the new one.
    assert [(row.offset_minutes, row.due_at, row.claimed_at) for row in planned] == [
        (24 * 60, new_start - timedelta(hours=24), None),
        (120, new_start - timedelta(hours=2), None),
    ]

    # Another master at the same time: a reminder sent for this start is not sent again.
    async with db.tenant_transaction(salon.schema) as session:
        await session.execute(
            update(Reminder)
            .where(Reminder.visit_id == visit_id, Reminder.offset_minutes == 24 * 60)
            .values(claimed_at=func.now(), channel="sms")
        )
    await _change(client, salon, visit_id, master_id=str(salon.boris))
    kept, waiting = await _reminders(db, salon, visit_id)
    assert (kept.offset_minutes, kept.channel) == (24 * 60, "sms") and kept.claimed_at
    assert (waiting.offset_minutes, waiting.claimed_at) == (120, None)


async def test_quiet_hours_hold_reminders_and_a_visit_begun_meanwhile_is_not_reminded(
    client, db, salon
):
    early = await _book(client, salon, salon.at(10))  # 2-hour reminder at 08:00, in quiet hours
    late = await _book(client, salon, salon.at(12))  # 2-hour reminder at 10:00
    unclaimed = select(func.count()).where(Reminder.claimed_at.is_(None))

    async def quiet_until(session, end: time):
        settings = await session.get_one(WorkspaceSettings, 1)
        settings.timezone, settings.quiet_from, settings.quiet_to = "Europe/Moscow", time(21), end
        return settings

    async with db.tenant_transaction(salon.schema) as session:
        settings = await quiet_until(session, time(9))
        # 08:30 in quiet hours: everything waits unclaimed.
        assert await tasks.scan_due_work(session, settings, salon.at(8, 30)) == 0
        assert await session.scalar(unclaimed) == 4
        # 09:00 they end: the early visit's 2-hour reminder goes (its 24-hour one, due with
        # it, is dropped: one is enough), and the late visit's 24-hour one, late itself.
        assert await tasks.scan_due_work(session, settings, salon.at(9)) == 2
        assert await session.scalar(unclaimed) == 1
        await session.rollback()

    async with db.tenant_transaction(salon.schema) as session:
        settings = await quiet_until(session, time(10, 30))
        assert await tasks.scan_due_work(session, settings, salon.at(10, 15)) == 0
        # Quiet until 10:30: the early visit has begun meanwhile and is not reminded.
        assert await tasks.scan_due_work(session, settings, salon.at(10, 30)) == 1
        rows = {
            (row.visit_id, row.offset_minutes): row
            for row in await session.scalars(select(Reminder))
        }
        assert rows[(early, 120)].claimed_at == salon.at(10, 30)
        assert rows[(late, 120)].claimed_at == salon.at(10, 30)
        assert await session.scalar(unclaimed) == 0
        await session.rollback()


async def _done_visit(db, salon, client_id, *, done_ago: timedelta, hour: int) -> uuid.UUID:
    """A colouring with Anna, checked out ``done_ago``."""
    visit_id = uuid.uuid4()
    done_at = datetime.now(UTC) - done_ago
    starts = datetime.combine(done_at.astimezone(MOSCOW).date(), time(hour), MOSCOW)
    async with db.tenant_transaction(salon.schema) as session:
        session.add(
            Visit(
                id=visit_id, location_id=salon.location_id, master_id=salon.anna,
                contact_id=client_id, starts_at=starts, ends_at=starts + timedelta(hours=2),
                status="done", done_at=done_at, paid=Decimal(7000), payment_method="card",
            )
        )  # fmt: skip
        await session.flush()
        session.add(
            VisitService(
                visit_id=visit_id, position=0, service_id=salon.colour, name="Colouring",
                starts_at=starts, ends_at=starts + timedelta(hours=2), price=Decimal(7000),
            )
        )  # fmt: skip
        await record_event(session, "salon.visit_done", {"visit_id": str(visit_id)})
    return visit_id


async def _rebook_of(db, salon, visit_id):
    rows = [row for row in await _reminders(db, salon, visit_id) if row.kind == "rebook"]
    return rows[0] if rows else None


async def test_book_your_next_visit_comes_after_the_interval_unless_the_client_booked_already(
    client,
    db,
    salon,
    settings,
    worker,
    drained,
    gateway,  # noqa: F811
):
    await _sms_gateway(client, salon, gateway)
    await _salon_details(db, salon)
    # Colouring is repeated every 42 days, suggested 3 days early: due 39 days after.
    done = await _done_visit(db, salon, salon.client_id, done_ago=timedelta(days=40), hour=11)
    planned = await eventually(lambda: _rebook_of(db, salon, done))
    async with db.tenant_transaction(salon.schema) as session:
        done_at = (await session.get(Visit, done)).done_at
    assert planned.due_at == done_at + timedelta(days=39)

    # A second client came too, and has booked her next visit already.
    booked_id = uuid.uuid4()
    async with db.tenant_transaction(salon.schema) as session:
        session.add(Contact(id=booked_id, display_name="Olga", first_name="Olga"))
    await _done_visit(db, salon, booked_id, done_ago=timedelta(days=41), hour=15)
    await _book(client, salon, salon.at(11), client_id=booked_id)
    await eventually(lambda: _rebooks_planned(db, salon, 2))

    await scan_due_work(db)
    await eventually(lambda: _sent(db, salon))
    await drained()
    [text] = _texts_to(PHONE)
    link = f"{settings.base_url}/book/{salon.slug}/arbat"
    assert text == f"Time for your next Colouring at Liza on Arbat. Book online: {link}"
    assert len(await _sms_of(db, salon)) == 1
    rows = [row for row in await _reminders(db, salon) if row.kind == "rebook"]
    assert sorted((row.channel or "") for row in rows) == ["", "sms"]
    assert all(row.claimed_at for row in rows)

    # A visit checked out without the event is found by the scan; it suggests in 39 days.
    async with db.tenant_transaction(salon.schema) as session:
        recent = await _done_visit_quietly(session, salon, hours_ago=1)
        settings_row = await session.get_one(WorkspaceSettings, 1)
        assert await tasks.scan_due_work(session, settings_row, datetime.now(UTC)) == 0
        due = await session.scalar(select(Reminder.due_at).where(Reminder.visit_id == recent))
        visit = await session.get(Visit, recent)
        assert due == visit.done_at + timedelta(days=39)
        assert [s.name for s in await reminders.suggestions(session, salon.client_id)] == [
            "Colouring"
        ]
        await session.rollback()


async def _rebooks_planned(db, salon, count):
    rows = [row for row in await _reminders(db, salon) if row.kind == "rebook"]
    return len(rows) >= count


async def _done_visit_quietly(session, salon, *, hours_ago: int) -> uuid.UUID:
    visit_id, done_at = uuid.uuid4(), datetime.now(UTC) - timedelta(hours=hours_ago)
    starts = done_at - timedelta(days=3)
    session.add(
        Visit(
            id=visit_id, location_id=salon.location_id, master_id=salon.anna,
            contact_id=salon.client_id, starts_at=starts, ends_at=starts + timedelta(hours=2),
            status="done", done_at=done_at,
        )
    )  # fmt: skip
    await session.flush()
    session.add(
        VisitService(
            visit_id=visit_id, position=0, service_id=salon.colour, name="Colouring",
            starts_at=starts, ends_at=starts + timedelta(hours=2), price=Decimal(7000),
        )
    )  # fmt: skip
    await session.flush()
    return visit_id


async def test_a_client_without_a_phone_gets_the_reminder_by_mail_in_the_workspace_language(
    client, db, make_workspace, worker, drained
):
    salon = await build_salon(db, await make_workspace("Салон Лиза", "salon", "ru"))
    await _salon_details(db, salon, name="Лиза на Арбате")
    async with db.tenant_transaction(salon.schema) as session:
        session.add(ContactEmail(contact_id=salon.client_id, address="maria@example.com"))
    visit_id = await _book(client, salon, salon.at(11))
    await _make_due(db, salon, visit_id, 120)
    await scan_due_work(db)
    [mail] = await eventually(lambda: _mails(db, salon))
    await drained()
    assert mail.to_address == "maria@example.com" and mail.language == "ru"
    day = salon.day.day
    assert mail.subject.startswith(f"Салон Лиза: ваша запись {day} ")
    assert mail.subject.endswith(" в 11:00")
    [sent, *_] = [row for row in await _reminders(db, salon, visit_id) if row.claimed_at]
    assert sent.channel == "email"


async def _mails(db, salon):
    async with db.tenant_transaction(salon.schema) as session:
        rows = list(await session.scalars(select(MailLog).where(MailLog.kind == tasks.MAIL_KIND)))
    return rows if rows and all(row.status in ("logged", "sent") for row in rows) else None


async def test_another_workspace_reminders_are_out_of_reach(
    client,
    db,
    salon,
    make_workspace,
    worker,
    drained,
    gateway,  # noqa: F811
):
    other = await build_salon(db, await make_workspace("Other Salon", "salon"))
    await _sms_gateway(client, other, gateway)
    await _salon_details(db, other)
    theirs = await _book(client, other, other.at(11))
    await _make_due(db, other, theirs, 24 * 60)
    [their_reminder, _] = await _reminders(db, other, theirs)

    async with db.tenant_transaction(salon.schema) as session:
        settings = await session.get_one(WorkspaceSettings, 1)
        assert await tasks.scan_due_work(session, settings, datetime.now(UTC)) == 0
        # An event naming their reminder finds nothing in this workspace.
        await record_event(session, "salon.reminder_due", {"reminder_id": str(their_reminder.id)})
    await drained()
    untouched, _ = await _reminders(db, other, theirs)
    assert untouched.claimed_at is None and untouched.channel is None
    assert _texts_to(PHONE) == []


def test_every_message_is_written_in_both_languages():
    assert set(WORDS["en"]) == set(WORDS["ru"])
