"""System mail: delivered through SMTP after commit, or kept as 'logged' without SMTP_URL."""

import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from sqlalchemy import select

from atrium.platform.mail.delivery import MAX_ATTEMPTS, deliver_queued_mail
from atrium.platform.mail.models import SystemMail
from atrium.platform.mail.service import queue_system_mail
from tests.platform.jobs.conftest import eventually, worker_settings

SIGN_IN_LINK = "http://127.0.0.1:8000/reset?token=secret-reset-token"


class Sink:
    """Collects what it is sent; accepts one login when credentials are set."""

    def __init__(self) -> None:
        self.messages = []
        self.logins: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 Message accepted for delivery"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        if auth_data.login == b"atrium" and auth_data.password == b"p@ss word":
            self.logins.append(auth_data.login.decode())
            return AuthResult(success=True)
        return AuthResult(success=False, handled=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_sink():
    sink = Sink()
    controller = Controller(
        sink,
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=sink.authenticate,
        auth_require_tls=False,
    )
    controller.start()
    yield sink, controller.port
    controller.stop()


async def queue(db, to: str) -> int:
    async with db.shared_transaction() as session:
        mail = await queue_system_mail(
            session,
            to=to,
            subject="Reset your password",
            text=f"Open {SIGN_IN_LINK}",
            html=f'<a href="{SIGN_IN_LINK}">Reset</a>',
        )
    return mail.id


async def mail_row(db, mail_id: int) -> SystemMail:
    async with db.shared_transaction() as session:
        return await session.get(SystemMail, mail_id, populate_existing=True)


async def left_the_queue(db, mail_id: int) -> SystemMail | None:
    mail = await mail_row(db, mail_id)
    return mail if mail.status != "queued" else None


async def test_queued_mail_is_sent_through_smtp_after_commit(db, worker, smtp_sink):
    sink, port = smtp_sink
    with worker_settings(smtp_url=f"smtp://127.0.0.1:{port}", mail_from="Atrium <no-reply@a.test>"):
        mail_id = await queue(db, "liza@example.com")
        mail = await eventually(lambda: left_the_queue(db, mail_id))

    assert mail.status == "sent"
    assert mail.sent_at is not None and mail.attempts == 1
    assert SIGN_IN_LINK not in mail.text_body and mail.html_body is None  # not kept at rest
    [envelope] = [e for e in sink.messages if "liza@example.com" in e.rcpt_tos]
    assert envelope.mail_from == "no-reply@a.test"
    sent = message_from_bytes(envelope.content, policy=policy.default)
    assert sent["Subject"] == "Reset your password"
    assert SIGN_IN_LINK in sent.get_body(("plain",)).get_content()
    assert SIGN_IN_LINK in sent.get_body(("html",)).get_content()


async def test_smtp_credentials_in_the_url_are_used_to_log_in(db, worker, smtp_sink):
    sink, port = smtp_sink
    with worker_settings(smtp_url=f"smtp://atrium:p%40ss%20word@127.0.0.1:{port}"):
        mail_id = await queue(db, "owner@example.com")
        mail = await eventually(lambda: left_the_queue(db, mail_id))

    assert mail.status == "sent"
    assert sink.logins == ["atrium"]


async def test_without_smtp_url_mail_is_kept_as_logged_and_not_sent(db, worker, smtp_sink):
    sink, _ = smtp_sink
    with worker_settings(smtp_url=None):
        mail_id = await queue(db, "nobody@example.com")
        mail = await eventually(lambda: left_the_queue(db, mail_id))

    assert mail.status == "logged"
    assert mail.sent_at is None
    assert SIGN_IN_LINK in mail.text_body  # readable in the outbox
    assert sink.messages == []


async def test_mail_the_server_refuses_is_retried_then_marked_failed(db, worker):
    dead_server = f"smtp://127.0.0.1:{free_port()}"  # nothing listens there
    with worker_settings(smtp_url=dead_server):
        mail_id = await queue(db, "later@example.com")
        mail = await eventually(lambda: _attempted(db, mail_id))
        assert mail.status == "queued" and mail.last_error

        for _ in range(10):
            if (await mail_row(db, mail_id)).status != "queued":
                break
            await deliver_queued_mail(db, smtp_url=dead_server, mail_from="a@a.test")

    mail = await mail_row(db, mail_id)
    assert mail.status == "failed"
    assert mail.attempts == MAX_ATTEMPTS
    assert "Connect" in mail.last_error or "refused" in mail.last_error.lower()


async def _attempted(db, mail_id: int) -> SystemMail | None:
    mail = await mail_row(db, mail_id)
    return mail if mail.attempts else None


async def test_only_queued_mail_is_delivered(db, worker):
    # A second delivery finds nothing: rows already sent or logged are left alone.
    async with db.shared_transaction() as session:
        queued = await session.scalar(
            select(SystemMail.id).where(SystemMail.status == "queued").limit(1)
        )
    assert queued is None
    report = await deliver_queued_mail(db, smtp_url=None, mail_from="a@a.test")
    assert report.logged == 0
