"""Creating and removing workspaces, in the Citus-ready steps of ARCHITECTURE.md.

1. role and schema, registry rows marked ``provisioning`` (one shared transaction);
2. tables (unless a spare schema was claimed) and seed data, as the workspace's own role;
3. the API key, and the workspace marked ``ready``.

A failure in any step cleans up at once; a process killed in between leaves a
``provisioning`` row that `cleanup_stale_workspaces` removes with its schema and role.
"""

import asyncio
import secrets
import string
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from alembic.migration import MigrationContext
from sqlalchemy import Column, MetaData, String, Table, delete, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from atrium.billing.subscriptions.service import start_trial
from atrium.platform.auth.models import Membership, Role, User
from atrium.platform.auth.passwords import hash_password
from atrium.platform.auth.service import issue_api_key
from atrium.platform.components import seed_trade_defaults
from atrium.platform.config import get_settings
from atrium.platform.db import TENANT_SCHEMA, Database, WorkspaceSchema
from atrium.platform.db.types import utcnow
from atrium.platform.tenancy.models import Tenant, TenantStatus, WorkspaceSettings
from atrium.tenants.migrate import upgrade_connection
from atrium.tenants.migrations import tenant_heads, tenant_scripts
from atrium.tenants.schema import tenant_metadata
from atrium.tenants.signup import SignupRequest, unique_slug

# Called after each step with its name; tests use it to fail or kill the process there.
StepHook = Callable[[str], Awaitable[None]]

_ALPHABET = string.ascii_lowercase + string.digits
_LOCALE_DEFAULTS = {
    "ru": {"timezone": "Europe/Moscow", "currency": "RUB", "country": "RU"},
    "en": {"timezone": "UTC", "currency": "USD", "country": "US"},
}


@dataclass(frozen=True)
class ProvisionedWorkspace:
    tenant_id: uuid.UUID
    slug: str
    schema: WorkspaceSchema
    user_id: uuid.UUID
    email: str
    api_key: str


def new_schema() -> WorkspaceSchema:
    return WorkspaceSchema("t_" + "".join(secrets.choice(_ALPHABET) for _ in range(10)))


async def provision_workspace(
    db: Database,
    request: SignupRequest,
    *,
    after_step: StepHook | None = None,
    owner_id: uuid.UUID | None = None,
) -> ProvisionedWorkspace:
    """Create a workspace with its owner; all or nothing. ``owner_id``: an existing user (a
    signed-in one adding a workspace) owns it; else the request's e-mail becomes a new user."""
    password_hash = await hash_password(request.password) if owner_id is None else None
    tenant_id, schema, claimed_spare = await _claim_or_create_schema(
        db, request, password_hash, owner_id
    )
    try:
        await _hook(after_step, "schema")
        async with db.tenant_transaction(schema) as session:
            if claimed_spare:
                await _bring_spare_to_head(session)
            else:
                await _create_tables(session)
            await _seed(session, request)
        await _hook(after_step, "tables")
        async with db.shared_transaction() as session:
            currency = request.currency or _LOCALE_DEFAULTS[request.locale]["currency"]
            provisioned = await _finish(session, tenant_id, schema, currency, owner_id)
        await _hook(after_step, "ready")
        return provisioned
    except BaseException:
        await asyncio.shield(remove_workspace(db, tenant_id))
        raise


async def _hook(after_step: StepHook | None, step: str) -> None:
    if after_step is not None:
        await after_step(step)


