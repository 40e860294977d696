"""Answers that may hold a workspace's data are never kept by a browser or a proxy
(Cache-Control: no-store); files meant to be cached keep their own policy."""

from tests.platform.conftest import new_browser, sign_in  # noqa: F401


async def test_signed_in_pages_and_api_answers_are_not_stored_static_files_are(
    client,
    make_workspace,
    sign_in,  # noqa: F811
):
    workspace = await make_workspace(company="Private Answers Salon")
    slug = workspace["tenant"]["slug"]
    browser = await sign_in(workspace["user"]["email"])
    for path in (f"/w/{slug}/contacts", f"/w/{slug}/", f"/w/{slug}/exports/contacts.csv"):
        answer = await browser.get(path)
        assert answer.status_code == 200, path
        assert answer.headers["cache-control"] == "no-store", path
    api = await client.get("/api/v1/contacts", headers=workspace["headers"])
    assert api.headers["cache-control"] == "no-store"
    refused = await client.get("/api/v1/contacts")  # a problem answer too
    assert refused.status_code == 401 and refused.headers["cache-control"] == "no-store"
    booking = await client.get(f"/book/{slug}")
    assert booking.headers["cache-control"] == "no-store"
    widget = await client.get(f"/book/{slug}/widget.js")
    assert widget.headers["cache-control"] == "public, max-age=3600"
    style = await client.get("/static/atrium.css")
    assert style.status_code == 200 and "no-store" not in style.headers.get("cache-control", "")
