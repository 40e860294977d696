"""Birthday greetings: found by the scheduler on the customer's day in the workspace's zone,
once a year, only with marketing consent, by the first channel the customer can be reached on."""

import asyncio
from datetime import UTC, date, datetime
from email import message_from_bytes, policy
from zoneinfo import ZoneInfo

from sqlalchemy import select

from atrium.platform.crm.contacts.models import Contact
from atrium.platform.notify.birthdays import claim_birthdays, greet_by_mail
from atrium.platform.notify.models import MailLog, SmsLog
from atrium.platform.notify.scheduler import scan_due_work
from atrium.platform.tenancy.models import WorkspaceSettings
from tests.platform.jobs.conftest import eventually, worker_settings
from tests.platform.mail.test_mail import smtp_sink  # noqa: F401 - the SMTP sink fixture
from tests.platform.notify.test_reminders import schema_of
from tests.platform.notify.test_sms import gateway  # noqa: F401 - the SMS gateway fixture

MOSCOW = ZoneInfo("Europe/Moscow")


def born_on(day: date, year: int = 1990) -> str:
    return day.replace(year=year).isoformat() if (day.month, day.day) != (2, 29) else "1992-02-29"


async def add_contact(client, workspace, name, birthday, *, consent=True, email=None, phone=None):
    body = {"first_name": name, "birthday": birthday, "marketing_consent": consent}
    if email:
        body["emails"] = [{"address": email}]
    if phone:
        body["phones"] = [{"number": phone}]
    answer = await client.post("/api/v1/contacts", json=body, headers=workspace["headers"])
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


