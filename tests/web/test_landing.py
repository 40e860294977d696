"""A visitor's first page: what Atrium is, the trades it serves, and the way in."""


async def test_a_visitor_sees_the_landing_page_with_sign_up_and_sign_in(client):
    page = await client.get("/", follow_redirects=False)
    assert page.status_code == 200
    assert 'href="/signup"' in page.text and 'href="/login"' in page.text
    assert "Beauty salon" in page.text
    russian = await client.get("/?lang=ru")
    assert "Салон красоты" in russian.text and "Создать пространство" in russian.text
