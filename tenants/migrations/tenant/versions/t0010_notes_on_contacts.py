"""notes on contacts

Revision ID: t0010
Revises: t0009
Create Date: 2026-11-25 14:57:39.823087

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from atrium.tenants.migrations import workspace_schema

# revision identifiers, used by Alembic.
revision: str = "t0010"
down_revision: str | Sequence[str] | None = "t0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Tenant ops must name the real schema: pass schema=schema (autogenerate writes "tenant").
    schema = workspace_schema()
    op.create_table(
        "notes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("contact_id", sa.Uuid(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            [f"{schema}.contacts.id"],
            name=op.f("fk_notes_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notes")),
        schema=schema,
    )
    op.create_index(
        "ix_notes_contact_created",
        "notes",
        ["contact_id", "created_at"],
        unique=False,
        schema=schema,
    )


def downgrade() -> None:
    schema = workspace_schema()
    op.drop_index("ix_notes_contact_created", table_name="notes", schema=schema)
    op.drop_table("notes", schema=schema)
