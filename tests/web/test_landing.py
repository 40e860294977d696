"""A visitor's first page: what Atrium is, the trades it serves, and the way in."""

from tests.platform.conftest import new_browser  # noqa: F401


async def test_a_visitor_sees_the_landing_page_with_sign_up_and_sign_in(new_browser):  # noqa: F811
    client = new_browser()  # a visitor of its own: no language cookie left by other tests
    page = await client.get("/", follow_redirects=False)
    assert page.status_code == 200
    assert 'href="/signup"' in page.text and 'href="/login"' in page.text
    assert "Beauty salon" in page.text
    russian = await client.get("/?lang=ru")
    assert "Салон красоты" in russian.text and "Создать пространство" in russian.text


async def test_form_and_language_cookies_are_secure_over_https(settings, migrated):
    from dataclasses import replace

    from litestar.testing import AsyncTestClient

    from atrium.web.app import create_app

    app = create_app(replace(settings, base_url="https://crm.example"))
    async with AsyncTestClient(app, base_url="https://crm.example") as client:
        answer = await client.get("/login?lang=ru")
    cookies = answer.headers.get_list("set-cookie")
    assert any(c.startswith("atrium_form=") and "Secure" in c for c in cookies), cookies
    assert any(c.startswith("atrium_lang=ru") and "Secure" in c for c in cookies), cookies


async def test_strict_transport_security_only_when_served_over_https(client, settings, migrated):
    from dataclasses import replace

    from litestar.testing import AsyncTestClient

    from atrium.web.app import create_app

    plain = await client.get("/login")
    assert "strict-transport-security" not in plain.headers
    app = create_app(replace(settings, base_url="https://crm.example"))
    async with AsyncTestClient(app, base_url="https://crm.example") as secure:
        for path in ("/login", "/api/v1/openapi.json"):
            answer = await secure.get(path)
            assert answer.headers["strict-transport-security"].startswith("max-age=31536000")
