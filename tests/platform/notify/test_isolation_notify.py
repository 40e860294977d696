"""Notifications across workspaces: SMS (log, settings, gateway, quota, delivery reports),
Telegram (contact links, messages, the bot's webhook), in-app notifications, notification
preferences and message templates answer only for the caller's own workspace."""

import itertools
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from atrium.platform.crm.contacts.models import Contact
from atrium.platform.tenancy.models import Tenant
from tests.platform.jobs.conftest import eventually
from tests.platform.notify.test_telegram import TOKEN, BotApi, bot_api  # noqa: F401 - the fake Bot API

MISSING = "00000000-0000-4000-8000-000000000000"
CYRILLIC_71 = "Я" * 71  # two segments


async def _schema_of(db, slug):
    async with db.shared_transaction() as session:
        return (await session.scalar(select(Tenant).where(Tenant.slug == slug))).schema


# --- SMS -------------------------------------------------------------------------------------

_provider_ids = itertools.count(1)


class _Gateway:
    """One SMS gateway on loopback: what it received, and the ids it gave out."""

    def __init__(self, name: str) -> None:
        gateway = self
        self.received: list[tuple[str, dict]] = []
        self.ids: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                provider_id = f"{name}-{next(_provider_ids)}"
                gateway.received.append((self.headers["Authorization"], body))
                gateway.ids.append(provider_id)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps({"id": provider_id}).encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/send"


@pytest.fixture
def gateways():
    """Two gateways, one per workspace."""
    started = [_Gateway("alpha"), _Gateway("beta")]
    yield started
    for gateway in started:
        gateway.server.shutdown()


async def _sms_workspace(client, make_workspace, company, gateway, token, sender, quota):
    workspace = await make_workspace(company=company, locale="ru")
    configured = await client.put(
        "/api/v1/settings/sms",
        json={"gateway_url": gateway.url, "token": token, "sender": sender, "monthly_quota": quota},
        headers=workspace["headers"],
    )
    assert configured.status_code == 200, configured.text
    return workspace


@pytest.fixture
async def sms_pair(client, make_workspace, worker, gateways):
    alpha_gw, beta_gw = gateways
    alpha = await _sms_workspace(
        client, make_workspace, "SMS Iso Alpha", alpha_gw, "alpha-gw-token", "Alpha", 2
    )
    beta = await _sms_workspace(
        client, make_workspace, "SMS Iso Beta", beta_gw, "beta-gw-token", "Beta", 5
    )
    return alpha, beta


async def _sms_log(client, workspace) -> list[dict]:
    answer = await client.get("/api/v1/sms", headers=workspace["headers"])
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


async def _all_sent(client, workspace, count: int):
    async def check():
        items = await _sms_log(client, workspace)
        done = len(items) == count and all(i["status"] == "sent" for i in items)
        return items if done else None

    return await eventually(check)


