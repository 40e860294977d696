"""Free slots in a busy salon: 20 masters, 10,000 visits, any master over 14 days.

Run: atrium bench salon-slots [--visits 10000] [--masters 20] [--runs 200]
Uses DATABASE_URL's server (embedded PostgreSQL when unset) and a scratch database it drops.
One salon in Moscow time: 20 masters doing a haircut (each with their own hours, a lunch break,
some with a weekday off and a week of vacation), 10,000 visits spread over them from ten weeks
back to six weeks ahead (one in ten cancelled). Timed in-process through ``slots.free_slots``
inside a tenant transaction (the call only), and over HTTP at /api/v1/salon/slots (API key,
the whole request): the "any master" query of one service over 14 days and one master's.
Target: p95 <= 20 ms for any master, one service, 14 days, in-process.
"""

import argparse
import asyncio
import os
import random
import secrets
import statistics
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import command
from litestar.testing import AsyncTestClient

from atrium.platform.config import load_settings
from atrium.platform.db import Database
from atrium.platform.runtime import Runtime, start_runtime
from atrium.tenants.migrations import PLATFORM_HISTORY, alembic_config
from atrium.tenants.service import sign_up
from atrium.tenants.signup import checked_signup
from atrium.verticals.salon.journal.slots import free_slots
from atrium.verticals.salon.models import (
    Break,
    Location,
    Master,
    MasterService,
    Service,
    TimeOff,
    Visit,
    WorkingHours,
)
from atrium.web.app import create_app
from tests.bench.common import drop_database, scratch_database

os.environ["ATRIUM_SPARE_WORKSPACES"] = "0"
os.environ["ATRIUM_EMBEDDED_WORKER"] = "false"
os.environ.setdefault("ATRIUM_LOG_LEVEL", "WARNING")
PASSWORD = "Velvet-Otter-42-Lantern"
TARGET_MS = 20.0
ZONE = ZoneInfo("Europe/Moscow")
DAYS = 14


async def _fill(db: Database, schema, masters: int, visits: int, seed: int) -> dict:
    """The salon, its masters' weeks and the visits; returns the ids the timings ask for."""
    rng = random.Random(seed)
    location, cut, colour = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    master_ids = [uuid.uuid4() for _ in range(masters)]
    hours: dict[uuid.UUID, dict[int, tuple[int, int]]] = {}
    today = datetime.now(ZONE).date()
    async with db.tenant_transaction(schema) as session:
        session.add(Location(id=location, name="Бенч", slug="bench", timezone="Europe/Moscow"))
        session.add_all([
            Service(id=cut, name="Стрижка", duration_minutes=60, price=Decimal(2500)),
            Service(id=colour, name="Окрашивание", duration_minutes=90, price=Decimal(6000)),
        ])  # fmt: skip
        await session.flush()
        session.add_all(
            Master(id=m, location_id=location, name=f"Мастер {n:02d}")
            for n, m in enumerate(master_ids)
        )
        await session.flush()
        for master in master_ids:
            start = rng.choice((9, 10, 11))
            off = rng.choice((None, 0, 6, 6))  # a weekday off for most
            hours[master] = {d: (start, start + 9) for d in range(7) if d != off}
            session.add_all([
                MasterService(master_id=master, service_id=cut),
                MasterService(master_id=master, service_id=colour,
                              duration_minutes=rng.choice((None, 120))),
                *(WorkingHours(master_id=master, weekday=d, starts=clock(s), ends=clock(e))
                  for d, (s, e) in hours[master].items()),
                Break(master_id=master, weekday=None, starts=clock(14), ends=clock(15)),
            ])  # fmt: skip
            if rng.random() < 0.3:
                first = today + timedelta(days=rng.randrange(0, 30))
                last = first + timedelta(days=6)
                session.add(
                    TimeOff(master_id=master, starts_on=first, ends_on=last, kind="vacation")
                )
        # Visits: an hour each on the masters' working days, from ten weeks back to six ahead,
        # never two at once for one master (the database would refuse).
        first_day = today - timedelta(weeks=10)
        days = [first_day + timedelta(days=n) for n in range(16 * 7)]
        taken: set[tuple[uuid.UUID, date, int]] = set()
        rows = []
        while len(rows) < visits:
            master, day = rng.choice(master_ids), rng.choice(days)
            if day.weekday() not in hours[master]:
                continue
            opens, closes = hours[master][day.weekday()]
            hour = rng.randrange(opens, closes)
            if hour == 14 or (master, day, hour) in taken:
                continue
            taken.add((master, day, hour))
            starts = datetime.combine(day, clock(hour), ZONE).astimezone(UTC)
            status = "cancelled" if rng.random() < 0.1 else ("done" if day < today else "booked")
            rows.append({
                "id": uuid.uuid4(), "location_id": location, "master_id": master,
                "starts_at": starts, "ends_at": starts + timedelta(hours=1), "status": status,
                "source": "journal", "comment": "", "subtotal": Decimal(2500),
            })  # fmt: skip
        for chunk in range(0, len(rows), 2000):
            await session.execute(sa.insert(Visit), rows[chunk : chunk + 2000])
    async with db.tenant_transaction(schema) as session:
        await session.execute(sa.text("SELECT 1"))  # the pool warmed; ANALYZE below
    return {"location": location, "cut": cut, "colour": colour, "masters": master_ids}


