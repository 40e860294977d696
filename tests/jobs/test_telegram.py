"""Telegram: the bot's webhook registered with a secret, a customer linking their chat from a
signed link, and a message sent to that chat by a job (a fake Bot API on loopback)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.jobs.conftest import eventually, worker_settings


class BotApi(BaseHTTPRequestHandler):
    calls: list = []

    def do_POST(self):  # noqa: N802 - http.server's name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
        token, _, method = self.path.removeprefix("/bot").partition("/")
        BotApi.calls.append((token, method, body))
        ok = token == "123:good-token"
        self.send_response(200 if ok else 401)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps({"ok": ok, "result": {"message_id": 1}}).encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def bot_api(app):
    BotApi.calls = []
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
