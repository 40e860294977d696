"""CRM: contacts with phones and e-mails, companies, tags, custom fields, the audit trail.

Revision ID: t0002
Revises: t0001
Create Date: 2026-11-23 12:50:05.054211

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from atrium.tenants.migrations import workspace_schema

# revision identifiers, used by Alembic.
revision: str = "t0002"
down_revision: str | Sequence[str] | None = "t0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Tenant ops must name the real schema: pass schema=schema (autogenerate writes "tenant").
    schema = workspace_schema()
    op.create_table(
        "audit_entries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("record_type", sa.String(length=30), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("field", sa.String(length=60), nullable=False),
        sa.Column("old_value", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("new_value", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column(
            "at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entries")),
        schema=schema,
    )
    op.create_index(
        "ix_audit_entries_record",
        "audit_entries",
        ["record_type", "record_id", "at"],
        unique=False,
        schema=schema,
    )
    op.create_table(
        "companies",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("legal_name", sa.String(length=300), nullable=False),
        sa.Column("tax_id", sa.String(length=40), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("website", sa.String(length=300), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("custom", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_companies")),
        schema=schema,
    )
    op.create_index(op.f("ix_companies_name"), "companies", ["name"], unique=False, schema=schema)
    op.create_table(
        "contacts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("middle_name", sa.String(length=100), nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column("display_name", sa.String(length=320), nullable=False),
        sa.Column("birthday", sa.Date(), nullable=True),
        sa.Column("gender", sa.String(length=10), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=True),
        sa.Column("marketing_consent", sa.Boolean(), nullable=False),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("consent_channel", sa.String(length=20), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("custom", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
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
        sa.CheckConstraint(
            "gender IN ('female', 'male', 'unknown')", name=op.f("ck_contacts_gender")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
        schema=schema,
    )
    op.create_index(
        op.f("ix_contacts_display_name"), "contacts", ["display_name"], unique=False, schema=schema
    )
    op.create_index(
        "ix_contacts_owner_created",
        "contacts",
        ["owner_id", "created_at"],
        unique=False,
        schema=schema,
    )
    op.create_table(
        "custom_fields",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("object_type", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("field_type", sa.String(length=20), nullable=False),
        sa.Column("choices", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "field_type IN ('text', 'number', 'date', 'choice', 'boolean')",
            name=op.f("ck_custom_fields_field_type"),
        ),
        sa.CheckConstraint(
            "object_type IN ('contact', 'company')", name=op.f("ck_custom_fields_object_type")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custom_fields")),
        sa.UniqueConstraint("object_type", "key", name=op.f("uq_custom_fields_object_type_key")),
        schema=schema,
    )
    op.create_table(
        "tags",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tags")),
        sa.UniqueConstraint("name", name=op.f("uq_tags_name")),
        schema=schema,
    )
    op.create_table(
        "company_tags",
        sa.Column("company_id", sa.Uuid(), nullable=False),
        sa.Column("tag_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            [f"{schema}.companies.id"],
            name=op.f("fk_company_tags_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"],
            [f"{schema}.tags.id"],
            name=op.f("fk_company_tags_tag_id_tags"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("company_id", "tag_id", name=op.f("pk_company_tags")),
        schema=schema,
    )
    op.create_index(
        op.f("ix_company_tags_tag_id"), "company_tags", ["tag_id"], unique=False, schema=schema
    )
    op.create_table(
        "contact_companies",
        sa.Column("contact_id", sa.Uuid(), nullable=False),
        sa.Column("company_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            [f"{schema}.companies.id"],
            name=op.f("fk_contact_companies_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            [f"{schema}.contacts.id"],
            name=op.f("fk_contact_companies_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("contact_id", "company_id", name=op.f("pk_contact_companies")),
        schema=schema,
    )
    op.create_index(
        op.f("ix_contact_companies_company_id"),
        "contact_companies",
        ["company_id"],
        unique=False,
        schema=schema,
    )
    op.create_table(
        "contact_emails",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("contact_id", sa.Uuid(), nullable=False),
        sa.Column("address", sa.String(length=320), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            [f"{schema}.contacts.id"],
            name=op.f("fk_contact_emails_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_emails")),
        sa.UniqueConstraint(
            "contact_id", "address", name=op.f("uq_contact_emails_contact_id_address")
        ),
        schema=schema,
    )
    op.create_index(
        op.f("ix_contact_emails_address"),
        "contact_emails",
        ["address"],
        unique=False,
        schema=schema,
    )
    op.create_table(
        "contact_phones",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("contact_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            [f"{schema}.contacts.id"],
            name=op.f("fk_contact_phones_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_phones")),
        sa.UniqueConstraint(
            "contact_id", "number", name=op.f("uq_contact_phones_contact_id_number")
        ),
        schema=schema,
    )
    op.create_index(
        op.f("ix_contact_phones_number"), "contact_phones", ["number"], unique=False, schema=schema
    )
    op.create_table(
        "contact_tags",
        sa.Column("contact_id", sa.Uuid(), nullable=False),
        sa.Column("tag_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            [f"{schema}.contacts.id"],
            name=op.f("fk_contact_tags_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"],
            [f"{schema}.tags.id"],
            name=op.f("fk_contact_tags_tag_id_tags"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("contact_id", "tag_id", name=op.f("pk_contact_tags")),
        schema=schema,
    )
    op.create_index(
        op.f("ix_contact_tags_tag_id"), "contact_tags", ["tag_id"], unique=False, schema=schema
    )


def downgrade() -> None:
    schema = workspace_schema()
    op.drop_index(op.f("ix_contact_tags_tag_id"), table_name="contact_tags", schema=schema)
    op.drop_table("contact_tags", schema=schema)
    op.drop_index(op.f("ix_contact_phones_number"), table_name="contact_phones", schema=schema)
    op.drop_table("contact_phones", schema=schema)
    op.drop_index(op.f("ix_contact_emails_address"), table_name="contact_emails", schema=schema)
    op.drop_table("contact_emails", schema=schema)
    op.drop_index(
        op.f("ix_contact_companies_company_id"), table_name="contact_companies", schema=schema
    )
    op.drop_table("contact_companies", schema=schema)
    op.drop_index(op.f("ix_company_tags_tag_id"), table_name="company_tags", schema=schema)
    op.drop_table("company_tags", schema=schema)
    op.drop_table("tags", schema=schema)
    op.drop_table("custom_fields", schema=schema)
    op.drop_index("ix_contacts_owner_created", table_name="contacts", schema=schema)
    op.drop_index(op.f("ix_contacts_display_name"), table_name="contacts", schema=schema)
    op.drop_table("contacts", schema=schema)
    op.drop_index(op.f("ix_companies_name"), table_name="companies", schema=schema)
    op.drop_table("companies", schema=schema)
    op.drop_index("ix_audit_entries_record", table_name="audit_entries", schema=schema)
    op.drop_table("audit_entries", schema=schema)
