"""Appeal subjects: the list a workspace offers when an appeal is registered

Revision ID: t0026
Revises: t0024
Create Date: 2026-12-03 14:00:00

"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from atrium.platform.crm.appeals.subjects import default_subjects
from atrium.tenants.migrations import workspace_schema

# revision identifiers, used by Alembic.
revision: str = "t0026"
down_revision: str | Sequence[str] | None = "t0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    schema = workspace_schema()
    subjects = op.create_table(
        "appeal_subjects",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appeal_subjects")),
        schema=schema,
    )
    op.create_index(
        "uq_appeal_subjects_name",
        "appeal_subjects",
        [sa.text("lower(name)")],
        unique=True,
        schema=schema,
    )
    # A workspace made before the list starts with its trade's subjects, as a new one does; a
    # workspace still being made has no settings yet and is seeded by sign-up.
    found = (
        op.get_bind()
        .execute(sa.text(f'SELECT vertical, locale FROM "{schema}".workspace_settings'))
        .first()
    )
    if found:
        names = default_subjects(*found)
        op.bulk_insert(
            subjects,
            [
                {"id": uuid.uuid4(), "name": name, "position": position}
                for position, name in enumerate(names)
            ],
        )


def downgrade() -> None:
    schema = workspace_schema()
    op.drop_index("uq_appeal_subjects_name", table_name="appeal_subjects", schema=schema)
    op.drop_table("appeal_subjects", schema=schema)
