"""Alembic environment for the shared schema ``atrium``."""

from alembic import context
from sqlalchemy import create_engine, text

from atrium.platform.db import SHARED_SCHEMA
from atrium.tenants.schema import shared_metadata


def run() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        engine = create_engine(context.config.get_main_option("sqlalchemy.url"))
        with engine.connect() as connection:
            _migrate(connection)
            connection.commit()
    else:
        _migrate(connection)


def _migrate(connection) -> None:
    connection.execute(text(f"CREATE SCHEMA IF NOT EXISTS {SHARED_SCHEMA}"))
    context.configure(
        connection=connection,
        target_metadata=shared_metadata(),
        version_table_schema=SHARED_SCHEMA,
        include_schemas=True,
        include_name=lambda name, type_, parent: type_ != "schema" or name == SHARED_SCHEMA,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
