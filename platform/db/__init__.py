"""Database kernel: the two metadata (shared registry and per-workspace), engines and sessions.

Tenant tables are declared in the placeholder schema ``tenant`` and bound to a workspace's
schema per transaction through ``schema_translate_map``; the transaction first switches to the
workspace's own role with ``SET LOCAL ROLE``, so naming another schema gets "permission denied".
"""

import asyncio
import functools
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import msgspec
import psycopg
from psycopg.rows import namedtuple_row
from psycopg.types.json import set_json_loads
from psycopg_pool import AsyncConnectionPool
from sqlalchemy import MetaData, Select, make_url, text
from sqlalchemy.dialects.postgresql import psycopg as postgresql_psycopg
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase

from atrium.platform.db.stored_instants import load_instants_within_range

SHARED_SCHEMA = "atrium"
TENANT_SCHEMA = "tenant"  # placeholder, translated to t_<id> per transaction

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Once per process, before any connection: what an older version stored never fails a read.
load_instants_within_range()

_WORKSPACE_SCHEMA = re.compile(r"^t_[a-z0-9]{6,32}$")


class SharedBase(DeclarativeBase):
    """Tables of the shared registry schema ``atrium``."""

    metadata = MetaData(schema=SHARED_SCHEMA, naming_convention=NAMING_CONVENTION)


class TenantBase(DeclarativeBase):
    """Tables that every workspace schema has."""

    metadata = MetaData(schema=TENANT_SCHEMA, naming_convention=NAMING_CONVENTION)


@dataclass(frozen=True)
class WorkspaceSchema:
    """A workspace's schema and the role that owns it (they share one name)."""

    name: str

    def __post_init__(self) -> None:
        # The name is interpolated into DDL and SET ROLE, so it must be ours, never user input.
        if not _WORKSPACE_SCHEMA.match(self.name):
            raise ValueError(f"not a workspace schema name: {self.name!r}")

    @property
    def role(self) -> str:
        return self.name

    @property
    def translate_map(self) -> dict[str, str]:
        return {TENANT_SCHEMA: self.name}


def explain_database_error(error: BaseException) -> str | None:
    """A sentence for an operator when the database is missing, unreachable or not migrated."""
    from sqlalchemy.exc import OperationalError, ProgrammingError

    if isinstance(error, ProgrammingError) and "does not exist" in str(error.orig):
        reason = str(error.orig).splitlines()[0]
        return f"The database is not migrated ({reason}). Run `atrium migrate` first."
    if isinstance(error, OperationalError | OSError):
        return f"Cannot reach the database: {getattr(error, 'orig', error)}".splitlines()[0]
    return None


# Tenant statements compiled for read_in_workspace name no schema: the search path does, so
# one SQL text (and one prepared statement) serves every workspace.
_UNNAMED = "atrium_unnamed_schema"
_DIALECT = postgresql_psycopg.dialect()
_COMPILED: dict = {}
_MAX_COMPILED = 1_000


def workspace_sql(statement: Select) -> tuple[str, dict]:
    """The statement as psycopg SQL with its parameters, tenant tables left unqualified.

    Compiled once per shape, as SQLAlchemy's own statement cache does: the cache key of a
    statement ignores its literal values, which are mapped onto the cached compilation.
    """
    key = statement._generate_cache_key()  # noqa: SLF001 - the public cache is engine-bound
    found = _COMPILED.get(key.key) if key is not None else None
    if found is None:
        compiled = _DIALECT.statement_compiler(
            _DIALECT,
            statement,
            cache_key=key,
            schema_translate_map={TENANT_SCHEMA: _UNNAMED},
            render_schema_translate=True,
        )
        if compiled.post_compile_params:  # expanding IN lists: compiled per call, with values
            compiled = statement.compile(
                dialect=_DIALECT,
                schema_translate_map={TENANT_SCHEMA: _UNNAMED},
                render_schema_translate=True,
                compile_kwargs={"render_postcompile": True},
            )
            return compiled.string.replace(f"{_UNNAMED}.", ""), compiled.params
        found = (compiled, compiled.string.replace(f"{_UNNAMED}.", ""))
        if key is not None:
            if len(_COMPILED) >= _MAX_COMPILED:
                _COMPILED.clear()
            _COMPILED[key.key] = found
    compiled, sql = found
    params = compiled.construct_params(
        extracted_parameters=key.bindparams if key else None,
        _check=False,  # bound parameters without a value come with the call (read_in_workspace)
    )
    return sql, params


async def _configure_read_connection(connection: psycopg.AsyncConnection) -> None:
    # Cards carry their links as JSON: msgspec decodes it several times faster than json.
    set_json_loads(msgspec.json.decode, connection)


