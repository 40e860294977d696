"""Faults between `atrium serve` and what it depends on, made by the fault proxy of the test kit
(tests/faults.py) in front of PostgreSQL, Redis, SMTP and an SMS gateway: with one down or slow
mid-request the app answers 503 problem+json with Retry-After or queues the work, writes all or
nothing, and recovers by itself when it comes back."""

import asyncio
import json
import secrets
import time

import httpx

from atrium.platform.notify.sms import HttpGateway
from tests.helpers import STRONG_PASSWORD
from tests.web.faults.conftest import (
    TIMEOUT_S,
    api,
    assert_unavailable,
    card,
    created_again,
    event_of,
    eventually,
    mail_to,
    stored,
    wait_for_backend,
    wait_for_no_backend,
)


async def test_the_database_reset_mid_write_is_a_503_and_nothing_half_written(
    behind, owner, proxies, direct
):
    async with httpx.AsyncClient(base_url=behind, headers=api(owner), timeout=30) as http:
        proxies["postgres"].delay(0.05)  # each packet waits: the write is caught mid-way
        name = f"Reset{secrets.token_hex(3)}"
        writing = asyncio.create_task(http.post("/api/v1/contacts", json=card(name)))
        await asyncio.to_thread(
            wait_for_backend, direct, "idle in transaction", "INSERT INTO %contacts%"
        )
        proxies["postgres"].reset()
        assert_unavailable(await writing)
        assert stored(direct, name) is None

        proxies["postgres"].pass_()  # the same request again, the server not restarted
        await created_again(http, direct, name)


async def test_a_database_gone_silent_mid_write_is_a_503_in_time_and_nothing_half_written(
    behind, owner, proxies, direct
):
    async with httpx.AsyncClient(base_url=behind, headers=api(owner), timeout=60) as http:
        proxies["postgres"].delay(0.05)  # slow, yet within the request's time limit
        name = f"Silent{secrets.token_hex(3)}"
        writing = asyncio.create_task(http.post("/api/v1/contacts", json=card(name)))
        await asyncio.to_thread(
            wait_for_backend, direct, "idle in transaction", "INSERT INTO %contacts%"
        )
        proxies["postgres"].blackhole()  # accepts, never answers: no error, only silence
        started = time.monotonic()
        assert_unavailable(await writing)
        # The request's time limit, plus psycopg's cancel of the query (5 s at most).
        assert time.monotonic() - started < TIMEOUT_S + 12

        proxies["postgres"].pass_()
        wait_for_no_backend(direct, "idle in transaction")  # the server rolled it back
        assert stored(direct, name) is None
        await created_again(http, direct, name)


async def test_a_silent_database_before_the_request_is_a_503_in_time(behind, owner, proxies):
    async with httpx.AsyncClient(base_url=behind, headers=api(owner), timeout=60) as http:
        assert (await http.get("/api/v1/contacts")).status_code == 200
        proxies["postgres"].blackhole()
        started = time.monotonic()
        assert_unavailable(await http.get("/api/v1/contacts"))
        assert time.monotonic() - started < TIMEOUT_S + 12
        proxies["postgres"].pass_()
        assert (await eventually(http, "GET", "/api/v1/contacts")).status_code == 200


async def test_a_page_with_the_database_down_says_to_try_again_in_the_users_language(
    behind, owner, proxies
):
    sign_in = {"email": owner["email"], "password": STRONG_PASSWORD}
    async with httpx.AsyncClient(base_url=behind, timeout=60) as browser:
        assert (await browser.post("/api/v1/auth/login", json=sign_in)).status_code == 200
        contacts = f"/w/{owner['slug']}/contacts?lang=ru"
        assert (await browser.get(contacts)).status_code == 200
        proxies["postgres"].reset()
        page = await browser.get(contacts)
        assert page.status_code == 503
        assert page.headers["content-type"].startswith("text/html")
        assert int(page.headers["retry-after"]) > 0
        assert "Попробуйте через минуту" in page.text and "<title>" in page.text
        proxies["postgres"].pass_()
        assert (await eventually(browser, "GET", contacts)).status_code == 200


async def test_a_slow_upload_is_not_cut_by_the_time_limit(behind, owner):
    body = json.dumps(card(f"Slow{secrets.token_hex(3)}")).encode()

    async def slowly():
        for start in range(0, len(body), 20):  # the whole body takes twice the time limit
            yield body[start : start + 20]
            await asyncio.sleep(2 * TIMEOUT_S / (len(body) / 20))

    async with httpx.AsyncClient(base_url=behind, headers=api(owner), timeout=60) as http:
        answer = await http.post(
            "/api/v1/contacts", content=slowly(), headers={"Content-Type": "application/json"}
        )
        assert answer.status_code == 201, answer.text