async def test_an_sms_sent_in_one_workspace_uses_its_gateway_and_quota_only(
    client, sms_pair, gateways, drained
):
    alpha, beta = sms_pair
    alpha_gw, beta_gw = gateways
    # Alpha spends its whole quota (2 segments) ...
    sent = await client.post(
        "/api/v1/sms", json={"to": "+79161110000", "text": CYRILLIC_71}, headers=alpha["headers"]
    )
    assert sent.status_code == 202, sent.text
    over = await client.post(
        "/api/v1/sms", json={"to": "+79161110000", "text": "Ещё"}, headers=alpha["headers"]
    )
    assert over.status_code == 402
    # ... which leaves Beta's untouched: its messages go through its own gateway.
    for text in ("Бета один", CYRILLIC_71):
        queued = await client.post(
            "/api/v1/sms", json={"to": "+79162220000", "text": text}, headers=beta["headers"]
        )
        assert queued.status_code == 202, queued.text
    [alpha_row] = await _all_sent(client, alpha, 1)
    beta_rows = await _all_sent(client, beta, 2)
    await drained()

    assert alpha_gw.received == [
        ("Bearer alpha-gw-token", {"to": "+79161110000", "text": CYRILLIC_71, "from": "Alpha"})
    ]
    assert sorted(beta_gw.received, key=lambda r: r[1]["text"]) == [
        ("Bearer beta-gw-token", {"to": "+79162220000", "text": text, "from": "Beta"})
        for text in sorted(["Бета один", CYRILLIC_71])
    ]
    # Each log and each settings page shows the workspace's own messages, gateway and usage.
    assert alpha_row["to"] == "+79161110000"
    assert {row["to"] for row in beta_rows} == {"+79162220000"}
    alpha_settings = (await client.get("/api/v1/settings/sms", headers=alpha["headers"])).json()
    beta_settings = (await client.get("/api/v1/settings/sms", headers=beta["headers"])).json()
    assert alpha_settings == {
        "gateway_url": alpha_gw.url,
        "sender": "Alpha",
        "monthly_quota": 2,
        "has_token": True,
        "used_this_month": 2,
    }
    assert beta_settings == {
        "gateway_url": beta_gw.url,
        "sender": "Beta",
        "monthly_quota": 5,
        "has_token": True,
        "used_this_month": 3,
    }
    # Beta changing its gateway leaves Alpha's as it was.
    moved = await client.put(
        "/api/v1/settings/sms",
        json={"gateway_url": "https://sms.beta.test/send", "monthly_quota": 7},
        headers=beta["headers"],
    )
    assert moved.status_code == 200, moved.text
    assert (await client.get("/api/v1/settings/sms", headers=alpha["headers"])).json() == (
        alpha_settings
    )
    # The preview reads nothing of either workspace: the same answer in both.
    preview = {"text": CYRILLIC_71}
    assert (
        (await client.post("/api/v1/sms/preview", json=preview, headers=alpha["headers"])).json()
        == (await client.post("/api/v1/sms/preview", json=preview, headers=beta["headers"])).json()
        == {"encoding": "ucs2", "characters": 71, "segments": 2}
    )


async def test_a_delivery_report_changes_only_the_workspace_whose_slug_and_token_match(
    client, make_workspace, sms_pair, gateways, drained
):
    alpha, beta = sms_pair
    alpha_gw, beta_gw = gateways
    for workspace, number in ((alpha, "+79161110000"), (beta, "+79162220000")):
        queued = await client.post(
            "/api/v1/sms", json={"to": number, "text": "Привет"}, headers=workspace["headers"]
        )
        assert queued.status_code == 202, queued.text
    await _all_sent(client, alpha, 1)
    await _all_sent(client, beta, 1)
    await drained()
    [alpha_id], [beta_id] = alpha_gw.ids, beta_gw.ids

    def report(workspace, token, provider_id, status="delivered"):
        return client.post(
            f"/webhooks/sms/{workspace['tenant']['slug']}",
            json={"id": provider_id, "status": status},
            headers={"Authorization": f"Bearer {token}"},
        )

    # Alpha's gateway token on Beta's slug: refused, whichever message it names.
    for provider_id in (alpha_id, beta_id):
        refused = await report(beta, "alpha-gw-token", provider_id)
        assert refused.status_code == 403, refused.text
    assert (await report(alpha, "beta-gw-token", beta_id)).status_code == 403
    # Beta's own token on Beta's slug naming Alpha's message: nothing to update.
    assert (await report(beta, "beta-gw-token", alpha_id, "failed")).json() == {"updated": False}
    # A workspace without a gateway refuses every token.
    bare = await make_workspace(company="SMS Iso Bare")
    assert (await report(bare, "alpha-gw-token", alpha_id)).status_code == 403
    assert [row["status"] for row in await _sms_log(client, alpha)] == ["sent"]
    assert [row["status"] for row in await _sms_log(client, beta)] == ["sent"]

    # The right token on the right slug still works, for that workspace only.
    assert (await report(alpha, "alpha-gw-token", alpha_id)).json() == {"updated": True}
    assert [row["status"] for row in await _sms_log(client, alpha)] == ["delivered"]
    assert [row["status"] for row in await _sms_log(client, beta)] == ["sent"]