class Database:
    """One engine per process; hands out shared and tenant sessions."""

    def __init__(
        self,
        url: str,
        pool_size: int = 10,
        max_overflow: int | None = None,
        connect_timeout_s: float = 5.0,
        **engine_options,
    ) -> None:
        self.url = url
        # A server that accepts and never answers must not hold a request for ever: connecting
        # and waiting for a pooled connection are bounded (libpq counts whole seconds, 2 at least).
        self._connect = {"connect_timeout": max(2, round(connect_timeout_s))}
        self._pool_timeout_s = connect_timeout_s
        self.engine: AsyncEngine = create_async_engine(
            url,
            pool_size=pool_size,
            max_overflow=pool_size if max_overflow is None else max_overflow,
            pool_timeout=connect_timeout_s,
            connect_args=self._connect,
            # No ping per checkout (a round trip on every request): a connection lost to a
            # restart fails one request with a 503 and invalidates the pool.
            pool_pre_ping=False,
            pool_recycle=1800,
            **engine_options,
        )
        self._sessions = async_sessionmaker(expire_on_commit=False, autoflush=False)
        self._pool_size = pool_size
        self._read_pool: AsyncConnectionPool | None = None
        self._read_pool_lock = asyncio.Lock()

    @functools.lru_cache(maxsize=10_000)  # noqa: B019 - one Database per process, kept for life
    def _tenant_engine(self, schema_name: str) -> AsyncEngine:
        """The engine view naming one workspace's schema (made once: it is not free)."""
        return self.engine.execution_options(schema_translate_map={TENANT_SCHEMA: schema_name})

    def shared_session(self) -> AsyncSession:
        """A session on the registry; the caller owns its transaction."""
        return self._sessions(bind=self.engine)

    async def tenant_session(self, schema: WorkspaceSchema) -> AsyncSession:
        """A session already inside a transaction acting as the workspace's role."""
        session = self._sessions(bind=self._tenant_engine(schema.name))
        await session.begin()
        await session.execute(text(f'SET LOCAL ROLE "{schema.role}"'))
        return session

    @asynccontextmanager
    async def shared_reads(self) -> AsyncIterator[AsyncSession]:
        """Registry statements without BEGIN/COMMIT round trips, each committed alone."""
        session = self._sessions(bind=self.engine.execution_options(isolation_level="AUTOCOMMIT"))
        async with session:
            yield session

    @asynccontextmanager
    async def shared_transaction(self) -> AsyncIterator[AsyncSession]:
        """Commit on success, roll back on error."""
        async with self.shared_session() as session, session.begin():
            yield session

    @asynccontextmanager
    async def tenant_transaction(self, schema: WorkspaceSchema) -> AsyncIterator[AsyncSession]:
        """Commit on success, roll back on error; the role resets when it ends."""
        session = await self.tenant_session(schema)
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise
        finally:
            await session.close()

    async def read_in_workspace(
        self,
        schema: WorkspaceSchema,
        statement: Select | tuple[str, dict],
        params=None,
        *,
        settings: dict[str, str] | None = None,
    ) -> list:
        """Rows of one SELECT, read as the workspace's role in a single round trip.

        For the hottest reads (a contact card, a list page): psycopg's pipeline sends BEGIN,
        the role and search-path switch and the query together, where a session pays a round
        trip for each (and COMMIT). ``statement`` may come compiled by workspace_sql() (kept by
        the caller, for a shape read often), with ``params`` for its bound parameters. Rows have
        attributes named after the columns. ``settings`` are more parameters for the read (such
        as pg_trgm's thresholds), set with the switch.
        """
        sql, defaults = statement if isinstance(statement, tuple) else workspace_sql(statement)
        params = {**defaults, **(params or {})}
        pool = self._read_pool or await self._open_read_pool()
        async with pool.connection() as driver:
            try:
                async with driver.pipeline():
                    switch = {"role": schema.role, "search_path": f'"{schema.name}", public'}
                    switch |= settings or {}
                    await driver.execute(
                        "SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(switch)),
                        [value for pair in switch.items() for value in pair],
                    )
                    cursor = driver.cursor(row_factory=namedtuple_row)
                    await cursor.execute(sql, params)
                    # Ends the transaction, and the role switch with it, in the same round trip.
                    await driver.execute("ROLLBACK")
                    return await cursor.fetchall()
            except psycopg.Error as error:  # as SQLAlchemy would raise it, for the handlers
                raise DBAPIError.instance(sql, params, error, psycopg.Error) from error

    async def _open_read_pool(self) -> AsyncConnectionPool:
        """The plain psycopg pool behind read_in_workspace (SQLAlchemy's adds a layer per read)."""
        async with self._read_pool_lock:
            if self._read_pool is None:
                dsn = make_url(self.url).set(drivername="postgresql").render_as_string(False)
                pool = AsyncConnectionPool(
                    dsn,
                    min_size=1,
                    max_size=self._pool_size,
                    open=False,
                    name="atrium-reads",
                    configure=_configure_read_connection,
                    kwargs=self._connect,
                    timeout=self._pool_timeout_s,
                )
                await pool.open()
                self._read_pool = pool
        return self._read_pool

    async def ping(self) -> None:
        """Raise unless the database answers."""
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def superuser(self) -> str | None:
        """The login user's name if it is a superuser (which would void the workspace roles:
        a superuser passes every permission check), else None."""
        async with self.engine.connect() as connection:
            row = (
                await connection.execute(
                    text("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
                )
            ).one()
        return row[0] if row[1] else None

    async def dispose(self) -> None:
        if self._read_pool is not None:
            await self._read_pool.close()
            self._read_pool = None
        await self.engine.dispose()
