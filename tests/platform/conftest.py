"""Fixtures for sign-in, invitations and members: browsers with their own cookies and client
addresses, e-mails read from the mail outbox, and members added the way people join."""

import asyncio

import httpx
import pytest
from litestar.testing.transport import TestClientTransport
from sqlalchemy import select

from atrium.platform.mail.models import SystemMail
from tests.helpers import STRONG_PASSWORD
from tests.platform.support import BASE_URL, random_email, random_ip, token_in


class AddressedTransport(TestClientTransport):
    """The test client's way into the app (its portal and event loop), from a chosen address."""

    def __init__(self, client, ip: str) -> None:
        super().__init__(client=client)
        self.ip = ip

    def parse_request(self, request: httpx.Request) -> dict:
        scope = super().parse_request(request)
        scope["client"] = (self.ip, 50000)
        return scope

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        # From a thread, so that requests gathered together really run side by side.
        return await asyncio.to_thread(self.handle_request, request)

    async def aclose(self) -> None:
        pass  # the session's test client owns the portal


@pytest.fixture
async def new_browser(client):
    """A client with its own cookie jar and its own (random) client address."""
    browsers: list[httpx.AsyncClient] = []

    def make(ip: str | None = None) -> httpx.AsyncClient:
        transport = AddressedTransport(client, ip or random_ip())
        browser = httpx.AsyncClient(transport=transport, base_url=BASE_URL)
        browsers.append(browser)
        return browser

    yield make
    for browser in browsers:
        await browser.aclose()


@pytest.fixture
def mails_to(db):
    """Bodies of the system mail queued for an address, oldest first."""

    async def read(address: str) -> list[str]:
        async with db.shared_transaction() as session:
            rows = await session.scalars(
                select(SystemMail.text_body)
                .where(SystemMail.to_address == address)
                .order_by(SystemMail.id)
            )
            return list(rows)

    return read


@pytest.fixture
def sign_in(new_browser):
    """A browser signed in as ``email``, acting in ``slug`` (X-Workspace) with its CSRF token."""

    async def go(email: str, password: str = STRONG_PASSWORD, slug: str | None = None):
        browser = new_browser()
        answer = await browser.post(
            "/api/v1/auth/login", json={"email": email, "password": password}
        )
        assert answer.status_code == 200, answer.text
        browser.headers["X-CSRF-Token"] = answer.json()["csrf_token"]
        if slug:
            browser.headers["X-Workspace"] = slug
        return browser

    return go


@pytest.fixture
def join(client, new_browser, mails_to):
    """Invite a newcomer into ``workspace`` with ``role`` and accept as them."""

    async def go(workspace: dict, role: str, email: str | None = None) -> dict:
        email = email or random_email(role)
        invited = await client.post(
            "/api/v1/invitations",
            json={"email": email, "role": role},
            headers=workspace["headers"],
        )
        assert invited.status_code == 201, invited.text
        token = token_in((await mails_to(email))[-1])
        accepted = await new_browser().post(
            "/api/v1/invitations/accept",
            json={"token": token, "password": STRONG_PASSWORD, "name": role.title()},
        )
        assert accepted.status_code == 200, accepted.text
        return {"email": email, "password": STRONG_PASSWORD, "user_id": accepted.json()["user_id"]}

    return go
