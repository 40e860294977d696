"""REST API throughput under wrk: GET a contact by id and a list of 25, 50 connections.

Run: atrium bench api [--workspaces 100] [--contacts 200] [--duration 20] [--workers 2]
Serves `atrium serve` (uvicorn, --workers processes) on a scratch database with N workspaces,
each with its own API key and contacts; wrk (Debian package, installed when missing and
root) picks a random workspace and contact for every request. Also times the contact card's
timeline with 1,000 entries. Targets: >= 1,000 req/s by id, >= 500 req/s for the list,
p99 <= 150 ms; the 1,000-entry timeline <= 100 ms.
"""

import argparse
import asyncio
import os
import random
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import sqlalchemy as sa
from alembic import command
from litestar.testing import AsyncTestClient

from atrium.platform.config import load_settings
from atrium.platform.runtime import Runtime, start_runtime
from atrium.tenants.migrations import PLATFORM_HISTORY, alembic_config
from atrium.web.app import create_app
from tests.bench.common import drop_database, load_contacts, scratch_database

os.environ["ATRIUM_SPARE_WORKSPACES"] = "0"
os.environ["ATRIUM_EMBEDDED_WORKER"] = "false"
PASSWORD = "Velvet-Otter-42-Lantern"
FIRST = "Анна Мария Ольга Иван Пётр Сергей Елена Дмитрий".split()
LAST = "Иванов Петров Смирнов Кузнецов Соколов Попов".split()


def _person(rng: random.Random) -> tuple[str, str, str]:
    return rng.choice(FIRST), rng.choice(LAST), "unknown"


def _wrk() -> str:
    if found := shutil.which("wrk"):
        return found
    if os.geteuid() != 0:
        raise SystemExit("wrk is not installed: sudo apt-get install wrk")
    print("installing wrk (apt-get) ...")
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, capture_output=True)
    return shutil.which("wrk") or sys.exit("wrk did not install")


async def _workspaces(app, url: str, count: int, contacts: int) -> list[tuple[str, list[str]]]:
    """Sign up ``count`` workspaces and load contacts; returns (API key, contact ids) each."""
    made = []
    async with AsyncTestClient(app) as client:
        for number in range(count):
            answer = await client.post(
                "/api/v1/signup",
                json={
                    "company": f"Bench API {number}",
                    "email": f"bench-api-{number}-{secrets.token_hex(3)}@example.com",
                    "password": PASSWORD,
                    "vertical": "salon",
                },
            )
            if answer.status_code != 201:
                raise SystemExit(f"signup failed: {answer.text}")
            made.append(answer.json())
    engine = sa.create_engine(url)
    result = []
    with engine.connect() as connection:
        for body in made:
            schema = connection.execute(
                sa.text("SELECT schema_name FROM atrium.tenants WHERE slug = :slug"),
                {"slug": body["tenant"]["slug"]},
            ).scalar_one()
            owner = uuid.UUID(body["user"]["id"])
            load_contacts(url, schema, owner, contacts, _person, len(result))
            ids = connection.execute(sa.text(f"SELECT id FROM {schema}.contacts")).scalars()
            result.append((body["api_key"], [str(i) for i in ids]))
    engine.dispose()
    return result


def _timeline_of_1000(url: str, schema: str, owner: uuid.UUID, contact_id: str) -> None:
    """1,000 entries on one contact: 400 activities, 400 appeals, 200 deals opened."""
    engine = sa.create_engine(url)
    now = datetime.now(UTC)
    with engine.begin() as connection:
        pipeline, stage = connection.execute(
            sa.text(
                f"SELECT p.id, s.id FROM {schema}.pipelines p JOIN {schema}.stages s "
                "ON s.pipeline_id = p.id WHERE s.kind = 'open' ORDER BY p.position, s.position "
                "LIMIT 1"
            )
        ).one()
        for number in range(400):
            at = now - timedelta(hours=number)
            connection.execute(
                sa.text(
                    f"INSERT INTO {schema}.activities (id, kind, title, notes, contact_id,"
                    " owner_id, done_at, created_by, created_at, updated_at)"
                    " VALUES (:id, 'call', :title, '', :contact, :owner, :at, :owner, :at, :at)"
                ),
                {"id": uuid.uuid4(), "title": f"Call {number}", "contact": contact_id,
                 "owner": owner, "at": at},
            )  # fmt: skip
            connection.execute(
                sa.text(
                    f"INSERT INTO {schema}.appeals (id, received_at, employee_id, channel, kind,"
                    " subject, summary, result, manager_decision, respond_by, contact_id,"
                    " owner_id, created_at, updated_at) VALUES (:id, :at, :owner,"
                    " 'phone', 'inquiry', 'Стрижка', 'Вопрос', '', '', :by, :contact, :owner,"
                    " :at, :at)"
                ),
                {"id": uuid.uuid4(), "at": at, "by": at + timedelta(days=2),
                 "contact": contact_id, "owner": owner},
            )  # fmt: skip
        for number in range(200):
            at = now - timedelta(hours=number, minutes=30)
            deal_id = uuid.uuid4()
            connection.execute(
                sa.text(
                    f"INSERT INTO {schema}.deals (id, title, pipeline_id, stage_id, contact_id,"
                    " owner_id, amount, currency, lost_reason, notes, search_name,"
                    " stage_changed_at, created_by, created_at, updated_at) VALUES (:id, :title,"
                    " :pipeline, :stage, :contact, :owner, 1000, 'RUB', '', '', '', :at, :owner,"
                    " :at, :at)"
                ),
                {"id": deal_id, "title": f"Deal {number}", "pipeline": pipeline,
                 "stage": stage, "contact": contact_id, "owner": owner, "at": at},
            )  # fmt: skip
            connection.execute(
                sa.text(
                    f"INSERT INTO {schema}.deal_moves (id, deal_id, from_stage_id, to_stage_id,"
                    " actor_id, at) VALUES (:id, :deal, NULL, :stage, :owner, :at)"
                ),
                {"id": uuid.uuid4(), "deal": deal_id, "stage": stage, "owner": owner, "at": at},
            )
    engine.dispose()


