"""Signup is all or nothing: a failure or a killed process at any step leaves nothing behind."""

import signal
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from atrium.platform.auth.models import User
from atrium.platform.tenancy.models import Tenant, TenantStatus, WorkspaceSettings
from atrium.tenants.provisioning import (
    cleanup_stale_workspaces,
    provision_workspace,
    remove_workspace,
    top_up_spare_workspaces,
)
from atrium.tenants.signup import checked_signup
from tests.helpers import STRONG_PASSWORD, run_python

STEPS = ["schema", "tables"]


async def _footprint(db) -> dict:
    """Everything a workspace can leave behind: schemas, roles, registry rows."""
    async with db.shared_transaction() as session:
        database = await session.scalar(text("SELECT current_database()"))
        schemas = set(
            await session.scalars(
                text("SELECT nspname FROM pg_namespace WHERE nspname LIKE 't\\_%'")
            )
        )
        roles = set(
            await session.scalars(
                text(
                    "SELECT r.rolname FROM pg_roles r "
                    "JOIN pg_shdescription d ON d.objoid = r.oid WHERE d.description = :tag"
                ),
                {"tag": f"atrium:{database}"},
            )
        )
        tenants = await session.scalar(select(func.count()).select_from(Tenant))
        users = await session.scalar(select(func.count()).select_from(User))
    return {"schemas": schemas, "roles": roles, "tenants": tenants, "users": users}


def _request(email: str):
    return checked_signup("Interrupted Ltd", email, STRONG_PASSWORD, "fieldservice", "en")


class StepFailed(Exception):
    pass


@pytest.mark.parametrize("failing_step", STEPS)
async def test_a_failing_step_is_undone_at_once(db, failing_step):
    before = await _footprint(db)

    async def fail_at(step: str) -> None:
        if step == failing_step:
            raise StepFailed(step)

    with pytest.raises(StepFailed):
        await provision_workspace(
            db, _request(f"fail-{failing_step}@example.com"), after_step=fail_at
        )
    assert await _footprint(db) == before


async def test_a_failure_inside_the_tables_step_is_undone(db):
    """A database error (here: a seed row that breaks a constraint) rolls everything back."""
    before = await _footprint(db)
    bad = checked_signup("Broken Seed", "broken-seed@example.com", STRONG_PASSWORD, "retail", "en")
    object.__setattr__(bad, "currency", "TOO-LONG")
    with pytest.raises(Exception, match="value too long"):
        await provision_workspace(db, bad)
    assert await _footprint(db) == before


KILL_SCRIPT = """
import asyncio, os, signal
from atrium.platform.config import get_settings
from atrium.platform.db import Database
from atrium.tenants.provisioning import provision_workspace
from atrium.tenants.signup import checked_signup

async def main():
    db = Database(get_settings().database_url, pool_size=1)
    async def die_at(step):
        if step == {step!r}:
            os.kill(os.getpid(), signal.SIGKILL)
    request = checked_signup("Killed Ltd", {email!r}, {password!r}, "staffing", "ru")
    await provision_workspace(db, request, after_step=die_at)

asyncio.run(main())
"""


@pytest.mark.parametrize("step", STEPS)
async def test_a_process_killed_mid_signup_is_cleaned_up_by_the_janitor(db, step):
    before = await _footprint(db)
    email = f"killed-{step}@example.com"
    result = run_python(KILL_SCRIPT.format(step=step, email=email, password=STRONG_PASSWORD))
    assert result.returncode == -signal.SIGKILL, result.stderr

    left = await _footprint(db)
    assert left["tenants"] == before["tenants"] + 1  # the unfinished row is still there
    # A fresh unfinished signup is not touched: it may still be running.
    assert await cleanup_stale_workspaces(db, timedelta(minutes=5)) == 0
    assert await cleanup_stale_workspaces(db, timedelta(0)) == 1
    assert await _footprint(db) == before


async def test_a_process_killed_after_the_last_step_leaves_a_working_workspace(db):
    email = "killed-after-ready@example.com"
    result = run_python(KILL_SCRIPT.format(step="ready", email=email, password=STRONG_PASSWORD))
    assert result.returncode == -signal.SIGKILL
    async with db.shared_transaction() as session:
        tenant = await session.scalar(select(Tenant).where(Tenant.name == "Killed Ltd"))
        owner = await session.scalar(select(User).where(User.email == email))
    assert tenant.status == TenantStatus.READY
    assert owner.provisioning_tenant_id is None
    assert await cleanup_stale_workspaces(db, timedelta(0)) == 0
    async with db.tenant_transaction(tenant.schema) as session:
        assert await session.scalar(select(WorkspaceSettings.name)) == "Killed Ltd"


async def test_a_signup_claims_a_spare_workspace_schema(db):
    assert await top_up_spare_workspaces(db, 2) == 2
    assert await top_up_spare_workspaces(db, 2) == 0
    async with db.shared_transaction() as session:
        spare_schemas = set(
            await session.scalars(
                select(Tenant.schema_name).where(Tenant.status == TenantStatus.SPARE)
            )
        )
    workspace = await provision_workspace(db, _request("spare-claimer@example.com"))
    assert workspace.schema.name in spare_schemas
    async with db.tenant_transaction(workspace.schema) as session:
        assert await session.scalar(select(WorkspaceSettings.currency)) == "USD"
    async with db.shared_transaction() as session:
        left = list(
            await session.scalars(select(Tenant.id).where(Tenant.status == TenantStatus.SPARE))
        )
    assert len(left) == 1
    for spare_id in left:  # leave no spares for the other tests
        await remove_workspace(db, spare_id)
