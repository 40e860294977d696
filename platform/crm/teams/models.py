"""Teams of members; a record shared with a team is seen by its members."""

import uuid

from sqlalchemy import (
    ForeignKey,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from atrium.platform.db import TenantBase
from atrium.platform.db.types import CreatedAt, UUIDPk


class Team(TenantBase):
    """A group of members: records shared with it are seen by all of them, and its managers
    see everything its members own."""

    __tablename__ = "teams"

    id: Mapped[UUIDPk]
    name: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[CreatedAt]


class TeamMember(TenantBase):
    __tablename__ = "team_members"

    team_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(primary_key=True, index=True)
