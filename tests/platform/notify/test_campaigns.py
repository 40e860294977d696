"""Campaigns to a segment: only customers with consent for the channel, personalised, a test
to oneself first, sent once when due, with opens, clicks, unsubscribes and deals counted;
SMS shows its segments and cost first; another workspace's campaign is out of reach."""

import re
import uuid
from decimal import Decimal
from email import message_from_bytes, policy

from sqlalchemy import update

from atrium.platform.crm.contacts.models import Contact
from atrium.platform.crm.segments.models import Campaign, CampaignMessage
from atrium.platform.notify.campaigns import prepare_campaign, send_campaign_email
from atrium.platform.notify.models import SmsLog, SmsSettings
from atrium.platform.notify.scheduler import scan_due_work
from atrium.platform.notify.sms import count_segments, queue_sms
from tests.platform.jobs.conftest import eventually, worker_settings
from tests.platform.mail.test_mail import smtp_sink  # noqa: F401 - the SMTP sink fixture
from tests.platform.notify.test_reminders import schema_of
from tests.platform.notify.test_sms import Gateway, gateway  # noqa: F401 - the SMS gateway fixture


async def add(client, workspace, **fields) -> str:
    answer = await client.post("/api/v1/contacts", json=fields, headers=workspace["headers"])
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


async def segment_of_everyone(client, workspace) -> str:
    saved = await client.post(
        "/api/v1/segments", json={"name": "Everyone", "conditions": []},
        headers=workspace["headers"],
    )  # fmt: skip
    return saved.json()["id"]


async def status_of(client, workspace, campaign_id):
    answer = await client.get(f"/api/v1/campaigns/{campaign_id}", headers=workspace["headers"])
    return answer.json()["status"]


async def test_an_email_campaign_reaches_only_consenting_customers_once_and_counts_results(
    client,
    make_workspace,
    db,
    worker,
    drained,
    smtp_sink,  # noqa: F811
):
    sink, port = smtp_sink
    shop = await make_workspace(company="Spring Shop")
    headers = shop["headers"]
    anna = await add(client, shop, first_name="Anna", marketing_consent=True,
                     emails=[{"address": "anna@spring.example"}])  # fmt: skip
    await add(client, shop, first_name="Boris", marketing_consent=True,
              marketing_opt_outs=["email"],
              emails=[{"address": "boris@spring.example"}])  # fmt: skip
    await add(client, shop, first_name="Vera", emails=[{"address": "vera@spring.example"}])
    await add(client, shop, first_name="Gleb", marketing_consent=True)  # no address
    created = await client.post(
        "/api/v1/campaigns",
        json={"name": "Spring", "channel": "email", "segment_id": await segment_of_everyone(
              client, shop), "subject": "Hello {{ first_name }}",
              "body": "Spring offer for {{ first_name }}: https://example.com/offer"},
        headers=headers,
    )  # fmt: skip
    assert created.status_code == 201, created.text
    campaign_id = created.json()["id"]
    assert (await client.get(f"/api/v1/campaigns/{campaign_id}/estimate", headers=headers)).json()[
        "recipients"
    ] == 1

    with worker_settings(smtp_url=f"smtp://127.0.0.1:{port}", mail_from="Atrium <no@a.test>"):
        tested = await client.post(
            f"/api/v1/campaigns/{campaign_id}/test", json={"to": "me@spring.example"},
            headers=headers,
        )  # fmt: skip
        assert tested.status_code == 202
        await eventually(lambda: _mails_to(sink, "me@spring.example"))
        scheduled = await client.post(
            f"/api/v1/campaigns/{campaign_id}/schedule", json={}, headers=headers
        )
        assert scheduled.json()["status"] == "scheduled"
        assert await scan_due_work(db) >= 1
        await eventually(lambda: _sent(client, shop, campaign_id))
        await drained()
        schema = await schema_of(db, shop["tenant"]["slug"])
        prepare_campaign.send_with_options(args=(schema, campaign_id), idempotency_key="again")
        await drained()

    [test_mail] = await _mails_to(sink, "me@spring.example")
    assert test_mail["Subject"].startswith("[TEST] Hello")
    [mail] = await _mails_to(sink, "anna@spring.example")
    for nobody in ("boris@spring.example", "vera@spring.example"):
        assert not await _mails_to(sink, nobody)
    assert mail["Subject"] == "Hello Anna"
    assert "Spring offer for Anna" in mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    pixel = re.search(r'<img src="([^"]+/o\.gif)"', html).group(1)
    click = re.search(r'<a href="([^"]+/c\?u=[^"]+)"', html).group(1).replace("&amp;", "&")
    unsubscribe = mail["List-Unsubscribe"].strip("<>")

    path = lambda url: "/" + url.split("://", 1)[1].split("/", 1)[1]  # noqa: E731
    assert (await client.get(path(pixel))).headers["content-type"] == "image/gif"
    went = await client.get(path(click), follow_redirects=False)
    assert went.status_code == 302 and went.headers["location"] == "https://example.com/offer"
    forged = await client.get(path(click).replace("offer", "evil"), follow_redirects=False)
    assert forged.status_code == 404
    assert (await client.post(path(unsubscribe))).status_code == 200
    pipelines = await client.get("/api/v1/pipelines", headers=headers)
    await client.post(
        "/api/v1/deals",
        json={"title": "Spring order", "pipeline_id": pipelines.json()["items"][0]["id"],
              "contact_id": anna, "amount": "4500"},
        headers=headers,
    )  # fmt: skip
    results = (await client.get(f"/api/v1/campaigns/{campaign_id}/results", headers=headers)).json()
    assert results == {
        "recipients": 1, "sent": 1, "delivered": 1, "failed": 0, "opened": 1, "clicked": 1,
        "unsubscribed": 1, "deals": 1, "revenue": "4500.00",
    }  # fmt: skip


