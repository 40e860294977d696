"""Invitations: sent by e-mail with a 7-day, single-use link; a newcomer chooses a password, an
existing account proves itself; only roles the inviter may grant; one workspace's invitations
are invisible to another."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from atrium.platform.auth.models import Membership, OneTimeToken, User
from atrium.platform.auth.tokens import token_hash
from tests.helpers import STRONG_PASSWORD
from tests.platform.support import random_email, token_in


async def _invite(client, owner: dict, email: str, role: str = "employee"):
    return await client.post(
        "/api/v1/invitations", json={"email": email, "role": role}, headers=owner["headers"]
    )


async def _invited(client, mails_to, owner: dict, email: str, role: str = "employee") -> str:
    answer = await _invite(client, owner, email, role)
    assert answer.status_code == 201, answer.text
    return token_in((await mails_to(email))[-1])


async def _accept(browser, token: str, **fields):
    return await browser.post("/api/v1/invitations/accept", json={"token": token, **fields})


async def test_a_newcomer_chooses_a_password_and_joins_with_the_invited_role(
    client, new_browser, sign_in, make_workspace, mails_to, settings
):
    owner = await make_workspace(company="Invite Studio")
    email = random_email("newcomer")
    answer = await _invite(client, owner, email, "manager")
    assert answer.status_code == 201
    assert answer.json()["email"] == email and answer.json()["role"] == "manager"
    (mail,) = await mails_to(email)
    assert f"{settings.base_url}/invitations/accept?token=" in mail
    assert "Invite Studio" in mail

    joined = await _accept(new_browser(), token_in(mail), password=STRONG_PASSWORD, name="Nina")
    assert joined.status_code == 200
    assert joined.json()["slug"] == owner["tenant"]["slug"]
    assert joined.json()["role"] == "manager"
    me = await (await sign_in(email, slug=owner["tenant"]["slug"])).get("/api/v1/me")
    assert me.json()["role"] == "manager" and me.json()["name"] == "Nina"


async def test_a_newcomer_must_choose_a_strong_password(
    client, new_browser, make_workspace, mails_to
):
    owner = await make_workspace()
    token = await _invited(client, mails_to, owner, random_email())
    missing = await _accept(new_browser(), token)
    weak = await _accept(new_browser(), token, password="12345")
    assert missing.status_code == weak.status_code == 422
    assert missing.json()["field"] == weak.json()["field"] == "password"
    assert (await _accept(new_browser(), token, password=STRONG_PASSWORD)).status_code == 200


async def test_an_existing_account_joins_by_giving_its_password(
    client, new_browser, make_workspace, mails_to, db
):
    inviter, other = await make_workspace(), await make_workspace()
    email = other["user"]["email"]
    token = await _invited(client, mails_to, inviter, email)
    without = await _accept(new_browser(), token)
    assert without.status_code == 401
    wrong = await _accept(new_browser(), token, password="Not-The-Password-1")
    assert wrong.status_code == 401 and wrong.json()["detail"] == "Wrong e-mail or password."
    right = await _accept(new_browser(), token, password=STRONG_PASSWORD)
    assert right.status_code == 200
    async with db.shared_transaction() as session:
        users = await session.scalars(select(User).where(User.email == email))
        assert len(users.all()) == 1  # no second account


async def test_a_signed_in_account_joins_without_its_password(
    client, sign_in, make_workspace, mails_to
):
    inviter, other = await make_workspace(), await make_workspace()
    token = await _invited(client, mails_to, inviter, other["user"]["email"], "admin")
    browser = await sign_in(other["user"]["email"])
    csrf = browser.headers.pop("X-CSRF-Token")
    assert (await _accept(browser, token)).status_code == 403  # a cookie request needs CSRF
    joined = await browser.post(
        "/api/v1/invitations/accept", json={"token": token}, headers={"X-CSRF-Token": csrf}
    )
    assert joined.status_code == 200
    me = await browser.get("/api/v1/me", headers={"X-Workspace": inviter["tenant"]["slug"]})
    assert me.json()["role"] == "admin"


async def test_being_signed_in_as_someone_else_does_not_help(
    client, sign_in, make_workspace, mails_to
):
    inviter, invitee, stranger = [await make_workspace() for _ in range(3)]
    token = await _invited(client, mails_to, inviter, invitee["user"]["email"])
    browser = await sign_in(stranger["user"]["email"])
    assert (await _accept(browser, token)).status_code == 401


async def test_an_invitation_works_once(client, new_browser, make_workspace, mails_to):
    owner = await make_workspace()
    token = await _invited(client, mails_to, owner, random_email())
    assert (await _accept(new_browser(), token, password=STRONG_PASSWORD)).status_code == 200
    again = await _accept(new_browser(), token, password=STRONG_PASSWORD)
    assert again.status_code == 400 and "already been used" in again.json()["detail"]


async def test_an_expired_or_revoked_invitation_cannot_be_accepted(
    client, new_browser, make_workspace, mails_to, db
):
    owner = await make_workspace()
    expired = await _invited(client, mails_to, owner, random_email())
    async with db.shared_transaction() as session:
        await session.execute(
            update(OneTimeToken)
            .where(OneTimeToken.token_hash == token_hash(expired))
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    answer = await _accept(new_browser(), expired, password=STRONG_PASSWORD)
    assert answer.status_code == 400 and "expired" in answer.json()["detail"]

    email = random_email()
    revoked = await _invited(client, mails_to, owner, email)
    listed = (await client.get("/api/v1/invitations", headers=owner["headers"])).json()
    (pending,) = [item for item in listed["items"] if item["email"] == email]
    gone = await client.delete(f"/api/v1/invitations/{pending['id']}", headers=owner["headers"])
    assert gone.status_code == 204
    answer = await _accept(new_browser(), revoked, password=STRONG_PASSWORD)
    assert answer.status_code == 400 and "withdrawn" in answer.json()["detail"]


async def test_an_unknown_token_is_refused(new_browser):
    answer = await _accept(new_browser(), "no-such-token", password=STRONG_PASSWORD)
    assert answer.status_code == 400
    assert answer.headers["content-type"] == "application/problem+json"


async def test_inviting_again_replaces_the_earlier_link(
    client, new_browser, make_workspace, mails_to
):
    owner = await make_workspace()
    email = random_email()
    first = await _invited(client, mails_to, owner, email)
    second = await _invited(client, mails_to, owner, email, "manager")
    assert (await _accept(new_browser(), first, password=STRONG_PASSWORD)).status_code == 400
    joined = await _accept(new_browser(), second, password=STRONG_PASSWORD)
    assert joined.json()["role"] == "manager"


async def test_only_roles_the_inviter_may_grant_can_be_given(client, sign_in, join, make_workspace):
    owner = await make_workspace()
    admin = await join(owner, "admin")
    as_admin = await sign_in(admin["email"], slug=owner["tenant"]["slug"])
    owner_invite = await as_admin.post(
        "/api/v1/invitations", json={"email": random_email(), "role": "owner"}
    )
    assert owner_invite.status_code == 403
    admin_invite = await as_admin.post(
        "/api/v1/invitations", json={"email": random_email(), "role": "admin"}
    )
    assert admin_invite.status_code == 201

    manager = await join(owner, "manager")
    as_manager = await sign_in(manager["email"], slug=owner["tenant"]["slug"])
    refused = await as_manager.post(
        "/api/v1/invitations", json={"email": random_email(), "role": "employee"}
    )
    assert refused.status_code == 403
    assert (await as_manager.get("/api/v1/invitations")).status_code == 403


async def test_inviting_a_member_is_a_conflict(client, make_workspace):
    owner = await make_workspace()
    answer = await _invite(client, owner, owner["user"]["email"].upper(), "admin")
    assert answer.status_code == 409


async def test_a_bad_address_or_role_is_refused(client, make_workspace):
    owner = await make_workspace()
    bad_email = await _invite(client, owner, "not an address")
    bad_role = await _invite(client, owner, random_email(), "emperor")
    assert bad_email.status_code == bad_role.status_code == 422
    assert bad_email.json()["field"] == "email" and bad_role.json()["field"] == "role"


async def test_pending_invitations_are_listed_in_their_own_workspace_only(
    client, new_browser, make_workspace, mails_to
):
    mine, theirs = await make_workspace(), await make_workspace()
    emails = [random_email("pending") for _ in range(3)]
    tokens = [await _invited(client, mails_to, mine, email) for email in emails]
    await _invited(client, mails_to, theirs, random_email("theirs"))
    await _accept(new_browser(), tokens[0], password=STRONG_PASSWORD)

    listed, cursor = [], None
    while True:
        params = {"limit": 1, **({"cursor": cursor} if cursor else {})}
        page = await client.get("/api/v1/invitations", params=params, headers=mine["headers"])
        assert page.status_code == 200
        listed += [item["email"] for item in page.json()["items"]]
        if not (cursor := page.json()["next_cursor"]):
            break
    assert listed == [emails[2], emails[1]]  # newest first; the accepted one is gone


async def test_another_workspaces_invitation_is_not_found_and_not_revoked(
    client, new_browser, make_workspace, mails_to
):
    mine, theirs = await make_workspace(), await make_workspace()
    token = await _invited(client, mails_to, theirs, random_email())
    (their_invitation,) = (
        await client.get("/api/v1/invitations", headers=theirs["headers"])
    ).json()["items"]
    mine_answer = await client.delete(
        f"/api/v1/invitations/{their_invitation['id']}", headers=mine["headers"]
    )
    missing = await client.delete(
        "/api/v1/invitations/00000000-0000-4000-8000-000000000000", headers=mine["headers"]
    )
    assert mine_answer.status_code == missing.status_code == 404
    assert mine_answer.json() == missing.json()
    assert (await _accept(new_browser(), token, password=STRONG_PASSWORD)).status_code == 200


async def test_accepting_creates_exactly_one_membership(
    client, new_browser, make_workspace, mails_to, db
):
    owner = await make_workspace()
    email = random_email()
    token = await _invited(client, mails_to, owner, email)
    joined = await _accept(new_browser(), token, password=STRONG_PASSWORD)
    async with db.shared_transaction() as session:
        roles = await session.scalars(
            select(Membership.role).where(Membership.user_id == joined.json()["user_id"])
        )
        assert [role.value for role in roles] == ["employee"]


async def test_an_account_still_being_set_up_for_the_address_is_a_conflict_not_a_crash(
    client, new_browser, make_workspace, mails_to, db
):
    owner = await make_workspace()
    email = random_email("racing")
    token = await _invited(client, mails_to, owner, email)
    async with db.shared_transaction() as session:
        session.add(User(email=email, provisioning_tenant_id=owner["tenant"]["id"]))
    answer = await _accept(new_browser(), token, password=STRONG_PASSWORD)
    assert answer.status_code == 409
    assert answer.headers["content-type"] == "application/problem+json"
