"""A request can only ever touch its own workspace's schema."""

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import ProgrammingError

from atrium.platform.db import Database, workspace_sql
from atrium.platform.tenancy.models import Tenant, WorkspaceSettings


async def _schema_of(db, slug):
    async with db.shared_transaction() as session:
        return (await session.scalar(select(Tenant).where(Tenant.slug == slug))).schema


@pytest.fixture(scope="module")
async def two_workspaces(make_workspace, db):
    first = await make_workspace(company="Isolation Alpha", vertical="salon")
    second = await make_workspace(company="Isolation Beta", vertical="retail")
    first["schema"] = await _schema_of(db, first["tenant"]["slug"])
    second["schema"] = await _schema_of(db, second["tenant"]["slug"])
    return first, second


async def test_naming_another_workspace_schema_is_permission_denied(db, two_workspaces):
    alpha, beta = two_workspaces
    async with db.tenant_transaction(alpha["schema"]) as session:
        own = await session.scalar(select(WorkspaceSettings.name))
        assert own == "Isolation Alpha"
    with pytest.raises(ProgrammingError, match="permission denied"):
        async with db.tenant_transaction(alpha["schema"]) as session:
            await session.execute(
                text(f"SELECT name FROM {beta['schema'].name}.workspace_settings")
            )


async def test_a_workspace_role_cannot_read_the_shared_registry(db, two_workspaces):
    alpha, _ = two_workspaces
    with pytest.raises(ProgrammingError, match="permission denied"):
        async with db.tenant_transaction(alpha["schema"]) as session:
            await session.execute(text("SELECT email FROM atrium.users"))


async def test_a_failed_tenant_transaction_changes_nothing(db, two_workspaces):
    alpha, _ = two_workspaces
    with pytest.raises(ProgrammingError):
        async with db.tenant_transaction(alpha["schema"]) as session:
            settings = await session.get_one(WorkspaceSettings, 1)
            settings.currency = "EUR"
            await session.flush()
            await session.execute(text("SELECT * FROM atrium.tenants"))
    async with db.tenant_transaction(alpha["schema"]) as session:
        assert (await session.get_one(WorkspaceSettings, 1)).currency == "USD"


async def test_one_pooled_connection_alternating_tenants_never_mixes_them(settings, two_workspaces):
    alpha, beta = two_workspaces
    single = Database(settings.database_url, pool_size=1, max_overflow=0)
    try:
        for turn in range(1000):
            workspace = alpha if turn % 2 == 0 else beta
            async with single.tenant_transaction(workspace["schema"]) as session:
                name, role = (
                    await session.execute(select(WorkspaceSettings.name, text("current_user")))
                ).one()
            assert name == ("Isolation Alpha" if turn % 2 == 0 else "Isolation Beta")
            assert role == workspace["schema"].role
        async with single.shared_transaction() as session:
            # The role is back to the login role once the tenant transaction ended.
            assert await session.scalar(text("SELECT current_user = session_user"))
        assert single.engine.pool.checkedout() == 0
    finally:
        await single.dispose()


async def test_one_round_trip_reads_alternate_tenants_without_mixing_them(settings, two_workspaces):
    # Database.read_in_workspace names no schema: the role and search path switched in its
    # pipeline decide which workspace a table is, and they end with the read.
    alpha, beta = two_workspaces
    single = Database(settings.database_url, pool_size=1, max_overflow=0)
    try:
        for turn in range(200):
            workspace = alpha if turn % 2 == 0 else beta
            [row] = await single.read_in_workspace(
                workspace["schema"], select(WorkspaceSettings.name, text("current_user"))
            )
            assert row[0] == ("Isolation Alpha" if turn % 2 == 0 else "Isolation Beta")
            assert row[1] == workspace["schema"].role
        with pytest.raises(ProgrammingError, match="permission denied"):
            await single.read_in_workspace(
                alpha["schema"], (f"SELECT name FROM {beta['schema'].name}.workspace_settings", {})
            )
        [row] = await single.read_in_workspace(alpha["schema"], select(WorkspaceSettings.name))
        assert row.name == "Isolation Alpha"  # the failed read left nothing behind
        async with single.shared_transaction() as session:
            assert await session.scalar(text("SELECT current_user = session_user"))
    finally:
        await single.dispose()


def test_statements_of_one_shape_compile_once_and_keep_their_own_values():
    first_sql, first = workspace_sql(
        select(WorkspaceSettings.name).where(WorkspaceSettings.id == 1)
    )
    second_sql, second = workspace_sql(
        select(WorkspaceSettings.name).where(WorkspaceSettings.id == 2)
    )
    assert first_sql == second_sql and "tenant." not in first_sql
    assert list(first.values()) == [1] and list(second.values()) == [2]


async def test_another_workspaces_api_key_id_is_a_404_and_stays_active(client, two_workspaces):
    alpha, beta = two_workspaces
    beta_keys = (await client.get("/api/v1/api-keys", headers=beta["headers"])).json()["items"]
    response = await client.delete(
        f"/api/v1/api-keys/{beta_keys[0]['id']}", headers=alpha["headers"]
    )
    missing = await client.delete(
        "/api/v1/api-keys/00000000-0000-0000-0000-000000000000", headers=alpha["headers"]
    )
    assert response.status_code == missing.status_code == 404
    assert response.json()["detail"] == missing.json()["detail"]
    assert (await client.get("/api/v1/me", headers=beta["headers"])).status_code == 200


async def test_workspace_settings_answer_only_for_the_callers_workspace(client, two_workspaces):
    alpha, beta = two_workspaces
    changed = await client.patch(
        "/api/v1/workspace", json={"currency": "EUR"}, headers=alpha["headers"]
    )
    assert changed.json()["currency"] == "EUR"
    assert (await client.get("/api/v1/workspace", headers=beta["headers"])).json() == {
        "name": "Isolation Beta",
        "locale": "en",
        "timezone": "UTC",
        "currency": "USD",
        "country": "US",
        "vertical": "retail",
        "quiet_hours": None,
        "birthday_greetings": {
            "enabled": False,
            "hour": 10,
            "channels": ["telegram", "email", "sms"],
        },
    }
    await client.patch("/api/v1/workspace", json={"currency": "USD"}, headers=alpha["headers"])


async def test_a_client_supplied_workspace_header_does_not_switch_an_api_key(
    client, two_workspaces
):
    alpha, beta = two_workspaces
    response = await client.get(
        "/api/v1/workspace",
        headers={**alpha["headers"], "X-Workspace": beta["tenant"]["slug"]},
    )
    assert response.json()["name"] == "Isolation Alpha"


@pytest.mark.parametrize("can_login", [False, True])
async def test_workspace_roles_log_in_only_when_set_up_for_citus(db, can_login):
    from atrium.tenants.provisioning import create_role_and_schema, new_schema

    schema = new_schema()
    session = db.shared_session()
    try:
        await session.begin()
        await create_role_and_schema(session, schema, can_login=can_login)
        role = (
            await session.execute(
                text("SELECT rolcanlogin, rolsuper FROM pg_roles WHERE rolname = :name"),
                {"name": schema.role},
            )
        ).one()
        owner = await session.scalar(
            text("SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = :name"),
            {"name": schema.name},
        )
    finally:
        await session.rollback()  # role and schema vanish with the transaction
        await session.close()
    assert role == (can_login, False)
    assert owner == schema.role
