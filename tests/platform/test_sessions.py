"""Browser sign-in: an HttpOnly cookie holding a random token (only its hash is stored), the
workspace named per request, and a CSRF token for every state-changing cookie request."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from litestar import Response
from sqlalchemy import select, text, update

from atrium.platform.auth.models import User, WebSession
from atrium.platform.auth.sessions import set_session_cookie, start_session
from atrium.platform.auth.tokens import token_hash
from tests.helpers import STRONG_PASSWORD
from tests.platform.support import random_email, token_in


async def test_login_sets_an_httponly_lax_cookie_and_answers_with_workspaces_and_csrf_token(
    new_browser, make_workspace
):
    owner = await make_workspace(company="Cookie Cuts")
    browser = new_browser()
    answer = await browser.post(
        "/api/v1/auth/login", json={"email": owner["user"]["email"], "password": STRONG_PASSWORD}
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["user"]["email"] == owner["user"]["email"]
    assert body["workspaces"] == [
        {"slug": owner["tenant"]["slug"], "name": "Cookie Cuts", "role": "owner"}
    ]
    assert len(body["csrf_token"]) >= 32
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith("atrium_session=")
    assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower() and "Path=/" in cookie
    assert "Secure" not in cookie  # base_url is http:// in tests
    assert "Max-Age=1209600" in cookie  # settings.session_days (14) in seconds


async def test_the_cookie_with_x_workspace_acts_in_that_workspace(sign_in, make_workspace):
    owner = await make_workspace()
    browser = await sign_in(owner["user"]["email"], slug=owner["tenant"]["slug"])
    me = await browser.get("/api/v1/me")
    assert me.status_code == 200
    assert me.json()["authenticated_by"] == "session"
    assert me.json()["workspace"]["slug"] == owner["tenant"]["slug"]
    assert me.json()["role"] == "owner"


async def test_the_cookie_without_a_workspace_acts_nowhere(sign_in, make_workspace):
    owner = await make_workspace()
    browser = await sign_in(owner["user"]["email"])
    answer = await browser.get("/api/v1/me")
    assert answer.status_code == 401
    assert answer.headers["content-type"] == "application/problem+json"


async def test_a_workspace_the_user_is_not_in_looks_like_one_that_does_not_exist(
    sign_in, make_workspace
):
    mine, theirs = await make_workspace(), await make_workspace()
    browser = await sign_in(mine["user"]["email"])
    other = await browser.get("/api/v1/me", headers={"X-Workspace": theirs["tenant"]["slug"]})
    missing = await browser.get("/api/v1/me", headers={"X-Workspace": "no-such-workspace"})
    assert other.status_code == missing.status_code == 401
    assert other.json() == missing.json()
    assert theirs["tenant"]["slug"] not in other.text


async def test_wrong_email_and_wrong_password_get_the_same_answer(new_browser, make_workspace):
    owner = await make_workspace()
    browser = new_browser()
    wrong_password = await browser.post(
        "/api/v1/auth/login", json={"email": owner["user"]["email"], "password": "nope-" * 3}
    )
    unknown = await browser.post(
        "/api/v1/auth/login", json={"email": random_email(), "password": STRONG_PASSWORD}
    )
    assert wrong_password.status_code == unknown.status_code == 401
    assert wrong_password.json() == unknown.json()
    assert unknown.json()["detail"] == "Wrong e-mail or password."
    assert "set-cookie" not in wrong_password.headers


async def test_signing_in_to_a_workspace_one_is_not_in_is_refused(new_browser, make_workspace):
    mine, theirs = await make_workspace(), await make_workspace()
    answer = await new_browser().post(
        "/api/v1/auth/login",
        json={
            "email": mine["user"]["email"],
            "password": STRONG_PASSWORD,
            "workspace": theirs["tenant"]["slug"],
        },
    )
    assert answer.status_code == 403
    assert "set-cookie" not in answer.headers


async def test_a_cookie_post_needs_the_csrf_token_and_works_with_it(sign_in, make_workspace):
    owner = await make_workspace()
    browser = await sign_in(owner["user"]["email"], slug=owner["tenant"]["slug"])
    csrf = browser.headers.pop("X-CSRF-Token")

    missing = await browser.post("/api/v1/api-keys", json={"name": "From the browser"})
    assert missing.status_code == 403
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json()["detail"] == "CSRF token missing or wrong."
    changed = "B" if csrf.endswith("A") else "A"  # (a token may end in A: 1 run in 64 did)
    wrong = await browser.post(
        "/api/v1/api-keys", json={"name": "X"}, headers={"X-CSRF-Token": csrf[:-1] + changed}
    )
    assert wrong.status_code == 403

    right = await browser.post(
        "/api/v1/api-keys", json={"name": "From the browser"}, headers={"X-CSRF-Token": csrf}
    )
    assert right.status_code == 201
    listed = await browser.get("/api/v1/api-keys")  # safe methods need no token
    assert "From the browser" in {key["name"] for key in listed.json()["items"]}


async def test_the_csrf_token_may_come_as_a_form_field(sign_in, make_workspace, db):
    owner = await make_workspace()
    browser = await sign_in(owner["user"]["email"])
    csrf = browser.headers.pop("X-CSRF-Token")
    refused = await browser.post("/api/v1/auth/logout", data={"csrf_token": "guess"})
    assert refused.status_code == 403
    done = await browser.post("/api/v1/auth/logout", data={"csrf_token": csrf})
    assert done.status_code == 204


async def test_bearer_requests_need_no_csrf_token(client, make_workspace):
    owner = await make_workspace()
    answer = await client.post("/api/v1/api-keys", json={"name": "CI"}, headers=owner["headers"])
    assert answer.status_code == 201


async def test_logout_deletes_the_session_and_the_cookie(sign_in, make_workspace, db):
    owner = await make_workspace()
    browser = await sign_in(owner["user"]["email"], slug=owner["tenant"]["slug"])
    cookie = browser.cookies["atrium_session"]
    answer = await browser.post("/api/v1/auth/logout")
    assert answer.status_code == 204
    deleted = answer.headers["set-cookie"]
    assert deleted.startswith('atrium_session=""') and "Max-Age=0" in deleted
    async with db.shared_transaction() as session:
        left = await session.scalar(
            select(WebSession.id).where(WebSession.token_hash == token_hash(cookie))
        )
    assert left is None
    browser.cookies.set("atrium_session", cookie)  # a copy kept by someone is worthless now
    assert (await browser.get("/api/v1/me")).status_code == 401


async def test_an_expired_session_is_refused(sign_in, make_workspace, db):
    owner = await make_workspace()
    browser = await sign_in(owner["user"]["email"], slug=owner["tenant"]["slug"])
    cookie = browser.cookies["atrium_session"]
    async with db.shared_transaction() as session:
        await session.execute(
            update(WebSession)
            .where(WebSession.token_hash == token_hash(cookie))
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    assert (await browser.get("/api/v1/me")).status_code == 401


async def test_a_deactivated_user_is_signed_out(sign_in, make_workspace, db):
    owner = await make_workspace()
    browser = await sign_in(owner["user"]["email"], slug=owner["tenant"]["slug"])
    async with db.shared_transaction() as session:
        await session.execute(
            update(User).where(User.email == owner["user"]["email"]).values(is_active=False)
        )
    assert (await browser.get("/api/v1/me")).status_code == 401


async def test_passwords_and_tokens_are_never_stored_in_plaintext(
    sign_in, client, make_workspace, db, mails_to
):
    owner = await make_workspace()
    email = owner["user"]["email"]
    browser = await sign_in(email)
    session_token = browser.cookies["atrium_session"]
    await client.post("/api/v1/auth/password-reset", json={"email": email})
    reset_token = token_in((await mails_to(email))[-1])

    async with db.shared_transaction() as session:
        stored = "\n".join(
            await session.scalars(
                text(
                    "SELECT t::text FROM atrium.users t UNION ALL "
                    "SELECT t::text FROM atrium.web_sessions t UNION ALL "
                    "SELECT t::text FROM atrium.one_time_tokens t"
                )
            )
        )
        password_hash = await session.scalar(select(User.password_hash).where(User.email == email))
    assert password_hash.startswith("$argon2id$")
    for secret in (STRONG_PASSWORD, session_token, reset_token):
        assert secret not in stored


async def test_the_cookie_is_secure_when_the_site_is_served_over_https(settings):
    response = set_session_cookie(
        Response(None), "token", replace(settings, base_url="https://crm.example")
    )
    (cookie,) = response.cookies
    assert cookie.key == "atrium_session" and cookie.secure and cookie.httponly
    assert cookie.samesite == "lax"


async def test_html_pages_can_start_a_session_with_the_helper(db, new_browser, make_workspace):
    owner = await make_workspace()
    async with db.shared_transaction() as session:
        user = await session.scalar(select(User).where(User.email == owner["user"]["email"]))
        token, web_session = await start_session(session, user, "Firefox on a phone")
    assert web_session.token_hash == token_hash(token) and web_session.csrf_token
    browser = new_browser()
    browser.cookies.set("atrium_session", token)
    me = await browser.get("/api/v1/me", headers={"X-Workspace": owner["tenant"]["slug"]})
    assert me.status_code == 200 and me.json()["authenticated_by"] == "session"