async def test_a_gateway_token_cleared_to_empty_takes_no_ones_delivery_reports(
    client, make_workspace, worker, gateways, drained
):
    # The workspace's slug is public; once its gateway token is saved empty, a report with no
    # credential, or with Alpha's, must still not change its delivery log.
    alpha_gw, open_gw = gateways
    await _sms_workspace(
        client, make_workspace, "SMS Iso Keyed", alpha_gw, "alpha-gw-token", "Alpha", 5
    )
    cleared = await _sms_workspace(
        client, make_workspace, "SMS Iso Cleared", open_gw, "open-gw-token", "", 5
    )
    queued = await client.post(
        "/api/v1/sms", json={"to": "+79163330000", "text": "Привет"}, headers=cleared["headers"]
    )
    assert queued.status_code == 202, queued.text
    await _all_sent(client, cleared, 1)
    await drained()
    [provider_id] = open_gw.ids
    emptied = await client.put(
        "/api/v1/settings/sms",
        json={"gateway_url": open_gw.url, "token": ""},
        headers=cleared["headers"],
    )
    assert emptied.status_code == 422, emptied.text  # an empty token is refused; and even so ...
    assert emptied.json()["field"] == "token"
    webhook = f"/webhooks/sms/{cleared['tenant']['slug']}"
    for headers in ({}, {"Authorization": "Bearer "}, {"Authorization": "Bearer alpha-gw-token"}):
        forged = await client.post(
            webhook, json={"id": provider_id, "status": "failed"}, headers=headers
        )
        assert forged.status_code == 403, (headers, forged.text)
    assert [row["status"] for row in await _sms_log(client, cleared)] == ["sent"]


# --- Telegram --------------------------------------------------------------------------------


async def _with_bot(client, workspace, token: str, username: str) -> str:
    """Set up the workspace's bot; the webhook secret it registered with Telegram."""
    saved = await client.put(
        "/api/v1/settings/telegram",
        json={"token": token, "bot_username": username},
        headers=workspace["headers"],
    )
    assert saved.status_code == 200, saved.text
    return [c for c in BotApi.calls if c[0] == token and c[1] == "setWebhook"][-1][2][
        "secret_token"
    ]


async def _start_code(client, workspace, contact_id) -> str:
    link = await client.get(
        f"/api/v1/contacts/{contact_id}/telegram-link", headers=workspace["headers"]
    )
    assert link.status_code == 200, link.text
    return parse_qs(urlsplit(link.json()["url"]).query)["start"][0]


async def _linked(client, workspace, contact_id) -> bool:
    link = await client.get(
        f"/api/v1/contacts/{contact_id}/telegram-link", headers=workspace["headers"]
    )
    assert link.status_code == 200, link.text
    return link.json()["linked"]


def _start(client, workspace, secret: str, code: str, chat_id: int):
    return client.post(
        f"/webhooks/telegram/{workspace['tenant']['slug']}",
        json={"message": {"chat": {"id": chat_id}, "text": f"/start {code}"}},
        headers={"X-Telegram-Bot-Api-Secret-Token": secret},
    )


