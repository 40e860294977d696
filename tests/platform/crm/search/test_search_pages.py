"""Global search from the top bar: the short list while typing, the whole page on Enter,
only the caller's workspace."""

from tests.platform.conftest import new_browser, sign_in  # noqa: F401
from tests.platform.crm.contacts.test_contact_pages import base, owner  # noqa: F401


async def test_search_finds_clients_by_name_and_phone_in_this_workspace_only(
    owner,  # noqa: F811
    make_workspace,
    client,
):
    workspace, browser, csrf = owner
    for name, phone in (("Yulia Smirnova", "+7 916 700-00-01"), ("Petr Orlov", "+7 916 700-00-02")):
        first, last = name.split()
        await browser.post(
            f"{base(workspace)}/contacts",
            data={"csrf_token": csrf, "first_name": first, "last_name": last, "phone": phone},
        )
    other = await make_workspace(company="Other Search Shop")
    await client.post(
        "/api/v1/contacts", json={"first_name": "Yulia", "last_name": "Secret"},
        headers=other["headers"],
    )  # fmt: skip

    dropdown = await browser.get(
        f"{base(workspace)}/search", params={"q": "Юлия", "dropdown": "1"},
        headers={"HX-Request": "true"},
    )  # fmt: skip
    assert dropdown.status_code == 200
    assert "<html" not in dropdown.text  # only the list, swapped into the top bar
    assert "Smirnova Yulia" in dropdown.text and "Secret" not in dropdown.text

    by_phone = await browser.get(f"{base(workspace)}/search", params={"q": "700-00-02"})
    assert "Orlov Petr" in by_phone.text and "<html" in by_phone.text
    nothing = await browser.get(f"{base(workspace)}/search", params={"q": "zzqqxx"})
    assert "Nothing found" in nothing.text
