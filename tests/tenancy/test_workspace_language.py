"""Switching a workspace's language reaches what is written outside its schema: the API's
answers (without Accept-Language) and invitation mail follow at once."""

from sqlalchemy import select

from atrium.platform.mail.models import SystemMail
from tests.platform.conftest import new_browser, sign_in  # noqa: F401
from tests.platform.support import random_email
from tests.platform.tenancy.test_settings_pages import PROFILE


async def _invitation_subject(client, db, workspace) -> str:
    address = random_email("invited")
    answer = await client.post(
        "/api/v1/invitations",
        json={"email": address, "role": "employee"},
        headers=workspace["headers"],
    )
    assert answer.status_code == 201, answer.text
    async with db.shared_transaction() as session:
        return await session.scalar(
            select(SystemMail.subject).where(SystemMail.to_address == address)
        )


async def test_switching_to_russian_by_the_api_turns_answers_and_mail_russian(
    client, db, make_workspace
):
    workspace = await make_workspace(company="Switching Salon", locale="en")
    headers = workspace["headers"]
    before = await client.post("/api/v1/contacts", json={"first_name": 5}, headers=headers)
    assert before.json()["detail"] == "First name must be text."
    switched = await client.patch("/api/v1/workspace", json={"locale": "ru"}, headers=headers)
    assert switched.status_code == 200, switched.text
    after = await client.post("/api/v1/contacts", json={"first_name": 5}, headers=headers)
    assert after.json()["detail"] == "В поле «Имя» нужен текст."
    assert "приглашает вас в Switching Salon" in await _invitation_subject(client, db, workspace)


async def test_switching_to_russian_on_the_settings_page_does_the_same(
    client,
    db,
    make_workspace,
    sign_in,  # noqa: F811
):
    workspace = await make_workspace(company="Page Switching Salon", locale="en")
    browser = await sign_in(workspace["user"]["email"], slug=None)
    csrf = browser.headers.pop("X-CSRF-Token")
    saved = await browser.post(
        f"/w/{workspace['tenant']['slug']}/settings/workspace",
        data={"csrf_token": csrf, **PROFILE},  # locale: ru
    )
    assert saved.status_code in (302, 303), saved.text
    assert (await client.get("/api/v1/workspace", headers=workspace["headers"])).json()[
        "locale"
    ] == "ru"
    assert "приглашает вас в Page Switching Salon" in await _invitation_subject(
        client, db, workspace
    )
