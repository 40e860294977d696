"""Birthday greetings

Revision ID: t0019
Revises: t0018
Create Date: 2026-11-25 17:32:57.791762

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from atrium.tenants.migrations import workspace_schema

# revision identifiers, used by Alembic.
revision: str = "t0019"
down_revision: str | Sequence[str] | None = "t0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Tenant ops must name the real schema: pass schema=schema (autogenerate writes "tenant").
    schema = workspace_schema()
    op.add_column(
        "contacts",
        sa.Column(
            "birthday_md",
            sa.SmallInteger(),
            sa.Computed(
                "(EXTRACT(MONTH FROM birthday) * 100 + EXTRACT(DAY FROM birthday))::smallint",
                persisted=True,
            ),
            nullable=True,
        ),
        schema=schema,
    )
    op.add_column(
        "contacts",
        sa.Column("birthday_greeted_in", sa.SmallInteger(), nullable=True),
        schema=schema,
    )
    op.create_index(
        op.f("ix_contacts_birthday_md"), "contacts", ["birthday_md"], unique=False, schema=schema
    )
    op.add_column(
        "workspace_settings",
        sa.Column("birthday_greetings", sa.Boolean(), server_default="false", nullable=False),
        schema=schema,
    )
    op.add_column(
        "workspace_settings",
        sa.Column("birthday_hour", sa.SmallInteger(), server_default="10", nullable=False),
        schema=schema,
    )
    op.add_column(
        "workspace_settings",
        sa.Column(
            "birthday_channels",
            postgresql.ARRAY(sa.String(length=10)),
            server_default="{telegram,email,sms}",
            nullable=False,
        ),
        schema=schema,
    )


def downgrade() -> None:
    schema = workspace_schema()
    op.drop_column("workspace_settings", "birthday_channels", schema=schema)
    op.drop_column("workspace_settings", "birthday_hour", schema=schema)
    op.drop_column("workspace_settings", "birthday_greetings", schema=schema)
    op.drop_index(op.f("ix_contacts_birthday_md"), table_name="contacts", schema=schema)
    op.drop_column("contacts", "birthday_greeted_in", schema=schema)
    op.drop_column("contacts", "birthday_md", schema=schema)
