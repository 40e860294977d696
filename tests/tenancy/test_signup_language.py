"""What sign-up makes on its own is named in the workspace's language."""


async def test_the_first_api_key_is_named_in_the_workspaces_language(client, make_workspace):
    for locale, name in (("ru", "Ключ при регистрации"), ("en", "Signup")):
        workspace = await make_workspace(company=f"Keys {locale}", locale=locale)
        listed = await client.get("/api/v1/api-keys", headers=workspace["headers"])
        assert [key["name"] for key in listed.json()["items"]] == [name]