@pytest.mark.usefixtures("bot_api")
async def test_another_workspaces_contact_is_the_same_404_for_its_telegram_link_and_messages(
    client, make_workspace, worker, drained
):
    alpha = await make_workspace(company="Telegram Iso Alpha")
    beta = await make_workspace(company="Telegram Iso Beta")
    bare = await make_workspace(company="Telegram Iso Bare")  # no bot at all
    alpha_secret = await _with_bot(client, alpha, "123:good-token", "alpha_iso_bot")
    await _with_bot(client, beta, TOKEN, "beta_iso_bot")
    contact = await client.post(
        "/api/v1/contacts", json={"first_name": "Ольга"}, headers=alpha["headers"]
    )
    contact_id = contact.json()["id"]
    code = await _start_code(client, alpha, contact_id)
    assert (await _start(client, alpha, alpha_secret, code, 515151)).json()["linked"] is True

    for stranger in (beta, bare):
        for method, path, body in (
            ("GET", "telegram-link", None),
            ("POST", "telegram", {"text": "Не вам"}),
        ):
            answers = [
                await client.request(
                    method,
                    f"/api/v1/contacts/{some_id}/{path}",
                    json=body,
                    headers=stranger["headers"],
                )
                for some_id in (contact_id, MISSING)
            ]
            theirs, missing = answers
            assert theirs.status_code == missing.status_code == 404, theirs.text
            assert theirs.json()["detail"] == missing.json()["detail"]
            assert "t.me" not in theirs.text
    await drained()
    assert [c for c in BotApi.calls if c[1] == "sendMessage"] == []  # nothing was sent


@pytest.mark.usefixtures("bot_api")
async def test_the_telegram_webhook_takes_neither_anothers_secret_nor_its_start_codes(
    client, make_workspace, db, worker
):
    alpha = await make_workspace(company="Webhook Iso Alpha")
    beta = await make_workspace(company="Webhook Iso Beta")
    alpha_secret = await _with_bot(client, alpha, "123:good-token", "alpha_hook_bot")
    beta_secret = await _with_bot(client, beta, TOKEN, "beta_hook_bot")
    contact = await client.post(
        "/api/v1/contacts", json={"first_name": "Ирина"}, headers=alpha["headers"]
    )
    contact_id = contact.json()["id"]
    code = await _start_code(client, alpha, contact_id)
    # Beta holds a contact with the very same id: a code made for Alpha's still links nothing.
    beta_schema = await _schema_of(db, beta["tenant"]["slug"])
    async with db.tenant_transaction(beta_schema) as session:
        session.add(
            Contact(
                id=uuid.UUID(contact_id),
                first_name="Twin",
                display_name="Twin",
                owner_id=uuid.UUID(beta["user"]["id"]),
            )
        )

    refused = await _start(client, beta, alpha_secret, code, 616161)  # Alpha's secret, Beta's slug
    assert refused.status_code == 403
    ignored = await _start(client, beta, beta_secret, code, 616161)  # Beta's bot, Alpha's code
    assert ignored.status_code == 200 and ignored.json() == {"ok": True, "linked": False}
    assert await _linked(client, beta, contact_id) is False
    assert await _linked(client, alpha, contact_id) is False
    # Beta's own code for its twin contact does not link Alpha's, and Alpha's own bot does.
    beta_code = await _start_code(client, beta, contact_id)
    assert (await _start(client, alpha, alpha_secret, beta_code, 717171)).json()["linked"] is False
    assert await _linked(client, alpha, contact_id) is False
    assert (await _start(client, alpha, alpha_secret, code, 818181)).json()["linked"] is True
    assert await _linked(client, alpha, contact_id) is True
    assert await _linked(client, beta, contact_id) is False


# --- In-app notifications, preferences, templates --------------------------------------------


