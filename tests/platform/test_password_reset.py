"""Forgotten passwords: a one-hour, single-use link by e-mail; the same answer for addresses
without an account; a new password signs the account out everywhere."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from atrium.platform.auth.models import OneTimeToken
from atrium.platform.auth.tokens import token_hash
from tests.helpers import STRONG_PASSWORD
from tests.platform.support import random_email, token_in

NEW_PASSWORD = "Copper-Heron-77-Orchard"


async def _reset_link(client, mails_to, email: str) -> str:
    answer = await client.post("/api/v1/auth/password-reset", json={"email": email})
    assert answer.status_code == 202
    return token_in((await mails_to(email))[-1])


async def _confirm(client, token: str, password: str = NEW_PASSWORD):
    return await client.post(
        "/api/v1/auth/password-reset/confirm", json={"token": token, "password": password}
    )


async def test_known_and_unknown_addresses_get_the_same_answer_and_only_accounts_get_mail(
    client, make_workspace, mails_to, settings
):
    owner = await make_workspace()
    nobody = random_email("nobody")
    known = await client.post("/api/v1/auth/password-reset", json={"email": owner["user"]["email"]})
    unknown = await client.post("/api/v1/auth/password-reset", json={"email": nobody})
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    assert await mails_to(nobody) == []
    (mail,) = await mails_to(owner["user"]["email"])
    assert f"{settings.base_url}/reset-password?token=" in mail


async def test_the_link_sets_a_new_password_and_signs_out_every_browser(
    client, sign_in, new_browser, make_workspace, mails_to
):
    owner = await make_workspace()
    email, slug = owner["user"]["email"], owner["tenant"]["slug"]
    signed_in = await sign_in(email, slug=slug)
    token = await _reset_link(client, mails_to, email)

    answer = await _confirm(client, token)
    assert answer.status_code == 200
    assert (await signed_in.get("/api/v1/me")).status_code == 401
    browser = new_browser()
    for password, status in ((STRONG_PASSWORD, 401), (NEW_PASSWORD, 200)):
        login = {"email": email, "password": password}
        assert (await browser.post("/api/v1/auth/login", json=login)).status_code == status


async def test_a_reset_link_works_once(client, make_workspace, mails_to):
    owner = await make_workspace()
    token = await _reset_link(client, mails_to, owner["user"]["email"])
    assert (await _confirm(client, token)).status_code == 200
    again = await _confirm(client, token, "Another-Strong-Pass-99")
    assert again.status_code == 400
    assert again.headers["content-type"] == "application/problem+json"
    assert "already been used" in again.json()["detail"]


async def test_using_one_link_kills_the_other_outstanding_links(client, make_workspace, mails_to):
    owner = await make_workspace()
    first = await _reset_link(client, mails_to, owner["user"]["email"])
    second = await _reset_link(client, mails_to, owner["user"]["email"])
    assert (await _confirm(client, second)).status_code == 200
    assert (await _confirm(client, first, "Another-Strong-Pass-99")).status_code == 400


async def test_an_expired_link_is_refused(client, db, make_workspace, mails_to):
    owner = await make_workspace()
    token = await _reset_link(client, mails_to, owner["user"]["email"])
    async with db.shared_transaction() as session:
        await session.execute(
            update(OneTimeToken)
            .where(OneTimeToken.token_hash == token_hash(token))
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    answer = await _confirm(client, token)
    assert answer.status_code == 400 and "expired" in answer.json()["detail"]


async def test_a_link_expires_after_an_hour(client, db, make_workspace, mails_to):
    owner = await make_workspace()
    token = await _reset_link(client, mails_to, owner["user"]["email"])
    async with db.shared_transaction() as session:
        row = await session.scalar(
            select(OneTimeToken).where(OneTimeToken.token_hash == token_hash(token))
        )
    assert timedelta(minutes=59) < row.expires_at - row.created_at <= timedelta(hours=1)


async def test_an_unknown_token_is_refused(client):
    answer = await _confirm(client, "made-up-token")
    assert answer.status_code == 400
    assert "not valid" in answer.json()["detail"]


async def test_a_weak_password_is_refused_and_the_link_still_works(
    client, make_workspace, mails_to
):
    owner = await make_workspace()
    token = await _reset_link(client, mails_to, owner["user"]["email"])
    weak = await _confirm(client, token, "password")
    assert weak.status_code == 422
    assert weak.json()["field"] == "password"
    assert (await _confirm(client, token)).status_code == 200


async def test_too_many_reset_requests_for_one_address_are_refused(new_browser, make_workspace):
    owner = await make_workspace()
    browser = new_browser()
    for _ in range(5):
        answer = await browser.post(
            "/api/v1/auth/password-reset", json={"email": owner["user"]["email"]}
        )
        assert answer.status_code == 202
    refused = await browser.post(
        "/api/v1/auth/password-reset", json={"email": owner["user"]["email"]}
    )
    assert refused.status_code == 429 and "retry-after" in refused.headers


async def test_a_malformed_request_is_a_problem_not_a_crash(client):
    answer = await client.post("/api/v1/auth/password-reset/confirm", json={"token": 5})
    assert answer.status_code == 400
    assert answer.headers["content-type"] == "application/problem+json"
