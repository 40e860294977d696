"""Column helpers shared by every model."""

import uuid
from datetime import UTC, datetime
from typing import Annotated

from sqlalchemy import DateTime, func
from sqlalchemy.orm import mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


UUIDPk = Annotated[uuid.UUID, mapped_column(primary_key=True, default=uuid.uuid4)]
CreatedAt = Annotated[
    datetime, mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())
]
Timestamp = Annotated[datetime, mapped_column(DateTime(timezone=True))]
OptionalTimestamp = Annotated[datetime | None, mapped_column(DateTime(timezone=True))]
