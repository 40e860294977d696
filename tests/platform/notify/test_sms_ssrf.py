"""A workspace's SMS gateway address cannot reach inside our network (SSRF): internal
addresses are refused when saved (API and settings page) and again at every send, redirects
to them are refused hop by hop, and what an outside service answered is never shown back."""

import asyncio
import json
import socket
import ssl
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from atrium.platform.config import load_settings
from atrium.platform.http.outbound import OutboundRefused, outbound_client
from tests.platform.conftest import new_browser, sign_in  # noqa: F401
from tests.platform.jobs.conftest import eventually, worker_settings
from tests.web.test_form_errors import described_error

# The addresses and their other spellings, each as https (allowed in production) so
# only where they lead can refuse them.
INTERNAL = [
    "https://169.254.169.254/latest/meta-data/iam/security-credentials/",
    "https://127.0.0.1:6379/",
    "https://10.0.0.1/send",
    "https://[::1]/send",
    "https://2130706433/send",
    "https://0x7f000001/send",
    "https://0177.0.0.1/send",
    "https://[::ffff:127.0.0.1]/send",
    "https://[::ffff:169.254.169.254]/send",
    "https://localhost:6379/send",  # a name that resolves to loopback
    "https://172.16.5.4/send",
    "https://192.168.0.10/send",
    "https://100.100.100.200/latest/meta-data/",  # CGNAT (a cloud's metadata service)
    "https://[fd00:ec2::254]/latest/meta-data/",
    "https://[fe80::1]/send",
    "https://0.0.0.0/send",
    "https://224.0.0.1/send",
]
SECRET = "AKIA-internal-9f2c"  # what a service may put in an error page