def _figures(label: str, timings: list[float], target: float | None = None) -> bool:
    ordered = sorted(timings)
    p50 = statistics.median(ordered) * 1000
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000
    worst = ordered[-1] * 1000
    met = target is None or p95 <= target
    mark = "" if met else "  !"
    print(f"{label:<44} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  max {worst:6.1f} ms{mark}")
    return met


async def _time_in_process(db: Database, schema, ids: dict, runs: int) -> bool:
    today = datetime.now(ZONE).date()
    queries = {
        "free_slots: any master, 1 service, 14 days": dict(service_ids=[ids["cut"]]),
        "free_slots: any master, 2 services, 14 days": dict(
            service_ids=[ids["cut"], ids["colour"]]
        ),
        "free_slots: one master, 1 service, 14 days": dict(
            service_ids=[ids["cut"]], master_id=ids["masters"][3]
        ),
    }
    met = True
    for label, asked in queries.items():
        timings, found = [], 0
        for run in range(runs + 5):
            async with db.tenant_transaction(schema) as session:
                started = time.perf_counter()
                slots = await free_slots(
                    session, date_from=today, date_to=today + timedelta(days=DAYS - 1), **asked
                )
                took = time.perf_counter() - started
            if run >= 5:  # the first few warm the caches
                timings.append(took)
            found = len(slots)
        met &= _figures(f"{label} ({found} slots)", timings,
                        TARGET_MS if "any master, 1 service" in label else None)  # fmt: skip
    return met


async def _time_http(url: str, base, settings, workspace, ids: dict, runs: int) -> None:
    runtime = Runtime(url, base.redis_url, base.secret_key, base.embedded)
    today = datetime.now(ZONE).date()
    params = {
        "service_id": str(ids["cut"]),
        "date_from": today.isoformat(),
        "date_to": (today + timedelta(days=DAYS - 1)).isoformat(),
    }
    headers = {"Authorization": f"Bearer {workspace.api_key}"}
    async with AsyncTestClient(create_app(settings, runtime)) as client:
        timings = []
        for run in range(runs + 5):
            started = time.perf_counter()
            answer = await client.get("/api/v1/salon/slots", params=params, headers=headers)
            took = time.perf_counter() - started
            if answer.status_code != 200:
                raise SystemExit(f"/api/v1/salon/slots answered {answer.status_code}")
            if run >= 5:
                timings.append(took)
        _figures(f"GET /api/v1/salon/slots: any master ({len(answer.json()['items'])})", timings)


async def _run(masters: int, visits: int, runs: int, keep: bool) -> None:
    settings = load_settings()
    base = start_runtime(settings)
    url, name = scratch_database(base.database_url)
    workspace = None
    try:
        command.upgrade(alembic_config(PLATFORM_HISTORY, url), "head")
        db = Database(url, pool_size=2)
        workspace = await sign_up(
            db,
            checked_signup(
                company="Салон Слоты",
                email=f"bench-slots-{secrets.token_hex(3)}@example.com",
                password=PASSWORD,
                vertical="salon",
                locale="ru",
            ),
        )
        started = time.perf_counter()
        ids = await _fill(db, workspace.schema, masters, visits, seed=8)
        engine = sa.create_engine(sa.make_url(url), isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            for table in ("salon_visits", "salon_working_hours", "salon_breaks", "salon_time_off",
                          "salon_masters", "salon_master_services"):  # fmt: skip
                connection.exec_driver_sql(f"VACUUM (ANALYZE) {workspace.schema.name}.{table}")
        engine.dispose()
        print(
            f"loaded {masters} masters and {visits:,} visits in "
            f"{time.perf_counter() - started:.1f} s; {runs} runs each"
        )
        met = await _time_in_process(db, workspace.schema, ids, runs)
        await db.dispose()
        await _time_http(url, base, settings, workspace, ids, runs)
        print(f"any master, 14 days: p95 <= {TARGET_MS:.0f} ms: {'yes' if met else 'NO'}")
    finally:
        if keep and workspace is not None:
            print(f"kept the database {name} (schema {workspace.schema.name}); drop it by hand")
        else:
            drop_database(base.database_url, name)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--masters", type=int, default=20)
    parser.add_argument("--visits", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep the database to look into")
    args = parser.parse_args(argv)
    asyncio.run(_run(args.masters, args.visits, args.runs, args.keep))


if __name__ == "__main__":
    main()
