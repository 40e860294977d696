"""A salon ready to book: one location in Moscow time, services, two masters with hours, a break,
and a client; made in a fresh workspace per test that asks for it."""

import threading
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from atrium.platform.crm.contacts.models import Contact, ContactPhone
from atrium.platform.db import WorkspaceSchema
from atrium.platform.tenancy.models import Tenant
from atrium.verticals.salon.models import (
    Break,
    Location,
    Master,
    MasterService,
    Service,
    WorkingHours,
)

MOSCOW = ZoneInfo("Europe/Moscow")


class _TakesEverything(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - http.server's name
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"id": "m-1"}')

    def log_message(self, *args):
        pass


@cache
def sms_sink() -> str:
    """An SMS gateway that takes every message, for the whole session: a gateway that is gone
    would leave its sends retrying in the shared worker, and later tests waiting for it."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _TakesEverything)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/send"


@dataclass
class Salon:
    workspace: dict  # the sign-up answer: slug, headers (API key), ...
    schema: WorkspaceSchema
    location_id: uuid.UUID
    cut: uuid.UUID  # women's haircut, 60 min, 2,500
    colour: uuid.UUID  # colouring, 90 min, 6,000
    manicure: uuid.UUID  # 60 min, 2,000; only Boris does it
    anna: uuid.UUID  # 10:00-20:00 every day, lunch 14:00-15:00; cut, colour (colour 120 min)
    boris: uuid.UUID  # 09:00-18:00 Monday to Friday; cut, manicure
    client_id: uuid.UUID
    day: date  # a Monday at least a week ahead

    @property
    def headers(self) -> dict:
        return self.workspace["headers"]

    @property
    def slug(self) -> str:
        return self.workspace["tenant"]["slug"]

    def at(self, hour: int, minute: int = 0, *, days: int = 0) -> datetime:
        """Salon time on ``day`` (plus ``days``)."""
        return datetime.combine(self.day + timedelta(days=days), time(hour, minute), MOSCOW)


async def schema_of(db, slug: str) -> WorkspaceSchema:
    async with db.shared_transaction() as session:
        tenant = await session.scalar(select(Tenant).where(Tenant.slug == slug))
        return tenant.schema


def next_monday(weeks_ahead: int = 1) -> date:
    today = date.today()
    return today + timedelta(days=(7 - today.weekday()) % 7 + 7 * weeks_ahead)


async def build_salon(db, workspace: dict) -> Salon:
    schema = await schema_of(db, workspace["tenant"]["slug"])
    ids = {name: uuid.uuid4() for name in ("loc", "cut", "colour", "manicure", "anna", "boris")}
    client_id = uuid.uuid4()
    async with db.tenant_transaction(schema) as session:
        session.add(
            Location(id=ids["loc"], name="Liza on Arbat", slug="arbat", timezone="Europe/Moscow")
        )
        session.add_all(
            [
                Service(id=ids["cut"], name="Haircut", duration_minutes=60, price=Decimal(2500)),
                Service(
                    id=ids["colour"],
                    name="Colouring",
                    duration_minutes=90,
                    price=Decimal(6000),
                    repeat_after_days=42,
                ),
                Service(
                    id=ids["manicure"], name="Manicure", duration_minutes=60, price=Decimal(2000)
                ),
            ]
        )
        await session.flush()
        session.add_all(
            [
                Master(id=ids["anna"], location_id=ids["loc"], name="Anna"),
                Master(id=ids["boris"], location_id=ids["loc"], name="Boris"),
            ]
        )
        await session.flush()
        session.add_all(
            [
                MasterService(master_id=ids["anna"], service_id=ids["cut"]),
                MasterService(
                    master_id=ids["anna"],
                    service_id=ids["colour"],
                    duration_minutes=120,
                    price=Decimal(7000),
                ),
                MasterService(master_id=ids["boris"], service_id=ids["cut"]),
                MasterService(master_id=ids["boris"], service_id=ids["manicure"]),
                *(
                    WorkingHours(master_id=ids["anna"], weekday=day, starts=time(10), ends=time(20))
                    for day in range(7)
                ),
                Break(master_id=ids["anna"], weekday=None, starts=time(14), ends=time(15)),
                *(
                    WorkingHours(master_id=ids["boris"], weekday=day, starts=time(9), ends=time(18))
                    for day in range(5)
                ),
                Contact(id=client_id, display_name="Maria Ivanova", first_name="Maria"),
            ]
        )
        await session.flush()
        session.add(ContactPhone(contact_id=client_id, number="+79161234567", position=0))
    return Salon(
        workspace=workspace,
        schema=schema,
        location_id=ids["loc"],
        cut=ids["cut"],
        colour=ids["colour"],
        manicure=ids["manicure"],
        anna=ids["anna"],
        boris=ids["boris"],
        client_id=client_id,
        day=next_monday(),
    )


@pytest.fixture
async def salon(db, make_workspace) -> Salon:
    return await build_salon(db, await make_workspace("Salon Liza", "salon"))