def _lua(workspaces: list[tuple[str, list[str]]], path: str, ids_per_workspace: int = 50) -> str:
    keys = ", ".join(f'"{key}"' for key, _ in workspaces)
    ids = ", ".join(
        "{" + ", ".join(f'"{i}"' for i in contact_ids[:ids_per_workspace]) + "}"
        for _, contact_ids in workspaces
    )
    return f"""
local keys = {{{keys}}}
local ids = {{{ids}}}
math.randomseed(os.time())
request = function()
  local w = math.random(#keys)
  local list = ids[w]
  local path = "{path}"
  path = path:gsub("{{id}}", list[math.random(#list)])
  return wrk.format("GET", path, {{["Authorization"] = "Bearer " .. keys[w]}})
end
"""


def _run_wrk(wrk: str, base: str, script: str, connections: int, duration: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    output = subprocess.run(
        [wrk, "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "-s", handle.name, base],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    Path(handle.name).unlink()
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", output)
    scale = {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rate": rate,
        "p99": float(p99.group(1)) * scale,
        "errors": int(errors.group(1)) if errors else 0,
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve(url: str, redis_url: str, port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": redis_url}
    atrium = Path(sys.executable).with_name("atrium")
    server = subprocess.Popen(
        [str(atrium), "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(200):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("atrium serve did not start")


def _time_timeline(port: int, key: str, contact_id: str, rounds: int = 30) -> None:
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers) as client:
        card, page, walk = [], [], []
        for _ in range(rounds):
            started = time.perf_counter()
            client.get(f"/api/v1/contacts/{contact_id}").raise_for_status()
            first = client.get(f"/api/v1/contacts/{contact_id}/timeline", params={"limit": 50})
            first.raise_for_status()
            page.append(time.perf_counter() - started)
            cursor, entries = first.json()["next_cursor"], len(first.json()["items"])
            while cursor:
                more = client.get(
                    f"/api/v1/contacts/{contact_id}/timeline",
                    params={"limit": 200, "cursor": cursor},
                )
                more.raise_for_status()
                entries += len(more.json()["items"])
                cursor = more.json()["next_cursor"]
            walk.append(time.perf_counter() - started)
            card.append(entries)
    for label, timings in (("card + first 50 entries", page), ("all entries, pages of 200", walk)):
        ordered = sorted(timings)
        p95 = ordered[max(0, round(len(ordered) * 0.95) - 1)] * 1000
        print(
            f"timeline ({card[0]} entries), {label:<26} p50="
            f"{statistics.median(ordered) * 1000:6.1f} ms  p95={p95:6.1f} ms  (target <= 100 ms)"
        )


async def _run(args) -> None:
    settings = load_settings()
    base = start_runtime(settings)
    url, name = scratch_database(base.database_url)
    server = None
    try:
        wrk = _wrk()
        command.upgrade(alembic_config(PLATFORM_HISTORY, url), "head")
        app = create_app(settings, Runtime(url, base.redis_url, base.secret_key, base.embedded))
        started = time.perf_counter()
        workspaces = await _workspaces(app, url, args.workspaces, args.contacts)
        print(
            f"{args.workspaces} workspaces x {args.contacts} contacts ready in "
            f"{time.perf_counter() - started:.0f} s"
        )
        key, ids = workspaces[0]
        with sa.create_engine(url).connect() as connection:
            schema, owner = connection.execute(
                sa.text(
                    "SELECT t.schema_name, k.user_id FROM atrium.api_keys k JOIN atrium.tenants t"
                    " ON t.id = k.tenant_id WHERE k.prefix = :prefix"
                ),
                {"prefix": key.split("_")[1]},
            ).one()
        _timeline_of_1000(url, schema, owner, ids[0])
        port = _free_port()
        server = _serve(url, base.redis_url, port, args.workers)
        base_url = f"http://127.0.0.1:{port}"
        for path, label, target in (
            ("/healthz", "GET /healthz (floor, no database)", 0),
            ("/api/v1/contacts/{id}", "GET /api/v1/contacts/{id}", 1000),
            ("/api/v1/contacts?limit=25", "GET /api/v1/contacts?limit=25", 500),
        ):
            script = _lua(workspaces, path)
            _run_wrk(wrk, base_url, script, args.connections, 3)  # warm up
            result = _run_wrk(wrk, base_url, script, args.connections, args.duration)
            print(
                f"{label:<32} {result['rate']:7.0f} req/s  p99={result['p99']:6.1f} ms  "
                f"errors={result['errors']}  (target >= {target} req/s, p99 <= 150 ms; "
                f"{args.connections} connections, {args.workers} workers)"
            )
        _time_timeline(port, key, ids[0])
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
        drop_database(base.database_url, name)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workspaces", type=int, default=100)
    parser.add_argument("--contacts", type=int, default=200)
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    asyncio.run(_run(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