async def _inbox(browser_or_client, headers=None) -> dict:
    answer = await browser_or_client.get("/api/v1/notifications", headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def _assign_lead(client, workspace, name: str, assignee_id: str) -> None:
    lead = await client.post(
        "/api/v1/leads", json={"source": "call", "name": name}, headers=workspace["headers"]
    )
    assert lead.status_code == 201, lead.text
    assigned = await client.post(
        f"/api/v1/leads/{lead.json()['id']}/assign",
        json={"assignee_id": assignee_id},
        headers=workspace["headers"],
    )
    assert assigned.status_code == 200, assigned.text


async def test_notifications_and_preferences_of_one_workspace_never_appear_in_another(
    client, make_workspace, worker, drained, join, sign_in
):
    alpha = await make_workspace(company="Inbox Iso Alpha")
    beta = await make_workspace(company="Inbox Iso Beta")
    # Alpha's owner is also an employee of Beta: one person, two workspaces.
    person = alpha["user"]
    await join(beta, "employee", email=person["email"])
    in_beta = await sign_in(person["email"], slug=beta["tenant"]["slug"])

    await _assign_lead(client, alpha, "Alpha Lead", person["id"])

    async def alpha_told():
        return (await _inbox(client, alpha["headers"]))["items"] or None

    [note] = await eventually(alpha_told)
    await drained()
    assert note["title"].endswith("Alpha Lead")
    for elsewhere in (await _inbox(in_beta), await _inbox(client, beta["headers"])):
        assert elsewhere == {"items": [], "next_cursor": None, "unread": 0}

    # Marking Alpha's notification read from Beta is the same 404 as a missing one.
    theirs = await in_beta.post(f"/api/v1/notifications/{note['id']}/read")
    missing = await in_beta.post(f"/api/v1/notifications/{MISSING}/read")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json()["detail"] == missing.json()["detail"]
    assert (await in_beta.post("/api/v1/notifications/read-all")).status_code == 204
    assert (await _inbox(client, alpha["headers"]))["unread"] == 1

    # Preferences are the person's in each workspace: muting in Alpha does not mute Beta.
    muted = await client.put(
        "/api/v1/me/notification-preferences",
        json={"email": False, "muted": ["lead.assigned"]},
        headers=alpha["headers"],
    )
    assert muted.status_code == 200, muted.text
    assert (await in_beta.get("/api/v1/me/notification-preferences")).json() == {
        "email": True,
        "muted": [],
    }
    await _assign_lead(client, beta, "Beta Lead", person["id"])

    async def beta_told():
        return (await _inbox(in_beta))["items"] or None

    [beta_note] = await eventually(beta_told)
    await drained()
    assert beta_note["title"].endswith("Beta Lead") and beta_note["id"] != note["id"]
    assert [n["id"] for n in (await _inbox(client, alpha["headers"]))["items"]] == [note["id"]]
    assert (await _inbox(client, beta["headers"]))["items"] == []  # Beta's owner: not theirs

    changed = await in_beta.put(
        "/api/v1/me/notification-preferences", json={"email": True, "muted": ["task.due"]}
    )
    assert changed.status_code == 200, changed.text
    assert (
        await client.get("/api/v1/me/notification-preferences", headers=alpha["headers"])
    ).json() == {"email": False, "muted": ["lead.assigned"]}


async def test_a_workspaces_own_templates_are_not_seen_or_reset_by_another(client, make_workspace):
    alpha = await make_workspace(company="Templates Iso Alpha")
    beta = await make_workspace(company="Templates Iso Beta")
    built_in = {
        (t["kind"], t["language"]): t
        for t in (await client.get("/api/v1/settings/templates", headers=beta["headers"])).json()[
            "items"
        ]
    }
    saved = await client.put(
        "/api/v1/settings/templates/task_reminder/en",
        json={
            "subject": "Alpha says: {{ title }}",
            "text": "Alpha text {{ name }}",
            "html": "<p>Alpha html {{ name }}</p>",
        },
        headers=alpha["headers"],
    )
    assert saved.status_code == 200, saved.text

    async def wording(workspace) -> dict:
        answer = await client.get("/api/v1/settings/templates", headers=workspace["headers"])
        assert answer.status_code == 200, answer.text
        return {(t["kind"], t["language"]): t for t in answer.json()["items"]}

    in_beta = await wording(beta)
    assert in_beta == built_in
    assert in_beta[("task_reminder", "en")]["custom"] is False
    assert "Alpha" not in json.dumps(list(in_beta.values()))
    # Beta resetting the same message leaves Alpha's wording in place.
    reset = await client.delete(
        "/api/v1/settings/templates/task_reminder/en", headers=beta["headers"]
    )
    assert reset.status_code == 204
    mine = (await wording(alpha))[("task_reminder", "en")]
    assert mine["custom"] is True and mine["subject"] == "Alpha says: {{ title }}"
