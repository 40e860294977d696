"""teams: members, records shared with a team

Revision ID: t0009
Revises: t0008
Create Date: 2026-11-25 14:54:07.524980

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from atrium.tenants.migrations import workspace_schema

# revision identifiers, used by Alembic.
revision: str = "t0009"
down_revision: str | Sequence[str] | None = "t0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Tenant ops must name the real schema: pass schema=schema (autogenerate writes "tenant").
    schema = workspace_schema()
    op.create_table(
        "teams",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teams")),
        sa.UniqueConstraint("name", name=op.f("uq_teams_name")),
        schema=schema,
    )
    op.create_table(
        "team_members",
        sa.Column("team_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            [f"{schema}.teams.id"],
            name=op.f("fk_team_members_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("team_id", "user_id", name=op.f("pk_team_members")),
        schema=schema,
    )
    op.create_index(
        op.f("ix_team_members_user_id"), "team_members", ["user_id"], unique=False, schema=schema
    )
    op.add_column("companies", sa.Column("team_id", sa.Uuid(), nullable=True), schema=schema)
    op.create_index(
        op.f("ix_companies_team_id"), "companies", ["team_id"], unique=False, schema=schema
    )
    op.create_foreign_key(
        op.f("fk_companies_team_id_teams"),
        "companies",
        "teams",
        ["team_id"],
        ["id"],
        source_schema=schema,
        referent_schema=schema,
        ondelete="SET NULL",
    )
    op.add_column("contacts", sa.Column("team_id", sa.Uuid(), nullable=True), schema=schema)
    op.create_index(
        op.f("ix_contacts_team_id"), "contacts", ["team_id"], unique=False, schema=schema
    )
    op.create_foreign_key(
        op.f("fk_contacts_team_id_teams"),
        "contacts",
        "teams",
        ["team_id"],
        ["id"],
        source_schema=schema,
        referent_schema=schema,
        ondelete="SET NULL",
    )
    op.add_column("deals", sa.Column("team_id", sa.Uuid(), nullable=True), schema=schema)
    op.create_index(op.f("ix_deals_team_id"), "deals", ["team_id"], unique=False, schema=schema)
    op.create_foreign_key(
        op.f("fk_deals_team_id_teams"),
        "deals",
        "teams",
        ["team_id"],
        ["id"],
        source_schema=schema,
        referent_schema=schema,
        ondelete="SET NULL",
    )


def downgrade() -> None:
    schema = workspace_schema()
    op.drop_constraint(op.f("fk_deals_team_id_teams"), "deals", schema=schema, type_="foreignkey")
    op.drop_index(op.f("ix_deals_team_id"), table_name="deals", schema=schema)
    op.drop_column("deals", "team_id", schema=schema)
    op.drop_constraint(
        op.f("fk_contacts_team_id_teams"), "contacts", schema=schema, type_="foreignkey"
    )
    op.drop_index(op.f("ix_contacts_team_id"), table_name="contacts", schema=schema)
    op.drop_column("contacts", "team_id", schema=schema)
    op.drop_constraint(
        op.f("fk_companies_team_id_teams"), "companies", schema=schema, type_="foreignkey"
    )
    op.drop_index(op.f("ix_companies_team_id"), table_name="companies", schema=schema)
    op.drop_column("companies", "team_id", schema=schema)
    op.drop_index(op.f("ix_team_members_user_id"), table_name="team_members", schema=schema)
    op.drop_table("team_members", schema=schema)
    op.drop_table("teams", schema=schema)
