"""search: folded names and trigram indexes on contacts, companies, deals, phones, e-mails

Revision ID: t0008
Revises: t0007
Create Date: 2026-11-25 15:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from atrium.platform.crm.records.normalize import search_key
from atrium.tenants.migrations import workspace_schema

revision: str = "t0008"
down_revision: str | Sequence[str] | None = "t0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAMED_BY = {
    "contacts": ("display_name",),
    "companies": ("name", "legal_name", "tax_id"),
    "deals": ("title",),
}
TRIGRAM_INDEXES = {
    "ix_contacts_search_name": ("contacts", "search_name"),
    "ix_companies_search_name": ("companies", "search_name"),
    "ix_deals_search_name": ("deals", "search_name"),
    "ix_contact_phones_number_trgm": ("contact_phones", "number"),
    "ix_contact_emails_address_trgm": ("contact_emails", "address"),
}


def upgrade() -> None:
    schema = workspace_schema()
    connection = op.get_bind()
    for table, fields in NAMED_BY.items():
        op.add_column(
            table,
            sa.Column("search_name", sa.Text(), nullable=False, server_default=""),
            schema=schema,
        )
        op.alter_column(table, "search_name", server_default=None, schema=schema)
        # Folding is Python (text_unidecode), so existing rows are keyed here.
        rows = connection.exec_driver_sql(f'SELECT id, {", ".join(fields)} FROM {schema}."{table}"')
        keyed = [{"id": row[0], "key": search_key(*(v or "" for v in row[1:]))} for row in rows]
        if keyed:
            connection.execute(
                sa.text(f'UPDATE {schema}."{table}" SET search_name = :key WHERE id = :id'), keyed
            )
    for name, (table, column) in TRIGRAM_INDEXES.items():
        op.create_index(
            name,
            table,
            [column],
            unique=False,
            schema=schema,
            postgresql_using="gin",
            postgresql_ops={column: "gin_trgm_ops"},
        )


def downgrade() -> None:
    schema = workspace_schema()
    for name, (table, _column) in TRIGRAM_INDEXES.items():
        op.drop_index(name, table_name=table, schema=schema)
    for table in NAMED_BY:
        op.drop_column(table, "search_name", schema=schema)