async def _mails_to(sink, address):
    return [
        message_from_bytes(envelope.content, policy=policy.default)
        for envelope in sink.messages
        if address in envelope.rcpt_tos
    ]


async def _sent(client, workspace, campaign_id):
    return await status_of(client, workspace, campaign_id) == "sent"


async def test_an_sms_campaign_shows_segments_and_cost_and_reaches_only_consent(
    client,
    make_workspace,
    db,
    worker,
    drained,
    gateway,  # noqa: F811
):
    salon = await make_workspace(company="SMS Campaign Salon", locale="ru")
    headers = salon["headers"]
    configured = await client.put(
        "/api/v1/settings/sms",
        json={"gateway_url": gateway, "token": "gw", "sender": "Salon", "monthly_quota": 100},
        headers=headers,
    )
    assert configured.status_code == 200, configured.text
    schema = await schema_of(db, salon["tenant"]["slug"])
    async with db.tenant_transaction(schema) as session:
        await session.execute(update(SmsSettings).values(segment_price=Decimal("3.50")))
    olga = await add(client, salon, first_name="Ольга", marketing_consent=True,
                     phones=[{"number": "+79160000001"}])  # fmt: skip
    await add(client, salon, first_name="Нина", marketing_consent=True,
              marketing_opt_outs=["sms"], phones=[{"number": "+79160000002"}])  # fmt: skip
    await add(client, salon, first_name="Ира", phones=[{"number": "+79160000003"}])
    body = "{{ first_name }}, весной скидка 20% на все услуги салона! Запишитесь по телефону, ждём."
    created = await client.post(
        "/api/v1/campaigns",
        json={"name": "Весна", "channel": "sms", "segment_id": await segment_of_everyone(
              client, salon), "body": body},
        headers=headers,
    )  # fmt: skip
    campaign_id = created.json()["id"]
    estimate = (
        await client.get(f"/api/v1/campaigns/{campaign_id}/estimate", headers=headers)
    ).json()
    await client.post(f"/api/v1/campaigns/{campaign_id}/schedule", json={}, headers=headers)
    assert await scan_due_work(db) >= 1
    await eventually(lambda: _sent(client, salon, campaign_id))
    await eventually(lambda: _gateway_got(1))
    await drained()
    [(_, sent)] = Gateway.received
    assert sent["to"] == "+79160000001" and sent["text"].startswith("Ольга, весной")

    # The opt-out line, in the workspace's language, is counted in the estimate.
    text, opt_out = sent["text"].rsplit("\n", 1)
    assert text == body.replace("{{ first_name }}", "Ольга")
    assert opt_out.startswith("Отписаться: http")
    segments = count_segments(sent["text"]).count
    assert count_segments(text).count == 2 < segments
    cost = str(Decimal("3.50") * segments)
    assert estimate == {"recipients": 1, "segments_each": segments, "segments_total": segments,
                        "cost": cost}  # fmt: skip

    # The link works: it asks first, then stops SMS marketing for Olga (e-mail still allowed).
    link = opt_out.removeprefix("Отписаться: ")
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    assert "Отписаться?" in (await client.get(path)).text
    assert (await client.post(path)).status_code == 200
    card = (await client.get(f"/api/v1/contacts/{olga}", headers=headers)).json()
    assert card["marketing_opt_outs"] == ["sms"]


