"""The unsubscribe page speaks one language: the workspace's (the messages came in it), or the
one the visitor picks with ?lang=; never both at once."""

import re
import uuid

from sqlalchemy import select

from atrium.platform.notify.unsubscribe import unsubscribe_url
from atrium.platform.tenancy.models import Tenant

CYRILLIC = re.compile("[а-яА-ЯёЁ]")
LATIN_WORD = re.compile(r">[^<]*\b(?:Unsubscribe|marketing|messages)\b")


async def _link(client, db, app, make_workspace, locale: str) -> str:
    shop = await make_workspace(company=f"Unsubscribe {locale}", vertical="retail", locale=locale)
    contact = await client.post(
        "/api/v1/contacts",
        json={"first_name": "Ирина", "marketing_consent": True, "consent_channel": "email"},
        headers=shop["headers"],
    )
    slug = shop["tenant"]["slug"]
    async with db.shared_transaction() as session:
        schema = (await session.scalar(select(Tenant).where(Tenant.slug == slug))).schema
    url = unsubscribe_url(
        "http://127.0.0.1:8000",
        slug,
        app.state.runtime.secret_key,
        schema,
        uuid.UUID(contact.json()["id"]),
        "email",
    )
    return url.removeprefix("http://127.0.0.1:8000")


async def test_a_russian_workspaces_page_is_russian_only(client, db, app, make_workspace):
    path = await _link(client, db, app, make_workspace, "ru")
    page = await client.get(path, headers={"Accept-Language": "en-US"})
    assert "Отписаться?" in page.text and 'lang="ru"' in page.text
    assert not LATIN_WORD.search(page.text), page.text
    done = await client.post(path)
    assert "Вы отписались." in done.text and not LATIN_WORD.search(done.text)


async def test_an_english_workspaces_page_is_english_only_and_lang_switches_it(
    client, db, app, make_workspace
):
    path = await _link(client, db, app, make_workspace, "en")
    page = await client.get(path)
    assert "Unsubscribe?" in page.text and not CYRILLIC.search(page.text)
    russian = await client.get(path + "?lang=ru")
    assert "Отписаться?" in russian.text and not LATIN_WORD.search(russian.text)