async def _claim_or_create_schema(
    db: Database, request: SignupRequest, password_hash: str | None, owner_id: uuid.UUID | None
) -> tuple[uuid.UUID, WorkspaceSchema, bool]:
    """Step 1: the registry rows in ``provisioning``, and a schema with its role."""
    async with db.shared_transaction() as session:
        values = {
            "name": request.company,
            "slug": await unique_slug(session, request.company),
            "vertical": request.vertical,
            "locale": request.locale,
            "status": TenantStatus.PROVISIONING,
            "status_changed_at": func.now(),
        }
        spare = await session.scalar(
            select(Tenant)
            .where(Tenant.status == TenantStatus.SPARE)
            .order_by(Tenant.created_at)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if spare is not None:
            await session.execute(update(Tenant).where(Tenant.id == spare.id).values(**values))
            tenant_id, schema = spare.id, spare.schema
        else:
            schema = new_schema()
            tenant_id = uuid.uuid4()
            session.add(Tenant(id=tenant_id, schema_name=schema.name, **values))
            await session.flush()
            await create_role_and_schema(session, schema)
        if owner_id is None:
            user = User(
                email=request.email,
                name=request.name,
                password_hash=password_hash,
                locale=request.locale,
                provisioning_tenant_id=tenant_id,
            )
            session.add(user)
            await session.flush()
            owner_id = user.id
        # An existing owner's membership goes with the tenant row if provisioning fails.
        session.add(Membership(user_id=owner_id, tenant_id=tenant_id, role=Role.OWNER))
    return tenant_id, schema, spare is not None


async def create_role_and_schema(
    session: AsyncSession, schema: WorkspaceSchema, *, can_login: bool | None = None
) -> None:
    """The workspace's role (NOLOGIN, unless on Citus, whose workers connect as it) and schema."""
    if can_login is None:
        can_login = get_settings().tenant_roles_can_login
    login = "LOGIN" if can_login else "NOLOGIN"
    database = await session.scalar(text("SELECT current_database()"))
    await session.execute(text(f'CREATE ROLE "{schema.role}" {login}'))
    # Roles are cluster-wide: the comment says which database's workspace this role serves.
    await session.execute(text(f"COMMENT ON ROLE \"{schema.role}\" IS 'atrium:{database}'"))
    await session.execute(text(f'GRANT "{schema.role}" TO CURRENT_USER'))
    await session.execute(text(f'CREATE SCHEMA "{schema.name}" AUTHORIZATION "{schema.role}"'))


async def _create_tables(session: AsyncSession) -> None:
    """Step 2a: the workspace tables at head, rendered from the models, stamped with every
    head (the core's and each pack's)."""

    def create(connection) -> None:
        tenant_metadata().create_all(connection, checkfirst=False)
        _migration_context(connection).stamp(tenant_scripts(), "heads")

    await session.run_sync(lambda sync_session: create(sync_session.connection()))


_version_table = Table(
    "alembic_version", MetaData(schema=TENANT_SCHEMA), Column("version_num", String(32))
)


# alembic's `op` is one global per process: two upgrades at once would cross their connections.
_upgrade_lock = asyncio.Lock()


async def _bring_spare_to_head(session: AsyncSession) -> None:
    """A spare made before the last deploy may lag behind: upgrade it in place."""
    versions = frozenset(await session.scalars(select(_version_table.c.version_num)))
    if versions == tenant_heads():
        return
    async with _upgrade_lock:
        await session.run_sync(
            lambda sync_session: upgrade_connection(sync_session.connection(), versions=versions)
        )


def _migration_context(connection) -> MigrationContext:
    schema = connection.get_execution_options()["schema_translate_map"]["tenant"]
    return MigrationContext.configure(connection, opts={"version_table_schema": schema})


async def _seed(session: AsyncSession, request: SignupRequest) -> None:
    """Step 2b: what a new workspace starts with."""
    defaults = _LOCALE_DEFAULTS[request.locale]
    session.add(
        WorkspaceSettings(
            name=request.company,
            locale=request.locale,
            timezone=request.timezone or defaults["timezone"],
            currency=request.currency or defaults["currency"],
            country=request.country or defaults["country"],
            vertical=request.vertical,
        )
    )
    await seed_trade_defaults(session, request.vertical, request.locale)


# The first API key's name, as its owner reads it on the keys page.
_SIGNUP_KEY = {"en": "Signup", "ru": "Ключ при регистрации"}


async def _finish(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    schema: WorkspaceSchema,
    currency: str,
    owner_id: uuid.UUID | None = None,
) -> ProvisionedWorkspace:
    """Step 3: a new owner's first API key (an existing one makes keys when they want), the
    trial started, and the workspace opened."""
    tenant = await session.get(Tenant, tenant_id)
    if owner_id is not None:
        user = await session.get(User, owner_id)
        plaintext = ""
    else:
        user = await session.scalar(select(User).where(User.provisioning_tenant_id == tenant_id))
        api_key = await issue_api_key(
            session,
            tenant_id=tenant_id,
            user_id=user.id,
            name=_SIGNUP_KEY.get(tenant.locale, "Signup"),
        )
        plaintext = api_key.plaintext
        user.provisioning_tenant_id = None
    tenant.status = TenantStatus.READY
    tenant.status_changed_at = utcnow()
    await start_trial(session, tenant, currency)
    return ProvisionedWorkspace(
        tenant_id=tenant_id,
        slug=tenant.slug,
        schema=schema,
        user_id=user.id,
        email=user.email,
        api_key=plaintext,
    )


async def remove_workspace(db: Database, tenant_id: uuid.UUID) -> None:
    """Drop a workspace's schema, role and registry rows (with users only it had)."""
    async with db.shared_transaction() as session:
        tenant = await session.get(Tenant, tenant_id, with_for_update=True)
        if tenant is None:
            return
        schema = tenant.schema
        await session.execute(text(f'DROP SCHEMA IF EXISTS "{schema.name}" CASCADE'))
        role_exists = await session.scalar(
            text("SELECT 1 FROM pg_roles WHERE rolname = :role"), {"role": schema.role}
        )
        if role_exists:
            await session.execute(text(f'DROP OWNED BY "{schema.role}"'))
            await session.execute(text(f'DROP ROLE "{schema.role}"'))
        # Users created by an unfinished signup go with it (ON DELETE CASCADE).
        await session.execute(delete(Tenant).where(Tenant.id == tenant_id))


async def cleanup_stale_workspaces(db: Database, older_than: timedelta | None = None) -> int:
    """Remove workspaces whose provisioning never finished; returns how many."""
    if older_than is None:
        older_than = timedelta(seconds=get_settings().provisioning_timeout_s)
    async with db.shared_transaction() as session:
        stale = await session.scalars(
            select(Tenant.id).where(
                Tenant.status == TenantStatus.PROVISIONING,
                Tenant.status_changed_at <= func.now() - older_than,
            )
        )
        stale_ids = list(stale)
    for tenant_id in stale_ids:
        await remove_workspace(db, tenant_id)
    return len(stale_ids)


async def make_spare_workspace(db: Database) -> uuid.UUID:
    """A schema at head with no owner yet, so a signup only has to claim it."""
    schema = new_schema()
    tenant_id = uuid.uuid4()
    async with db.shared_transaction() as session:
        session.add(Tenant(id=tenant_id, schema_name=schema.name, status=TenantStatus.PROVISIONING))
        await session.flush()
        await create_role_and_schema(session, schema)
    try:
        async with db.tenant_transaction(schema) as session:
            await _create_tables(session)
        async with db.shared_transaction() as session:
            await session.execute(
                update(Tenant)
                .where(Tenant.id == tenant_id)
                .values(status=TenantStatus.SPARE, status_changed_at=func.now())
            )
    except BaseException:
        await asyncio.shield(remove_workspace(db, tenant_id))
        raise
    return tenant_id


async def top_up_spare_workspaces(db: Database, target: int | None = None) -> int:
    """Make spares until ``target`` are waiting; returns how many were made."""
    target = get_settings().spare_workspaces if target is None else target
    async with db.shared_transaction() as session:
        waiting = await session.scalar(
            select(func.count()).where(Tenant.status == TenantStatus.SPARE)
        )
    for _ in range(max(0, target - waiting)):
        await make_spare_workspace(db)
    return max(0, target - waiting)