class Service(BaseHTTPRequestHandler):
    """A service on loopback: the fake gateway, or what a workspace must not reach."""

    received: list = []
    answer: tuple = (200, {}, {"id": "m-1"})

    def do_POST(self):  # noqa: N802 - http.server's name
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        Service.received.append((self.path, self.headers["Host"]))
        status, headers, body = Service.answer
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(json.dumps(body).encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def service():
    Service.received, Service.answer = [], (200, {}, {"id": "m-1"})
    server = ThreadingHTTPServer(("127.0.0.1", 0), Service)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()


@pytest.fixture
def production_guard(settings):
    """Loopback refused by the app as in production (ATRIUM_OUTBOUND_ALLOW_LOOPBACK off)."""
    before = getattr(settings, "outbound_allow_loopback", None)
    object.__setattr__(settings, "outbound_allow_loopback", False)  # the app's view
    yield
    object.__setattr__(settings, "outbound_allow_loopback", before)


async def save_gateway(client, workspace, url: str):
    return await client.put(
        "/api/v1/settings/sms",
        json={"gateway_url": url, "token": "gw-bearer-token", "monthly_quota": 100},
        headers=workspace["headers"],
    )


async def test_internal_gateway_addresses_are_refused_when_saved(
    client, make_workspace, production_guard, service
):
    salon = await make_workspace(company="SSRF Salon", locale="en")
    for url in [*INTERNAL, f"http://127.0.0.1:{service}/send", "http://sms.example.com/send"]:
        answer = await save_gateway(client, salon, url)
        assert answer.status_code == 422, (url, answer.text)
        problem = answer.json()
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert problem["field"] == "gateway_url", problem
        assert "gateway" in problem["detail"]
    shown = (await client.get("/api/v1/settings/sms", headers=salon["headers"])).json()
    assert shown["gateway_url"] == ""  # nothing was saved
    assert Service.received == []

    inside = await save_gateway(client, salon, "https://169.254.169.254/latest/")
    assert inside.json()["detail"] == (
        "The gateway address leads inside our network (169.254.169.254): give the gateway's "
        "public address."
    )
    ru = await client.put(
        "/api/v1/settings/sms",
        json={"gateway_url": "https://10.0.0.1/", "token": "t"},
        headers={**salon["headers"], "Accept-Language": "ru"},
    )
    assert ru.json()["detail"] == (
        "Адрес шлюза ведёт внутрь нашей сети (10.0.0.1): укажите публичный адрес шлюза."
    )
    # A public address, and a name that cannot be found now (checked again at every send).
    for url in ("https://93.184.216.34/send", "https://sms.gateway.invalid/send"):
        assert (await save_gateway(client, salon, url)).status_code == 200


async def test_private_addresses_are_refused_even_where_loopback_is_allowed(
    client, make_workspace, service
):
    salon = await make_workspace(company="Dev SSRF Salon", locale="en")
    for url in (
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "http://[fd00::1]/",
    ):
        assert (await save_gateway(client, salon, url)).status_code == 422, url
    # Development and tests: a fake gateway on this machine is fine.
    saved = await save_gateway(client, salon, f"http://127.0.0.1:{service}/send")
    assert saved.status_code == 200


async def test_the_settings_page_refuses_an_internal_gateway_beside_its_field(
    make_workspace,
    sign_in,  # noqa: F811
):
    workspace = await make_workspace(company="SSRF Page Salon", locale="ru")
    browser = await sign_in(workspace["user"]["email"])
    csrf = browser.headers.pop("X-CSRF-Token")
    form = f"/w/{workspace['tenant']['slug']}/settings/messaging/sms"
    for lang, message in (
        ("ru", "Адрес шлюза ведёт внутрь нашей сети (169.254.169.254): укажите публичный адрес "
               "шлюза."),
        ("en", "The gateway address leads inside our network (169.254.169.254): give the "
               "gateway's public address."),
    ):  # fmt: skip
        refused = await browser.post(
            f"{form}?lang={lang}",
            data={"csrf_token": csrf, "gateway_url": "http://169.254.169.254/latest/",
                  "token": "gw", "sender": "", "monthly_quota": "10"},
        )  # fmt: skip
        assert refused.status_code == 422
        assert described_error(refused.text, "gateway_url") == message
    page = await browser.get(f"/w/{workspace['tenant']['slug']}/settings/messaging")
    assert "169.254.169.254" not in page.text  # not saved


async def test_a_saved_gateway_that_now_leads_inside_is_not_called_at_send(
    client, make_workspace, worker, service, settings
):
    """Checked again at every send: a name may resolve elsewhere by then, and a value saved
    before this guard existed (or under another setting) may be anything."""
    salon = await make_workspace(company="Rebind Salon", locale="en")
    for url, why in (
        (f"http://localhost:{service}/send", "not an https:// address"),
        (f"https://localhost:{service}/send", "an address inside our network (127.0.0.1)"),
    ):
        saved = await save_gateway(client, salon, url)  # loopback allowed, as in development
        assert saved.status_code == 200
        before = settings.outbound_allow_loopback
        object.__setattr__(settings, "outbound_allow_loopback", False)
        try:
            with worker_settings(outbound_allow_loopback=False):
                sent = await client.post(
                    "/api/v1/sms", json={"to": "+79161234567", "text": url},
                    headers=salon["headers"],
                )  # fmt: skip
                assert sent.status_code == 202, sent.text

                async def settled(text=url):
                    listed = await client.get("/api/v1/sms", headers=salon["headers"])
                    items = [one for one in listed.json()["items"] if one["text"] == text]
                    done = items and items[0]["status"] not in ("queued", "sending")
                    return items if done else None

                [row] = await eventually(settled)
        finally:
            object.__setattr__(settings, "outbound_allow_loopback", before)
        assert row["status"] == "failed"
        assert row["error"] == f"SMS gateway not called: {why}"
    assert Service.received == []  # the bearer token never left


async def test_what_the_gateway_answered_is_never_shown_to_the_workspace(
    client,
    make_workspace,
    worker,
    service,
    sign_in,  # noqa: F811
):
    salon = await make_workspace(company="Echo Salon", locale="en")
    saved = await save_gateway(client, salon, f"http://127.0.0.1:{service}/send")
    assert saved.status_code == 200
    Service.answer = (400, {}, {"error": "bad number", "debug": f"key={SECRET}"})
    sent = await client.post(
        "/api/v1/sms", json={"to": "+79161234567", "text": "Hi"}, headers=salon["headers"]
    )
    assert sent.status_code == 202

    async def settled():
        items = (await client.get("/api/v1/sms", headers=salon["headers"])).json()["items"]
        return items if items and items[0]["status"] == "failed" else None

    [row] = await eventually(settled)
    assert row["error"] == "SMS gateway refused the message (400)"
    listed = await client.get("/api/v1/sms", headers=salon["headers"])
    assert SECRET not in listed.text and "bad number" not in listed.text
    browser = await sign_in(salon["user"]["email"])
    outbox = await browser.get(f"/w/{salon['tenant']['slug']}/settings/outbox?lang=en")
    assert outbox.status_code == 200 and "refused the message (400)" in outbox.text
    assert SECRET not in outbox.text


async def test_redirects_to_internal_addresses_are_refused_hop_by_hop(service):
    """Each hop is a request of its own, checked before it connects."""
    for target in ("http://169.254.169.254/latest/meta-data/", "http://10.0.0.1:6379/"):
        Service.answer = (307, {"Location": target}, {})
        async with outbound_client(allow_loopback=True, timeout_s=30) as client:
            started = time.monotonic()
            with pytest.raises(OutboundRefused) as refused:
                await client.post(f"http://127.0.0.1:{service}/send", follow_redirects=True)
        assert refused.value.reason == "internal"
        assert time.monotonic() - started < 5  # refused, not a connection left to time out
    assert len(Service.received) == 2  # only the allowed first hops


async def test_the_connection_goes_to_the_checked_address_with_the_name_kept(service):
    async with outbound_client(allow_loopback=True) as client:
        answer = await client.post(f"http://localhost:{service}/send", json={})
    assert answer.status_code == 200
    assert Service.received == [("/send", f"localhost:{service}")]
    async with outbound_client(allow_loopback=False) as client:
        for url in (f"https://localhost:{service}/", f"http://127.0.0.1:{service}/"):
            with pytest.raises(OutboundRefused):
                await client.post(url, json={})
    assert len(Service.received) == 1


def test_loopback_is_allowed_only_outside_production():
    key = {"ATRIUM_SECRET_KEY": "k" * 40}
    assert load_settings({"ATRIUM_ENV": "development"}).outbound_loopback is True
    assert load_settings({"ATRIUM_ENV": "test"}).outbound_loopback is True
    assert load_settings({"ATRIUM_ENV": "production", **key}).outbound_loopback is False
    off = {"ATRIUM_ENV": "test", "ATRIUM_OUTBOUND_ALLOW_LOOPBACK": "false"}
    assert load_settings(off).outbound_loopback is False
    with pytest.raises(ValueError, match="ATRIUM_OUTBOUND_ALLOW_LOOPBACK"):
        load_settings({"ATRIUM_ENV": "production", "ATRIUM_OUTBOUND_ALLOW_LOOPBACK": "1", **key})


def _certificate(tmp_path, name: str) -> tuple[str, str, str]:
    """A CA and a server certificate for ``name`` only (no IP address in it): files."""
    ca_key, ca, key, csr, cert = (
        str(tmp_path / f) for f in ("ca.key", "ca.pem", "k.pem", "r.csr", "c.pem")
    )
    run = lambda *args: subprocess.run(["openssl", *args], check=True, capture_output=True)  # noqa: E731
    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key, "-out", ca,
        "-days", "1", "-subj", "/CN=Test CA")  # fmt: skip
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", f"/CN={name}")
    extensions = tmp_path / "san.cnf"
    extensions.write_text(f"subjectAltName=DNS:{name}\n")
    run("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial", "-out", cert,
        "-days", "1", "-extfile", str(extensions))  # fmt: skip
    return ca, cert, key


