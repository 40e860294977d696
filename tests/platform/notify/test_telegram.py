"""Telegram: the bot's webhook registered with a secret, a customer linking their chat from a
signed link, and a message sent to that chat by a job (a fake Bot API on loopback)."""

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from atrium.platform.notify.models import TelegramLog
from atrium.platform.tenancy.models import Tenant
from tests.platform.jobs.conftest import (
    eventually,
    failed_jobs_keyed,
    fast_retries,
    worker_settings,
)


class BotApi(BaseHTTPRequestHandler):
    calls: list = []
    # Answers to give first, in order: (status, headers, body); then the normal ones.
    script: list = []

    def do_POST(self):  # noqa: N802 - http.server's name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
        token, _, method = self.path.removeprefix("/bot").partition("/")
        BotApi.calls.append((token, method, body))
        ok = token in ("123:good-token", TOKEN)
        status, headers, answer = (200 if ok else 401), {}, {"ok": ok, "result": {"message_id": 1}}
        if BotApi.script:
            status, headers, answer = BotApi.script.pop(0)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(json.dumps(answer).encode())

    def log_message(self, *args):
        pass


TOKEN = "4242:secret-bot-token-AAbb"  # what must never be seen in clear
BROKEN = (500, {}, {"ok": False, "description": "Internal Server Error"})


@pytest.fixture
def bot_api(app):
    BotApi.calls, BotApi.script = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), BotApi)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    settings = app.state.settings
    before = settings.telegram_api_base
    object.__setattr__(settings, "telegram_api_base", base)  # the app's view of the setting
    with worker_settings(telegram_api_base=base):
        yield base
    object.__setattr__(settings, "telegram_api_base", before)
    server.shutdown()


async def test_a_customer_links_telegram_and_gets_a_message(
    client, make_workspace, worker, drained, bot_api
):
    salon = await make_workspace(company="Telegram Salon", locale="ru")
    headers = salon["headers"]
    refused = await client.put(
        "/api/v1/settings/telegram",
        json={"token": "123:bad", "bot_username": "liza_salon_bot"},
        headers=headers,
    )
    assert refused.status_code == 422 and refused.json()["field"] == "token"
    saved = await client.put(
        "/api/v1/settings/telegram",
        json={"token": "123:good-token", "bot_username": "@liza_salon_bot"},
        headers=headers,
    )
    assert saved.status_code == 200, saved.text
    [(_, method, registered)] = [c for c in BotApi.calls if c[0] == "123:good-token"]
    assert method == "setWebhook"
    assert registered["url"].endswith(f"/webhooks/telegram/{salon['tenant']['slug']}")
    secret = registered["secret_token"]

    contact = await client.post("/api/v1/contacts", json={"first_name": "Ольга"}, headers=headers)
    contact_id = contact.json()["id"]
    link = (
        await client.get(f"/api/v1/contacts/{contact_id}/telegram-link", headers=headers)
    ).json()
    assert link["linked"] is False and link["url"].startswith("https://t.me/liza_salon_bot?start=")
    code = parse_qs(urlsplit(link["url"]).query)["start"][0]
    not_yet = await client.post(
        f"/api/v1/contacts/{contact_id}/telegram", json={"text": "Привет"}, headers=headers
    )
    assert not_yet.status_code == 422

    webhook = f"/webhooks/telegram/{salon['tenant']['slug']}"
    update = {"message": {"chat": {"id": 777001}, "text": f"/start {code}"}}
    forged = await client.post(
        webhook, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "guess"}
    )
    assert forged.status_code == 403
    other_digit = "1" if code.endswith("0") else "0"
    tampered = {"message": {"chat": {"id": 666}, "text": f"/start {code[:-1]}{other_digit}"}}
    ignored = await client.post(
        webhook, json=tampered, headers={"X-Telegram-Bot-Api-Secret-Token": secret}
    )
    assert ignored.status_code == 200 and ignored.json()["linked"] is False
    linked = await client.post(
        webhook, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": secret}
    )
    assert linked.json() == {"ok": True, "linked": True}
    link = (
        await client.get(f"/api/v1/contacts/{contact_id}/telegram-link", headers=headers)
    ).json()
    assert link["linked"] is True

    sent = await client.post(
        f"/api/v1/contacts/{contact_id}/telegram",
        json={"text": "Ждём вас завтра в 15:00"},
        headers=headers,
    )
    assert sent.status_code == 202, sent.text

    async def delivered():
        return [c for c in BotApi.calls if c[1] == "sendMessage"] or None

    [(token, _, body)] = await eventually(delivered)
    await drained()
    assert token == "123:good-token"
    assert body == {"chat_id": 777001, "text": "Ждём вас завтра в 15:00"}


