"""Account mails go out in the recipient's language: a password reset in the account's own
language, an invitation in the invitee's (an existing account's) else the workspace's."""

from sqlalchemy import select

from atrium.platform.mail.models import SystemMail
from tests.platform.support import random_email


async def _mails(db, address: str) -> list[tuple[str, str]]:
    async with db.shared_transaction() as session:
        rows = await session.execute(
            select(SystemMail.subject, SystemMail.text_body)
            .where(SystemMail.to_address == address)
            .order_by(SystemMail.id)
        )
        return [tuple(row) for row in rows]


async def test_a_russian_account_gets_its_reset_link_in_russian(client, db, make_workspace):
    russian = await make_workspace(company="Салон Лиза", locale="ru")
    english = await make_workspace(company="Liza Salon", locale="en")
    for owner in (russian, english):
        answer = await client.post(
            "/api/v1/auth/password-reset", json={"email": owner["user"]["email"]}
        )
        assert answer.status_code == 202
    [(subject, text)] = await _mails(db, russian["user"]["email"])
    assert subject == "Сброс пароля в Atrium"
    assert "Задайте новый пароль по этой ссылке в течение часа" in text
    assert "/reset-password?token=" in text
    [(subject, text)] = await _mails(db, english["user"]["email"])
    assert subject == "Reset your Atrium password"
    assert "Choose a new password here within an hour" in text


async def test_the_reset_asked_on_the_page_is_in_the_accounts_language_too(
    client, db, make_workspace
):
    russian = await make_workspace(company="Салон Ася", locale="ru")
    form = await client.get("/forgot-password?lang=en")
    token = form.cookies.get("atrium_form") or client.cookies.get("atrium_form")
    answer = await client.post(
        "/forgot-password",
        data={"email": russian["user"]["email"], "csrf_token": token},
    )
    assert answer.status_code == 200, answer.text
    [(subject, _)] = await _mails(db, russian["user"]["email"])
    assert subject == "Сброс пароля в Atrium"


async def test_an_invitation_is_in_the_workspaces_language_or_the_invitees_own(
    client, db, make_workspace
):
    russian = await make_workspace(company="Салон Вера", locale="ru")
    newcomer = random_email("newcomer")
    answer = await client.post(
        "/api/v1/invitations",
        json={"email": newcomer, "role": "employee"},
        headers=russian["headers"],
    )
    assert answer.status_code == 201, answer.text
    [(subject, text)] = await _mails(db, newcomer)
    assert subject.endswith("приглашает вас в Салон Вера в Atrium")
    assert "роль — сотрудник" in text
    assert "Примите приглашение в течение 7 дней" in text
    # An address that already has an English account is written to in English.
    english = await make_workspace(company="Vera Salon", locale="en")
    answer = await client.post(
        "/api/v1/invitations",
        json={"email": english["user"]["email"], "role": "manager"},
        headers=russian["headers"],
    )
    assert answer.status_code == 201, answer.text
    [(subject, text)] = await _mails(db, english["user"]["email"])
    assert subject.endswith("invites you to Салон Вера on Atrium")
    assert "as manager" in text
