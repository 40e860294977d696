"""SMS: segments counted as operators bill them, the monthly quota, a real HTTP gateway."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select, text

from atrium.platform.notify.sms import count_segments
from atrium.platform.tenancy.models import Tenant
from tests.platform.jobs.conftest import eventually, failed_jobs_keyed, fast_retries

CYRILLIC_71 = "Напоминаем: завтра в 15:00 ваша запись к мастеру Ольге. Ждём вас! Салон"[:71]


@pytest.mark.parametrize(
    ("text", "encoding", "segments"),
    [
        ("a" * 160, "gsm7", 1),
        ("a" * 161, "gsm7", 2),
        ("a" * 306, "gsm7", 2),
        ("a" * 307, "gsm7", 3),
        ("€" * 80, "gsm7", 1),  # the extension table: two septets each
        ("€" * 81, "gsm7", 2),
        ("Я" * 70, "ucs2", 1),
        ("Я" * 71, "ucs2", 2),
        ("Я" * 134, "ucs2", 2),
        ("Я" * 135, "ucs2", 3),
        ("ok 😀" * 10, "ucs2", 1),  # an emoji is two UTF-16 units
    ],
)
def test_segments_are_counted_as_operators_bill_them(text, encoding, segments):
    counted = count_segments(text)
    assert (counted.encoding, counted.count) == (encoding, segments)


class Gateway(BaseHTTPRequestHandler):
    received: list = []
    refuse = False
    script: list = []  # answers to give first: (status, headers, body)

    def do_POST(self):  # noqa: N802 - http.server's name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Gateway.received.append((self.headers["Authorization"], body))
        status, answer = (400, {"error": "bad number"}) if Gateway.refuse else (200, {"id": "m-1"})
        headers = {}
        if Gateway.script:
            status, headers, answer = Gateway.script.pop(0)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(json.dumps(answer).encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway():
    Gateway.received, Gateway.refuse, Gateway.script = [], False, []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/send"
    server.shutdown()


async def log_of(client, workspace):
    return (await client.get("/api/v1/sms", headers=workspace["headers"])).json()["items"]


async def test_a_long_cyrillic_sms_counts_two_segments_and_the_quota_stops_the_next(
    client, make_workspace, db, worker, drained, gateway
):
    salon = await make_workspace(company="SMS Salon", locale="ru")
    headers = salon["headers"]
    configured = await client.put(
        "/api/v1/settings/sms",
        json={
            "gateway_url": gateway,
            "token": "gw-secret-token",
            "sender": "Salon",
            "monthly_quota": 3,
        },
        headers=headers,
    )
    assert configured.status_code == 200, configured.text
    assert configured.json()["has_token"] is True and "gw-secret" not in configured.text

    sent = await client.post(
        "/api/v1/sms", json={"to": "8 916 123-45-67", "text": CYRILLIC_71}, headers=headers
    )
    assert sent.status_code == 202, sent.text
    assert sent.json()["segments"] == 2 and sent.json()["encoding"] == "ucs2"

    async def delivered():
        items = await log_of(client, salon)
        return items if items and items[0]["status"] == "sent" else None

    await eventually(delivered)
    await drained()
    [(authorization, body)] = Gateway.received
    assert authorization == "Bearer gw-secret-token"
    assert body == {"to": "+79161234567", "text": CYRILLIC_71, "from": "Salon"}
    usage = (await client.get("/api/v1/settings/sms", headers=headers)).json()
    assert usage["used_this_month"] == 2

    # The gateway reports delivery, with its token; a stranger cannot.
    report = f"/webhooks/sms/{salon['tenant']['slug']}"
    forged = await client.post(
        report, json={"id": "m-1", "status": "delivered"}, headers={"Authorization": "Bearer x"}
    )
    assert forged.status_code == 403
    delivered_report = await client.post(
        report,
        json={"id": "m-1", "status": "delivered"},
        headers={"Authorization": "Bearer gw-secret-token"},
    )
    assert delivered_report.json() == {"updated": True}
    late = await client.post(
        report,
        json={"id": "m-1", "status": "sent"},
        headers={"Authorization": "Bearer gw-secret-token"},
    )
    assert late.json() == {"updated": False}  # a late "sent" does not undo "delivered"
    assert (await log_of(client, salon))[0]["status"] == "delivered"

    over = await client.post(
        "/api/v1/sms", json={"to": "+79161234567", "text": CYRILLIC_71}, headers=headers
    )
    assert over.status_code == 402, over.text
    assert over.headers["content-type"] == "application/problem+json"
    assert len(await log_of(client, salon)) == 1  # nothing written
    async with db.shared_transaction() as session:
        schema = (
            await session.scalar(select(Tenant).where(Tenant.slug == salon["tenant"]["slug"]))
        ).schema
    async with db.tenant_transaction(schema) as session:
        sealed = await session.scalar(text("SELECT token_sealed FROM sms_settings"))
    assert "gw-secret-token" not in sealed


async def test_a_gateway_refusal_is_final_and_the_preview_counts_segments(
    client, make_workspace, worker, drained, gateway
):
    shop = await make_workspace(company="Refused SMS Shop", locale="ru")
    headers = shop["headers"]
    Gateway.refuse = True
    await client.put(
        "/api/v1/settings/sms", json={"gateway_url": gateway, "token": "t"}, headers=headers
    )
    queued = await client.post(
        "/api/v1/sms", json={"to": "+79161234567", "text": "Привет"}, headers=headers
    )
    assert queued.status_code == 202

    async def failed():
        items = await log_of(client, shop)
        return items if items and items[0]["status"] == "failed" else None

    [row] = await eventually(failed)
    assert "refused" in row["error"]
    await drained()
    assert len(Gateway.received) == 1  # not retried
    preview = await client.post("/api/v1/sms/preview", json={"text": "Я" * 71}, headers=headers)
    assert preview.json() == {"encoding": "ucs2", "characters": 71, "segments": 2}
    bad = await client.post("/api/v1/sms", json={"to": "12", "text": "x"}, headers=headers)
    assert bad.status_code == 422 and bad.json()["field"] == "to"


async def sms_salon(client, make_workspace, gateway, company: str) -> dict:
    salon = await make_workspace(company=company, locale="ru")
    configured = await client.put(
        "/api/v1/settings/sms",
        json={"gateway_url": gateway, "token": "gw-token", "monthly_quota": 5},
        headers=salon["headers"],
    )
    assert configured.status_code == 200, configured.text
    return salon


async def test_an_sms_the_gateway_never_takes_is_failed_and_its_segments_given_back(
    client, make_workspace, db, worker, drained, gateway
):
    salon = await sms_salon(client, make_workspace, gateway, "Down Gateway Salon")
    Gateway.script = [(503, {}, {"error": "maintenance"})] * 2
    with fast_retries("notify.send_sms", max_retries=1):
        queued = await client.post(
            "/api/v1/sms",
            json={"to": "+79161234567", "text": CYRILLIC_71},
            headers=salon["headers"],
        )
        assert queued.status_code == 202, queued.text
        await eventually(lambda: failed_jobs_keyed(db, f"sms:{queued.json()['id']}"))
        await drained()

    [row] = await log_of(client, salon)
    assert row["status"] == "failed"
    assert "503" in row["error"] and "gw-token" not in row["error"]
    assert len(Gateway.received) == 2
    usage = (await client.get("/api/v1/settings/sms", headers=salon["headers"])).json()
    assert usage["used_this_month"] == 0  # a failed message costs nothing


async def test_a_gateway_asking_to_wait_429_is_retried_not_refused(
    client, make_workspace, worker, drained, gateway
):
    salon = await sms_salon(client, make_workspace, gateway, "Busy Gateway Salon")
    Gateway.script = [(429, {"Retry-After": "1"}, {"error": "slow down"})]
    queued = await client.post(
        "/api/v1/sms", json={"to": "+79161234567", "text": "Привет"}, headers=salon["headers"]
    )
    assert queued.status_code == 202

    async def sent():
        items = await log_of(client, salon)
        return items if items and items[0]["status"] == "sent" else None

    await eventually(sent, timeout_s=15)
    await drained()
    assert len(Gateway.received) == 2


async def test_the_plans_sms_allowance_stops_sending_and_names_the_plan(
    client, make_workspace, worker, drained, gateway
):
    salon = await make_workspace(company="SMS Free Salon", locale="ru")
    headers = salon["headers"]
    await client.put(
        "/api/v1/settings/sms",
        json={"gateway_url": gateway, "token": "t", "sender": "Salon", "monthly_quota": 100},
        headers=headers,
    )
    allowed = await client.post("/api/v1/sms", json={"to": "+79161234567", "text": "Привет"},
                                headers=headers)  # fmt: skip
    assert allowed.status_code == 202  # on the trial (Business: 5,000 segments a month)

    async def sent():  # while the gateway listens
        items = await log_of(client, salon)
        return items and items[0]["status"] == "sent"

    await eventually(sent)
    await drained()
    await client.put("/api/v1/billing/subscription", json={"plan": "free"}, headers=headers)
    refused = await client.post("/api/v1/sms", json={"to": "+79161234567", "text": "Привет"},
                                headers=headers)  # fmt: skip
    assert refused.status_code == 402, refused.text
    assert refused.json()["upgrade"] == "Start"
    assert "0 SMS-сегментов в месяц" in refused.json()["detail"]  # the workspace's language
