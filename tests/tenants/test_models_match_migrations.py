"""The models and the migration histories describe the same tables.

Workspaces are provisioned from the models but upgraded by the tenant history, so any drift
between the two would give old and new workspaces different schemas.
"""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from atrium.platform.db import SHARED_SCHEMA, WorkspaceSchema
from atrium.tenants.migrate import upgrade_connection
from atrium.tenants.schema import shared_metadata, tenant_metadata


def _diff(connection, metadata, schema: str) -> list:
    context = MigrationContext.configure(
        connection,
        opts={
            "include_schemas": True,
            "include_name": lambda name, kind, _: kind != "schema" or name == schema,
            "compare_type": True,
            "version_table_schema": schema,
        },
    )
    return compare_metadata(context, metadata)


def test_the_platform_history_builds_exactly_the_shared_models(migrated):
    engine = sa.create_engine(migrated.database_url)
    with engine.connect() as connection:
        assert _diff(connection, shared_metadata(), SHARED_SCHEMA) == []
    engine.dispose()


def test_the_tenant_history_from_scratch_builds_exactly_the_workspace_models(migrated):
    schema = WorkspaceSchema("t_historyprobe")
    engine = sa.create_engine(migrated.database_url)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql(f"CREATE SCHEMA {schema.name}")
            bound = connection.execution_options(schema_translate_map=schema.translate_map)
            assert upgrade_connection(bound) == frozenset()  # it started from an empty schema
        # The models name the placeholder schema "tenant": compare a copy in the probe's schema.
        models = sa.MetaData(
            schema=schema.name, naming_convention=tenant_metadata().naming_convention
        )
        for table in tenant_metadata().tables.values():
            table.to_metadata(models, schema=schema.name)
        with engine.connect() as connection:
            assert _diff(connection, models, schema.name) == []
    finally:
        with engine.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema.name} CASCADE")
        engine.dispose()
