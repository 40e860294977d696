"""Database kernel: the two metadata (shared registry and per-workspace), engines and sessions.

Tenant tables are declared in the placeholder schema ``tenant`` and bound to a workspace's
schema per transaction through ``schema_translate_map``; the transaction first switches to the
workspace's own role with ``SET LOCAL ROLE``, so naming another schema gets "permission denied".
"""

import functools
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy import MetaData, text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase

SHARED_SCHEMA = "atrium"
TENANT_SCHEMA = "tenant"  # placeholder, translated to t_<id> per transaction

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

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


class Database:
    """One engine per process; hands out shared and tenant sessions."""

    def __init__(
        self, url: str, pool_size: int = 10, max_overflow: int | None = None, **engine_options
    ) -> None:
        self.url = url
        self.engine: AsyncEngine = create_async_engine(
            url,
            pool_size=pool_size,
            max_overflow=pool_size if max_overflow is None else max_overflow,
            # No ping per checkout (a round trip on every request): a connection lost to a
            # restart fails one request with a 503 and invalidates the pool.
            pool_pre_ping=False,
            pool_recycle=1800,
            **engine_options,
        )
        self._sessions = async_sessionmaker(expire_on_commit=False, autoflush=False)

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

    async def ping(self) -> None:
        """Raise unless the database answers."""
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()