async def test_without_redis_sign_in_is_a_503_and_page_writes_wait_in_the_outbox(
    behind, owner, proxies, direct
):
    sign_in = {"email": owner["email"], "password": STRONG_PASSWORD}
    async with httpx.AsyncClient(base_url=behind, timeout=60) as browser:
        signed_in = await browser.post("/api/v1/auth/login", json=sign_in)
        assert signed_in.status_code == 200, signed_in.text
        csrf = signed_in.json()["csrf_token"]

        proxies["redis"].delay(0.1)  # slow, within the time limits: signing in only waits
        async with httpx.AsyncClient(base_url=behind, timeout=60) as stranger:
            assert (await stranger.post("/api/v1/auth/login", json=sign_in)).status_code == 200
        for fault in (proxies["redis"].reset, proxies["redis"].blackhole):
            fault()
            started = time.monotonic()
            async with httpx.AsyncClient(base_url=behind, timeout=60) as stranger:
                assert_unavailable(await stranger.post("/api/v1/auth/login", json=sign_in))
            assert time.monotonic() - started < TIMEOUT_S + 5

        # Signed in already, the owner keeps working: a page write needs no Redis; its event
        # waits in the outbox while the relay cannot publish it.
        name = f"Queued{secrets.token_hex(3)}"
        created = await browser.post(
            f"/w/{owner['slug']}/contacts",
            data={"csrf_token": csrf, "first_name": name, "phone": "+7 916 765-43-21",
                  "tags": "vip, regular"},
        )  # fmt: skip
        assert created.status_code == 302, created.text
        contact_id = created.headers["location"].rstrip("/").rsplit("/", 1)[1]
        await asyncio.sleep(TIMEOUT_S + 1)  # a sweep or two meet the silent Redis
        assert event_of(direct, contact_id) == (None, None)  # not published, not dispatched

        proxies["redis"].pass_()  # back: the relay publishes it, the worker dispatches it
        deadline = time.monotonic() + 30
        while event_of(direct, contact_id)[1] is None:
            assert time.monotonic() < deadline, "the event was not dispatched after Redis came back"
            await asyncio.sleep(0.2)
        async with httpx.AsyncClient(base_url=behind, timeout=60) as again:
            back = await eventually(again, "POST", "/api/v1/auth/login", json=sign_in)
            assert back.status_code == 200, back.text


async def test_mail_waits_while_smtp_is_down_and_is_delivered_when_it_returns(
    behind, owner, proxies, mailbox, direct
):
    box, _ = mailbox
    proxies["smtp"].reset()
    async with httpx.AsyncClient(base_url=behind, timeout=60) as http:
        started = time.monotonic()
        asked = await http.post("/api/v1/auth/password-reset", json={"email": owner["email"]})
        assert asked.status_code == 202, asked.text
        assert time.monotonic() - started < 2  # the request does not wait for SMTP
    await asyncio.sleep(8)  # several sweeps meet the reset: the mail stays queued
    status, attempts = mail_to(direct, owner["email"])
    assert status == "queued" and attempts >= 2, (status, attempts)
    assert owner["email"] not in box.recipients

    proxies["smtp"].pass_()
    deadline = time.monotonic() + 30
    while owner["email"] not in box.recipients:
        assert time.monotonic() < deadline, f"not delivered: {mail_to(direct, owner['email'])}"
        await asyncio.sleep(0.2)
    assert mail_to(direct, owner["email"])[0] == "sent"


async def test_a_silent_sms_gateway_times_out_and_the_message_goes_when_it_is_back(
    behind, owner, proxies, gateway
):
    _, received = gateway
    async with httpx.AsyncClient(base_url=behind, headers=api(owner), timeout=60) as http:
        configured = await http.put(
            "/api/v1/settings/sms",
            json={"gateway_url": proxies["sms"].address("http", "/send"), "token": "gw-token",
                  "sender": "Salon", "monthly_quota": 100},
        )  # fmt: skip
        assert configured.status_code == 200, configured.text
        proxies["sms"].blackhole()
        started = time.monotonic()
        sent = await http.post("/api/v1/sms", json={"to": "+79161112233", "text": "Hello"})
        assert sent.status_code == 202, sent.text
        assert time.monotonic() - started < 2  # the request only queues it

        async def last_sms() -> dict:
            answer = await http.get("/api/v1/sms")
            assert answer.status_code == 200  # nobody's page waits for the gateway either
            assert time.monotonic() - asked < 2
            return answer.json()["items"][0]

        deadline = time.monotonic() + HttpGateway.timeout_s + 10
        while True:  # the send times out, is logged, and waits for its retry
            asked = time.monotonic()
            sms = await last_sms()
            if sms["status"] == "queued" and sms["error"]:
                break
            assert time.monotonic() < deadline, sms
            await asyncio.sleep(0.2)
        assert "Timeout" in sms["error"] and "gw-token" not in sms["error"]
        assert received == []

        proxies["sms"].pass_()
        deadline = time.monotonic() + 30
        while sms["status"] != "sent":
            assert time.monotonic() < deadline, sms
            await asyncio.sleep(0.2)
            asked = time.monotonic()
            sms = await last_sms()
        assert [message["to"] for message in received] == ["+79161112233"]
