"""Which records are demo data, so clearing the demo removes exactly them."""

import uuid

from sqlalchemy import (
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from atrium.platform.db import TenantBase


class DemoRecord(TenantBase):
    """A record made as demo data at sign-up, so one click can clear exactly those."""

    __tablename__ = "demo_records"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    record_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
