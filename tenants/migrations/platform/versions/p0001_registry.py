"""registry

Revision ID: p0001
Revises:
Create Date: 2026-11-23 11:30:47.093743

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "p0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""

    op.create_table(
        "system_mail",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("to_address", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("text_body", sa.Text(), nullable=False),
        sa.Column("html_body", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_system_mail")),
        schema="atrium",
    )
    op.create_index(
        op.f("ix_system_mail_status"), "system_mail", ["status"], unique=False, schema="atrium"
    )
    op.create_table(
        "tenants",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("slug", sa.String(length=63), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("schema_name", sa.String(length=40), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "spare", "provisioning", "ready", "suspended", name="tenant_status", schema="atrium"
            ),
            nullable=False,
        ),
        sa.Column("vertical", sa.String(length=40), nullable=True),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "status_changed_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("suspended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["atrium.tenants.id"], name=op.f("fk_tenants_parent_id_tenants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tenants")),
        sa.UniqueConstraint("schema_name", name=op.f("uq_tenants_schema_name")),
        sa.UniqueConstraint("slug", name=op.f("uq_tenants_slug")),
        schema="atrium",
    )
    op.create_index(op.f("ix_tenants_status"), "tenants", ["status"], unique=False, schema="atrium")
    op.create_table(
        "migration_ledger",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=True),
        sa.Column("schema_name", sa.String(length=40), nullable=False),
        sa.Column("from_version", sa.String(length=32), nullable=True),
        sa.Column("to_version", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column(
            "started_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["atrium.tenants.id"],
            name=op.f("fk_migration_ledger_tenant_id_tenants"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_migration_ledger")),
        schema="atrium",
    )
    op.create_index(
        op.f("ix_migration_ledger_run_id"),
        "migration_ledger",
        ["run_id"],
        unique=False,
        schema="atrium",
    )
    op.create_index(
        op.f("ix_migration_ledger_tenant_id"),
        "migration_ledger",
        ["tenant_id"],
        unique=False,
        schema="atrium",
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=True),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("provisioning_tenant_id", sa.Uuid(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["provisioning_tenant_id"],
            ["atrium.tenants.id"],
            name=op.f("fk_users_provisioning_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
        schema="atrium",
    )
    op.create_index(
        op.f("ix_users_provisioning_tenant_id"),
        "users",
        ["provisioning_tenant_id"],
        unique=False,
        schema="atrium",
    )
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("secret_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["atrium.tenants.id"],
            name=op.f("fk_api_keys_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["atrium.users.id"],
            name=op.f("fk_api_keys_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("prefix", name=op.f("uq_api_keys_prefix")),
        schema="atrium",
    )
    op.create_index(
        op.f("ix_api_keys_tenant_id"), "api_keys", ["tenant_id"], unique=False, schema="atrium"
    )
    op.create_table(
        "memberships",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column(
            "role",
            sa.Enum("owner", "admin", "manager", "employee", name="member_role", schema="atrium"),
            nullable=False,
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["atrium.tenants.id"],
            name=op.f("fk_memberships_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["atrium.users.id"],
            name=op.f("fk_memberships_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_memberships")),
        sa.UniqueConstraint("user_id", "tenant_id", name=op.f("uq_memberships_user_id_tenant_id")),
        schema="atrium",
    )
    op.create_index(
        op.f("ix_memberships_tenant_id"),
        "memberships",
        ["tenant_id"],
        unique=False,
        schema="atrium",
    )
    op.create_table(
        "one_time_tokens",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "purpose",
            sa.Enum("password_reset", "invitation", name="one_time_token_purpose", schema="atrium"),
            nullable=False,
        ),
        sa.Column("token_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=True),
        sa.Column(
            "role",
            sa.Enum("owner", "admin", "manager", "employee", name="member_role", schema="atrium"),
            nullable=True,
        ),
        sa.Column("invited_by_id", sa.Uuid(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["invited_by_id"],
            ["atrium.users.id"],
            name=op.f("fk_one_time_tokens_invited_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["atrium.tenants.id"],
            name=op.f("fk_one_time_tokens_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_one_time_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_one_time_tokens_token_hash")),
        schema="atrium",
    )
    op.create_index(
        "ix_one_time_tokens_email_purpose",
        "one_time_tokens",
        ["email", "purpose"],
        unique=False,
        schema="atrium",
    )
    op.create_index(
        op.f("ix_one_time_tokens_tenant_id"),
        "one_time_tokens",
        ["tenant_id"],
        unique=False,
        schema="atrium",
    )
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_agent", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["atrium.users.id"],
            name=op.f("fk_web_sessions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_web_sessions_token_hash")),
        schema="atrium",
    )
    op.create_index(
        op.f("ix_web_sessions_user_id"), "web_sessions", ["user_id"], unique=False, schema="atrium"
    )


def downgrade() -> None:
    """Downgrade schema."""

    op.drop_index(op.f("ix_web_sessions_user_id"), table_name="web_sessions", schema="atrium")
    op.drop_table("web_sessions", schema="atrium")
    op.drop_index(
        op.f("ix_one_time_tokens_tenant_id"), table_name="one_time_tokens", schema="atrium"
    )
    op.drop_index("ix_one_time_tokens_email_purpose", table_name="one_time_tokens", schema="atrium")
    op.drop_table("one_time_tokens", schema="atrium")
    op.drop_index(op.f("ix_memberships_tenant_id"), table_name="memberships", schema="atrium")
    op.drop_table("memberships", schema="atrium")
    op.drop_index(op.f("ix_api_keys_tenant_id"), table_name="api_keys", schema="atrium")
    op.drop_table("api_keys", schema="atrium")
    op.drop_index(op.f("ix_users_provisioning_tenant_id"), table_name="users", schema="atrium")
    op.drop_table("users", schema="atrium")
    op.drop_index(
        op.f("ix_migration_ledger_tenant_id"), table_name="migration_ledger", schema="atrium"
    )
    op.drop_index(
        op.f("ix_migration_ledger_run_id"), table_name="migration_ledger", schema="atrium"
    )
    op.drop_table("migration_ledger", schema="atrium")
    op.drop_index(op.f("ix_tenants_status"), table_name="tenants", schema="atrium")
    op.drop_table("tenants", schema="atrium")
    op.drop_index(op.f("ix_system_mail_status"), table_name="system_mail", schema="atrium")
    op.drop_table("system_mail", schema="atrium")