@pytest.mark.parametrize(("name", "trusted"), [("localhost", True), ("other.example", False)])
async def test_https_to_the_pinned_address_checks_the_certificate_against_the_name(
    tmp_path, name, trusted
):
    """The connection goes to the checked IP, yet TLS still names the host (SNI) and the
    certificate is checked against the name, not the address."""
    Service.received, Service.answer = [], (200, {}, {"id": "m-1"})
    ca, cert, key = _certificate(tmp_path, name)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Service)
    serving = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    serving.load_cert_chain(cert, key)
    server.socket = serving.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        trusting = ssl.create_default_context(cafile=ca)
        url = f"https://localhost:{server.server_address[1]}/send"
        async with outbound_client(allow_loopback=True, verify=trusting) as client:
            if trusted:
                assert (await client.post(url, json={})).status_code == 200
                assert Service.received == [("/send", f"localhost:{server.server_address[1]}")]
            else:
                with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
                    await client.post(url, json={})
                assert Service.received == []
    finally:
        server.shutdown()


async def test_one_dns_answer_is_checked_and_connected_to(service, monkeypatch):
    """A name whose DNS answer changes (rebinding) is resolved once per request: that answer
    is checked and the connection goes to it; one internal address among several refuses the
    name. (The answers come from a stand-in for the machine's resolver.)"""
    loop = asyncio.get_running_loop()
    answers = {
        "gateway.example": [["127.0.0.1"], ["169.254.169.254"]],  # first checked, then rebound
        "mixed.example": [["93.184.216.34", "10.0.0.7"]],
    }
    asked: list[str] = []

    async def resolver(host, port, **kwargs):
        asked.append(host)
        found = answers[host].pop(0)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port)) for ip in found]

    monkeypatch.setattr(loop, "getaddrinfo", resolver)
    async with outbound_client(allow_loopback=True) as client:
        answer = await client.post(f"http://gateway.example:{service}/send", json={})
        assert answer.status_code == 200
        assert Service.received == [("/send", f"gateway.example:{service}")]
        assert asked == ["gateway.example"]  # not asked again when connecting
        with pytest.raises(OutboundRefused, match="10.0.0.7"):
            await client.post("https://mixed.example/send", json={})


@pytest.fixture
def loopback_refused_env(monkeypatch):
    """For `atrium serve` started after it: ATRIUM_OUTBOUND_ALLOW_LOOPBACK=false."""
    monkeypatch.setenv("ATRIUM_OUTBOUND_ALLOW_LOOPBACK", "false")


async def test_atrium_serve_reads_the_loopback_setting(
    loopback_refused_env, served, make_workspace, service
):
    """Over real HTTP against `atrium serve` started with the setting off: a gateway on this
    machine is refused, as in production."""
    salon = await make_workspace(company="Served SSRF Salon", locale="en")
    async with httpx.AsyncClient(base_url=served, headers=salon["headers"], timeout=30) as http:
        for url in (f"https://127.0.0.1:{service}/send", f"https://localhost:{service}/send"):
            answer = await http.put(
                "/api/v1/settings/sms", json={"gateway_url": url, "token": "gw-bearer-token"}
            )
            assert answer.status_code == 422, answer.text
            assert answer.json()["field"] == "gateway_url"
            assert "inside our network (127.0.0.1)" in answer.json()["detail"]
        public = await http.put(
            "/api/v1/settings/sms",
            json={"gateway_url": "https://93.184.216.34/send", "token": "gw-bearer-token"},
        )
        assert public.status_code == 200, public.text
