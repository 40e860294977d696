"""deals on pipelines

Revision ID: t0003
Revises: t0002
Create Date: 2026-11-23 12:59:25.806017

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from atrium.tenants.migrations import workspace_schema

# revision identifiers, used by Alembic.
revision: str = "t0003"
down_revision: str | Sequence[str] | None = "t0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Tenant ops must name the real schema: pass schema=schema (autogenerate writes "tenant").
    schema = workspace_schema()
    op.create_table(
        "pipelines",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pipelines")),
        sa.UniqueConstraint("name", name=op.f("uq_pipelines_name")),
        schema=schema,
    )
    op.create_table(
        "stages",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("pipeline_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("probability", sa.Integer(), nullable=False),
        sa.Column("responsible_role", sa.String(length=100), nullable=False),
        sa.Column("time_limit_hours", sa.Integer(), nullable=True),
        sa.CheckConstraint("kind IN ('open', 'won', 'lost')", name=op.f("ck_stages_kind")),
        sa.CheckConstraint("probability BETWEEN 0 AND 100", name=op.f("ck_stages_probability")),
        sa.ForeignKeyConstraint(
            ["pipeline_id"],
            [f"{schema}.pipelines.id"],
            name=op.f("fk_stages_pipeline_id_pipelines"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stages")),
        sa.UniqueConstraint("pipeline_id", "name", name=op.f("uq_stages_pipeline_id_name")),
        schema=schema,
    )
    op.create_index(
        op.f("ix_stages_pipeline_id"), "stages", ["pipeline_id"], unique=False, schema=schema
    )
    op.create_table(
        "deals",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("pipeline_id", sa.Uuid(), nullable=False),
        sa.Column("stage_id", sa.Uuid(), nullable=False),
        sa.Column("contact_id", sa.Uuid(), nullable=True),
        sa.Column("company_id", sa.Uuid(), nullable=True),
        sa.Column("owner_id", sa.Uuid(), nullable=True),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("lost_reason", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column(
            "stage_changed_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            [f"{schema}.companies.id"],
            name=op.f("fk_deals_company_id_companies"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            [f"{schema}.contacts.id"],
            name=op.f("fk_deals_contact_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["pipeline_id"], [f"{schema}.pipelines.id"], name=op.f("fk_deals_pipeline_id_pipelines")
        ),
        sa.ForeignKeyConstraint(
            ["stage_id"], [f"{schema}.stages.id"], name=op.f("fk_deals_stage_id_stages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deals")),
        schema=schema,
    )
    op.create_index(
        op.f("ix_deals_company_id"), "deals", ["company_id"], unique=False, schema=schema
    )
    op.create_index(
        op.f("ix_deals_contact_id"), "deals", ["contact_id"], unique=False, schema=schema
    )
    op.create_index(op.f("ix_deals_owner_id"), "deals", ["owner_id"], unique=False, schema=schema)
    op.create_index(
        op.f("ix_deals_pipeline_id"), "deals", ["pipeline_id"], unique=False, schema=schema
    )
    op.create_index(
        "ix_deals_stage_changed",
        "deals",
        ["stage_id", "stage_changed_at"],
        unique=False,
        schema=schema,
    )
    op.create_table(
        "deal_moves",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("deal_id", sa.Uuid(), nullable=False),
        sa.Column("from_stage_id", sa.Uuid(), nullable=True),
        sa.Column("to_stage_id", sa.Uuid(), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column(
            "at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["deal_id"],
            [f"{schema}.deals.id"],
            name=op.f("fk_deal_moves_deal_id_deals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deal_moves")),
        schema=schema,
    )
    op.create_index(
        op.f("ix_deal_moves_deal_id"), "deal_moves", ["deal_id"], unique=False, schema=schema
    )


def downgrade() -> None:
    schema = workspace_schema()
    op.drop_index(op.f("ix_deal_moves_deal_id"), table_name="deal_moves", schema=schema)
    op.drop_table("deal_moves", schema=schema)
    op.drop_index("ix_deals_stage_changed", table_name="deals", schema=schema)
    op.drop_index(op.f("ix_deals_pipeline_id"), table_name="deals", schema=schema)
    op.drop_index(op.f("ix_deals_owner_id"), table_name="deals", schema=schema)
    op.drop_index(op.f("ix_deals_contact_id"), table_name="deals", schema=schema)
    op.drop_index(op.f("ix_deals_company_id"), table_name="deals", schema=schema)
    op.drop_table("deals", schema=schema)
    op.drop_index(op.f("ix_stages_pipeline_id"), table_name="stages", schema=schema)
    op.drop_table("stages", schema=schema)
    op.drop_table("pipelines", schema=schema)
