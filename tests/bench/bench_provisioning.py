"""Signup latency through the HTTP API: p50/p95/max over N signups, without and with spares.

Run: atrium bench provisioning [--signups 200]   (or python tests/bench/bench_provisioning.py)
Uses DATABASE_URL's server (embedded PostgreSQL when unset) and a scratch database it drops.
"""

import argparse
import asyncio
import os
import secrets
import statistics
import time

from alembic import command
from litestar.testing import AsyncTestClient

from atrium.platform.config import load_settings
from atrium.platform.runtime import Runtime, start_runtime
from atrium.tenants.migrations import PLATFORM_HISTORY, alembic_config
from atrium.tenants.provisioning import top_up_spare_workspaces
from atrium.web.app import create_app
from tests.bench.common import drop_database, scratch_database

PASSWORD = "Velvet-Otter-42-Lantern"
# The cold run must not be helped by the app's background spare top-up.
os.environ["ATRIUM_SPARE_WORKSPACES"] = "0"
os.environ["ATRIUM_EMBEDDED_WORKER"] = "false"  # measure signup alone


async def _signups(client, count: int, label: str) -> list[float]:
    timings = []
    for number in range(count):
        payload = {
            "company": f"Bench Salon {label} {number}",
            "email": f"bench-{label}-{number}-{secrets.token_hex(3)}@example.com",
            "password": PASSWORD,
            "vertical": "salon",
            "locale": "ru",
        }
        started = time.perf_counter()
        response = await client.post("/api/v1/signup", json=payload)
        timings.append(time.perf_counter() - started)
        if response.status_code != 201:
            raise SystemExit(f"signup failed: {response.status_code} {response.text}")
    return timings


def _report(label: str, timings: list[float]) -> None:
    ordered = sorted(timings)
    p95 = ordered[max(0, round(len(ordered) * 0.95) - 1)]
    print(
        f"{label:<28} n={len(ordered):<4} p50={statistics.median(ordered) * 1000:6.0f} ms  "
        f"p95={p95 * 1000:6.0f} ms  max={ordered[-1] * 1000:6.0f} ms  "
        f"(target p95 <= 500 ms; django-tenants p95 2200 ms)"
    )


async def _run(signups: int) -> None:
    settings = load_settings()
    base = start_runtime(settings)
    url, name = scratch_database(base.database_url)
    try:
        command.upgrade(alembic_config(PLATFORM_HISTORY, url), "head")
        runtime = Runtime(url, base.redis_url, base.secret_key, base.embedded)
        app = create_app(settings, runtime)
        async with AsyncTestClient(app) as client:
            _report("signup, no spare schemas", await _signups(client, signups, "cold"))
            started = time.perf_counter()
            await top_up_spare_workspaces(app.state.db, signups)
            made = time.perf_counter() - started
            each = made / signups * 1000
            print(f"made {signups} spare workspaces in {made:.1f} s ({each:.0f} ms each)")
            _report("signup, claiming a spare", await _signups(client, signups, "spare"))
    finally:
        drop_database(base.database_url, name)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--signups", type=int, default=200)
    args = parser.parse_args(argv)
    asyncio.run(_run(args.signups))


if __name__ == "__main__":
    main()