async def linked_customer(client, salon) -> str:
    """The salon's bot set up with TOKEN and a customer who linked their chat; the contact id."""
    headers = salon["headers"]
    saved = await client.put(
        "/api/v1/settings/telegram",
        json={"token": TOKEN, "bot_username": "secret_salon_bot"},
        headers=headers,
    )
    assert saved.status_code == 200, saved.text
    secret = [c for c in BotApi.calls if c[1] == "setWebhook"][-1][2]["secret_token"]
    contact = await client.post("/api/v1/contacts", json={"first_name": "Ира"}, headers=headers)
    contact_id = contact.json()["id"]
    link = await client.get(f"/api/v1/contacts/{contact_id}/telegram-link", headers=headers)
    code = parse_qs(urlsplit(link.json()["url"]).query)["start"][0]
    linked = await client.post(
        f"/webhooks/telegram/{salon['tenant']['slug']}",
        json={"message": {"chat": {"id": 424242}, "text": f"/start {code}"}},
        headers={"X-Telegram-Bot-Api-Secret-Token": secret},
    )
    assert linked.json()["linked"] is True
    return contact_id


async def telegram_row(db, slug: str, message_id: str) -> TelegramLog:
    async with db.shared_transaction() as session:
        schema = (await session.scalar(select(Tenant).where(Tenant.slug == slug))).schema
    async with db.tenant_transaction(schema) as session:
        return await session.get(TelegramLog, uuid.UUID(message_id))


async def test_a_telegram_server_error_never_shows_the_bot_token(
    client, make_workspace, db, worker, drained, bot_api, caplog
):
    salon = await make_workspace(company="Token Salon")
    BotApi.script = [BROKEN]
    refused = await client.put(
        "/api/v1/settings/telegram",
        json={"token": TOKEN, "bot_username": "secret_salon_bot"},
        headers=salon["headers"],
    )
    assert refused.status_code == 422 and refused.json()["field"] == "token"
    assert "500" in refused.json()["detail"] and TOKEN not in refused.text
    contact_id = await linked_customer(client, salon)

    with fast_retries("notify.send_telegram", max_retries=1):
        BotApi.script = [BROKEN, BROKEN]
        sent = await client.post(
            f"/api/v1/contacts/{contact_id}/telegram", json={"text": "Hi"}, headers=salon["headers"]
        )
        message_id = sent.json()["id"]
        [failed_job] = await eventually(lambda: failed_jobs_keyed(db, f"telegram:{message_id}"))
        await drained()

    row = await telegram_row(db, salon["tenant"]["slug"], message_id)
    assert row.status == "failed" and "500" in row.error
    assert TOKEN not in row.error
    assert "500" in failed_job.error and TOKEN not in failed_job.error
    assert TOKEN not in caplog.text
    assert len([c for c in BotApi.calls if c[1] == "sendMessage"]) == 2


async def test_telegram_asking_to_wait_429_is_retried_after_its_retry_after(
    client, make_workspace, db, worker, drained, bot_api
):
    salon = await make_workspace(company="Busy Bot Salon")
    contact_id = await linked_customer(client, salon)
    BotApi.script = [
        (429, {"Retry-After": "1"}, {"ok": False, "parameters": {"retry_after": 1}}),
    ]
    sent = await client.post(
        f"/api/v1/contacts/{contact_id}/telegram", json={"text": "Hi"}, headers=salon["headers"]
    )
    message_id = sent.json()["id"]

    async def delivered():
        row = await telegram_row(db, salon["tenant"]["slug"], message_id)
        return row if row.status == "sent" else None

    await eventually(delivered, timeout_s=15)
    await drained()
    tries = [c for c in BotApi.calls if c[1] == "sendMessage"]
    assert len(tries) == 2  # refused once with 429, then sent