async def test_an_english_workspaces_sms_ends_with_opt_out_and_the_test_send_too(
    client,
    make_workspace,
    db,
    worker,
    drained,
    gateway,  # noqa: F811
):
    shop = await make_workspace(company="SMS Opt Out Shop", locale="en")
    headers = shop["headers"]
    configured = await client.put(
        "/api/v1/settings/sms",
        json={"gateway_url": gateway, "token": "gw", "sender": "Shop", "monthly_quota": 100},
        headers=headers,
    )
    assert configured.status_code == 200, configured.text
    await add(client, shop, first_name="Ann", marketing_consent=True,
              phones=[{"number": "+79160000021"}])  # fmt: skip
    body = "Hi {{ first_name }}, spring sale: 20% off everything this week."
    created = await client.post(
        "/api/v1/campaigns",
        json={"name": "Spring", "channel": "sms", "segment_id": await segment_of_everyone(
              client, shop), "body": body},
        headers=headers,
    )  # fmt: skip
    campaign_id = created.json()["id"]
    estimate = (
        await client.get(f"/api/v1/campaigns/{campaign_id}/estimate", headers=headers)
    ).json()
    tested = await client.post(
        f"/api/v1/campaigns/{campaign_id}/test", json={"to": "+79160000029"}, headers=headers
    )
    assert tested.status_code == 202, tested.text
    await client.post(f"/api/v1/campaigns/{campaign_id}/schedule", json={}, headers=headers)
    assert await scan_due_work(db) >= 1
    await eventually(lambda: _gateway_got(2))
    await drained()
    texts = {message["to"]: message["text"] for _, message in Gateway.received}
    sent, test = texts["+79160000021"], texts["+79160000029"]
    assert sent.startswith("Hi Ann, spring sale") and "\nOpt out: http" in sent
    assert "\nOpt out: http" in test
    # Latin text plus a Latin link: GSM-7, 160 a message; the link pushes it into two.
    assert count_segments(sent.rsplit("\n", 1)[0]).count == 1
    assert estimate["segments_each"] == count_segments(sent).count == 2


async def _gateway_got(count):
    return len(Gateway.received) >= count


async def test_another_workspaces_campaign_is_not_found(client, make_workspace):
    mine = await make_workspace(company="Campaign Owner")
    other = await make_workspace(company="Campaign Stranger")
    created = await client.post(
        "/api/v1/campaigns",
        json={"name": "Mine", "channel": "email", "segment_id": await segment_of_everyone(
              client, mine), "subject": "Hi", "body": "Hello"},
        headers=mine["headers"],
    )  # fmt: skip
    campaign_id = created.json()["id"]
    for path in ("", "/estimate", "/results"):
        answer = await client.get(
            f"/api/v1/campaigns/{campaign_id}{path}", headers=other["headers"]
        )
        assert answer.status_code == 404
    scheduled = await client.post(
        f"/api/v1/campaigns/{campaign_id}/schedule", json={}, headers=other["headers"]
    )
    assert scheduled.status_code == 404
    assert await status_of(client, mine, campaign_id) == "draft"