async def greet(client, workspace, **greetings):
    answer = await client.patch(
        "/api/v1/workspace",
        json={"birthday_greetings": {"enabled": True, "hour": 0, **greetings}},
        headers=workspace["headers"],
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["birthday_greetings"]


async def test_a_customer_is_greeted_once_on_their_day_by_mail_with_an_unsubscribe_link(
    client,
    make_workspace,
    db,
    worker,
    drained,
    smtp_sink,  # noqa: F811
):
    sink, port = smtp_sink
    salon = await make_workspace(company="Салон Роза", locale="ru")
    schema = await schema_of(db, salon["tenant"]["slug"])
    settings = await greet(client, salon, channels=["email"])
    assert settings == {"enabled": True, "hour": 0, "channels": ["email"]}
    today = datetime.now(UTC).astimezone(MOSCOW).date()
    await add_contact(client, salon, "Анна", born_on(today), email="anna@example.com")
    await add_contact(client, salon, "Без согласия", born_on(today), consent=False,
                      email="noconsent@example.com")  # fmt: skip
    other_day = date.fromordinal(today.toordinal() + 2)
    await add_contact(client, salon, "Потом", born_on(other_day), email="later@example.com")

    with worker_settings(smtp_url=f"smtp://127.0.0.1:{port}", mail_from="Atrium <no@a.test>"):
        raised = await asyncio.gather(scan_due_work(db), scan_due_work(db))
        assert sum(raised) >= 1
        await eventually(lambda: _mailed(db, schema))
        await drained()
        assert await scan_due_work(db) == 0  # greeted this year already
        [row] = await _mailed(db, schema)
        contact_id = await _contact_id(db, schema, "Анна")
        greet_by_mail.send_with_options(
            args=(schema, str(contact_id), today.year), idempotency_key="a-redelivery"
        )
        await drained()

    received = [m for m in sink.messages if {"anna@example.com"} & set(m.rcpt_tos)]
    assert len(received) == 1
    assert not [m for m in sink.messages if "noconsent@example.com" in m.rcpt_tos]
    assert not [m for m in sink.messages if "later@example.com" in m.rcpt_tos]
    sent = message_from_bytes(received[0].content, policy=policy.default)
    assert sent["Subject"] == "Салон Роза: с днём рождения, Анна!"
    assert "Салон Роза" in sent["From"]
    link = sent["List-Unsubscribe"].strip("<>")
    assert f"/u/{salon['tenant']['slug']}/" in link
    assert sent["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in sent.get_body(("plain",)).get_content()
    assert "Поздравляем" in sent.get_body(("html",)).get_content()
    assert row.kind == "birthday" and row.status == "sent" and row.language == "ru"

    # The one-click unsubscribe stops e-mail: no greeting by e-mail next year.
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert (await client.post(f"/{path}")).status_code == 200
    async with db.tenant_transaction(schema) as session:
        anna = await session.get(Contact, contact_id)
        assert anna.marketing_opt_outs == ["email"]


async def _mailed(db, schema):
    async with db.tenant_transaction(schema) as session:
        rows = list(await session.scalars(select(MailLog).where(MailLog.kind == "birthday")))
    return rows if rows and all(row.status == "sent" for row in rows) else None


async def _contact_id(db, schema, first_name):
    async with db.tenant_transaction(schema) as session:
        return await session.scalar(select(Contact.id).where(Contact.first_name == first_name))


async def test_greetings_wait_for_the_hour_in_the_workspace_zone_and_29_february_is_kept(
    client, make_workspace, db, worker
):
    shop = await make_workspace(company="Leap Shop")
    schema = await schema_of(db, shop["tenant"]["slug"])
    await greet(client, shop, hour=10, channels=["email"])
    await add_contact(client, shop, "Leap", "1992-02-29", email="leap@example.com")
    await add_contact(client, shop, "March", "1990-03-01", email="march@example.com")
    async with db.tenant_transaction(schema) as session:
        settings = await session.get_one(WorkspaceSettings, 1)
        settings.timezone = "Asia/Vladivostok"  # UTC+10
        # 09:30 local on 28 February 2027 (no 29th that year): before the hour.
        early = datetime(2027, 2, 27, 23, 30, tzinfo=UTC)
        assert await claim_birthdays(session, settings, early) == 0
        # 10:30 local: Leap is greeted today, March is not.
        due = datetime(2027, 2, 28, 0, 30, tzinfo=UTC)
        assert await claim_birthdays(session, settings, due) == 1
        assert await claim_birthdays(session, settings, due) == 0
        leap = await session.scalar(select(Contact).where(Contact.first_name == "Leap"))
        assert leap.birthday_greeted_in == 2027
        # In a leap year the 29th is the day, not the 28th.
        assert await claim_birthdays(session, settings, datetime(2028, 2, 28, 3, tzinfo=UTC)) == 0
        assert await claim_birthdays(session, settings, datetime(2028, 2, 29, 3, tzinfo=UTC)) == 1
        await session.rollback()


async def test_the_first_reachable_channel_in_the_workspace_order_is_used(
    client,
    make_workspace,
    db,
    worker,
    drained,
    gateway,  # noqa: F811
):
    salon = await make_workspace(company="Order Salon", locale="ru")
    schema = await schema_of(db, salon["tenant"]["slug"])
    configured = await client.put(
        "/api/v1/settings/sms",
        json={"gateway_url": gateway, "token": "gw-token", "sender": "Salon", "monthly_quota": 50},
        headers=salon["headers"],
    )
    assert configured.status_code == 200, configured.text
    await greet(client, salon, channels=["telegram", "sms", "email"])
    today = datetime.now(UTC).astimezone(MOSCOW).date()
    # No Telegram linked: SMS is next, and both have a phone.
    await add_contact(client, salon, "Ольга", born_on(today), phone="+79161112233",
                      email="olga@example.com")  # fmt: skip
    # No phone: e-mail is the only way.
    await add_contact(client, salon, "Ирина", born_on(today), email="irina@example.com")
    assert await scan_due_work(db) >= 2
    await eventually(lambda: _sms_sent(db, schema))
    await drained()
    [(authorization, body)] = gateway_received()
    assert body["to"] == "+79161112233"
    assert body["text"] == "Order Salon: с днём рождения, Ольга!"
    async with db.tenant_transaction(schema) as session:
        mails = list(await session.scalars(select(MailLog).where(MailLog.kind == "birthday")))
    assert [mail.to_address for mail in mails] == ["irina@example.com"]

    # Another workspace's job naming this customer finds no one in its own schema.
    other = await make_workspace(company="Other Salon")
    other_schema = await schema_of(db, other["tenant"]["slug"])
    irina = await _contact_id(db, schema, "Ирина")
    greet_by_mail.send_with_options(
        args=(other_schema, str(irina), today.year + 1), idempotency_key="cross-workspace"
    )
    await drained()
    async with db.tenant_transaction(other_schema) as session:
        assert list(await session.scalars(select(MailLog))) == []
    async with db.tenant_transaction(schema) as session:
        assert len(list(await session.scalars(select(MailLog)))) == 1

    bad = await client.patch(
        "/api/v1/workspace",
        json={"birthday_greetings": {"enabled": True, "channels": ["pigeon"]}},
        headers=salon["headers"],
    )
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    late = await client.patch(
        "/api/v1/workspace",
        json={"birthday_greetings": {"enabled": True, "hour": 24}},
        headers=salon["headers"],
    )
    assert late.status_code in (400, 422)


def gateway_received():
    from tests.platform.notify.test_sms import Gateway

    return Gateway.received


async def _sms_sent(db, schema):
    async with db.tenant_transaction(schema) as session:
        rows = list(await session.scalars(select(SmsLog).where(SmsLog.kind == "birthday")))
    return rows if rows and rows[0].status == "sent" else None
