"""Alembic environment for one workspace schema, used to write new tenant migrations.

`atrium migrate` does not come through here: it drives the same scripts itself, one
workspace per transaction (see atrium.tenants.migrate). To autogenerate a revision, point
``-x schema=t_...`` at a workspace schema that is at head, then replace that schema's name
in the new file with ``schema`` (``schema=schema``, ``f"{schema}.table.id"``).
"""

from alembic import context
from sqlalchemy import MetaData, create_engine, text

from atrium.platform.db import WorkspaceSchema
from atrium.tenants.schema import tenant_metadata


def _models_in(schema_name: str) -> MetaData:
    """The models moved to the probed schema: autogenerate compares names as they are."""
    models = MetaData(schema=schema_name, naming_convention=tenant_metadata().naming_convention)
    for table in tenant_metadata().tables.values():
        table.to_metadata(models, schema=schema_name)
    return models


def run() -> None:
    schema = WorkspaceSchema(context.get_x_argument(as_dictionary=True)["schema"])
    engine = create_engine(context.config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        connection = connection.execution_options(schema_translate_map=schema.translate_map)
        connection.execute(text(f'SET ROLE "{schema.role}"'))
        context.configure(
            connection=connection,
            target_metadata=_models_in(schema.name),
            version_table_schema=schema.name,
            include_schemas=True,
            include_name=lambda name, type_, parent: type_ != "schema" or name == schema.name,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run()