async def _queued_campaign(client, db, workspace, channel: str, contact_id: str, to: str):
    """A campaign already queued for one contact (its message row written, as prepare does)."""
    created = await client.post(
        "/api/v1/campaigns",
        json={"name": "Queued", "channel": channel, "segment_id": await segment_of_everyone(
              client, workspace), "subject": "Hi", "body": "Скидка для {{ first_name }}"},
        headers=workspace["headers"],
    )  # fmt: skip
    campaign_id = uuid.UUID(created.json()["id"])
    schema = await schema_of(db, workspace["tenant"]["slug"])
    async with db.tenant_transaction(schema) as session:
        await session.execute(
            update(Campaign).where(Campaign.id == campaign_id).values(status="sending")
        )
        message = CampaignMessage(
            campaign_id=campaign_id, contact_id=uuid.UUID(contact_id), to_address=to,
            token=uuid.uuid4().hex,
        )  # fmt: skip
        session.add(message)
        await session.flush()
        sms = None
        if channel == "sms":
            sms = await queue_sms(session, to=to, text="Скидка", kind="campaign",
                                  effect_key=f"campaign:{message.id}")  # fmt: skip
        # Consent withdrawn after the campaign was queued, before the job sends.
        await session.execute(
            update(Contact).where(Contact.id == uuid.UUID(contact_id))
            .values(marketing_opt_outs=[channel])
        )  # fmt: skip
    return schema, message.id, sms.id if sms else None


async def _message(db, schema, message_id):
    async with db.tenant_transaction(schema) as session:
        return await session.get(CampaignMessage, message_id)


async def test_an_email_is_not_sent_to_a_contact_who_withdrew_consent_after_queueing(
    client,
    make_workspace,
    db,
    worker,
    drained,
    smtp_sink,  # noqa: F811
):
    sink, port = smtp_sink
    shop = await make_workspace(company="Withdrawn Mail Shop")
    anna = await add(client, shop, first_name="Anna", marketing_consent=True,
                     emails=[{"address": "anna@withdrawn.example"}])  # fmt: skip
    schema, message_id, _ = await _queued_campaign(
        client, db, shop, "email", anna, "anna@withdrawn.example"
    )
    with worker_settings(smtp_url=f"smtp://127.0.0.1:{port}", mail_from="Atrium <no@a.test>"):
        send_campaign_email.send_with_options(
            args=(schema, str(message_id)), idempotency_key=f"test:{message_id}"
        )
        await drained()
    assert not await _mails_to(sink, "anna@withdrawn.example")
    message = await _message(db, schema, message_id)
    assert (message.status, message.sent_at) == ("withdrawn", None)


async def test_an_sms_is_not_sent_to_a_contact_who_withdrew_consent_after_queueing(
    client,
    make_workspace,
    db,
    worker,
    drained,
    gateway,  # noqa: F811
):
    salon = await make_workspace(company="Withdrawn SMS Salon", locale="ru")
    configured = await client.put(
        "/api/v1/settings/sms",
        json={"gateway_url": gateway, "token": "gw", "sender": "Salon", "monthly_quota": 100},
        headers=salon["headers"],
    )
    assert configured.status_code == 200, configured.text
    olga = await add(client, salon, first_name="Ольга", marketing_consent=True,
                     phones=[{"number": "+79160000011"}])  # fmt: skip
    before = len(Gateway.received)
    schema, message_id, sms_id = await _queued_campaign(
        client, db, salon, "sms", olga, "+79160000011"
    )
    await eventually(lambda: _sms_settled(db, schema, sms_id))
    await drained()
    assert len(Gateway.received) == before
    assert (await _message(db, schema, message_id)).status == "withdrawn"


async def _sms_settled(db, schema, sms_id):
    async with db.tenant_transaction(schema) as session:
        return (await session.get(SmsLog, sms_id)).status == "failed"
