"""Stripe webhooks under load: `atrium serve` (its embedded job worker applying the events)
on a scratch database, localstripe as Stripe, and signed events sent at a fixed rate (50 a
second by default, one in ten a replay of an earlier one), each timed from send to answer.

Prints p50/p99/max of the answers, errors, and how many events were stored and applied.
Target: p99 <= 1 s at 50 requests a second.
"""

import argparse
import asyncio
import hashlib
import hmac
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
import sqlalchemy as sa
from alembic import command

from atrium.platform.config import load_settings
from atrium.platform.runtime import start_runtime
from atrium.tenants.migrations import PLATFORM_HISTORY, alembic_config
from tests.bench.common import drop_database, scratch_database
from tests.helpers import free_port

SECRET = f"whsec_{secrets.token_hex(16)}"


def _start(args: list[str], env: dict, probe: str) -> subprocess.Popen:
    process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            if httpx.get(probe, timeout=1).status_code < 500:
                return process
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"{args[0]} did not start")


def _event(number: int) -> dict:
    return {
        "id": f"evt_bench_{number}",
        "object": "event",
        "type": "invoice.payment_failed",
        "created": int(time.time()),
        "data": {
            "object": {
                "object": "invoice",
                "id": f"in_bench_{number}",
                "customer": f"cus_bench_{number % 50}",
                "subscription": f"sub_bench_{number % 50}",
            }
        },
    }


def _signed(event: dict) -> tuple[bytes, dict]:
    body = json.dumps(event).encode()
    stamp = int(time.time())
    signature = hmac.new(SECRET.encode(), f"{stamp}.".encode() + body, hashlib.sha256)
    return body, {
        "Stripe-Signature": f"t={stamp},v1={signature.hexdigest()}",
        "Content-Type": "application/json",
    }


async def _load(base: str, rate: int, seconds: int, first: int = 0) -> tuple[list[float], int, int]:
    """Open-loop: request i leaves at i/rate seconds whatever the answers before it do."""
    latencies: list[float] = []
    errors = 0
    sent_ids: list[int] = []
    rng = random.Random(7)
    total = rate * seconds
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:

        async def one(number: int) -> None:
            nonlocal errors
            body, headers = _signed(_event(number))
            started = time.perf_counter()
            try:
                answer = await client.post("/webhooks/stripe", content=body, headers=headers)
                if answer.status_code != 200:
                    errors += 1
            except httpx.HTTPError:
                errors += 1
            latencies.append(time.perf_counter() - started)

        start = time.perf_counter()
        tasks = []
        for i in range(total):
            replay = sent_ids and rng.random() < 0.1
            number = rng.choice(sent_ids) if replay else first + i
            if not replay:
                sent_ids.append(number)
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(number)))
        await asyncio.gather(*tasks)
    return latencies, errors, len(sent_ids)


def _counts(url: str) -> tuple[int, int]:
    with sa.create_engine(url).connect() as connection:
        return connection.execute(
            sa.text("SELECT count(*), count(processed_at) FROM atrium.stripe_events")
        ).one()


async def _run(args) -> None:
    settings = load_settings()
    base = start_runtime(settings)
    url, name = scratch_database(base.database_url)
    processes: list[subprocess.Popen] = []
    try:
        command.upgrade(alembic_config(PLATFORM_HISTORY, url), "head")
        stripe_port, port = free_port(), free_port()
        localstripe = Path(sys.executable).with_name("localstripe")
        stripe_base = f"http://127.0.0.1:{stripe_port}"
        processes.append(
            _start(
                [str(localstripe), "--port", str(stripe_port)],
                dict(os.environ),
                f"{stripe_base}/v1/customers",
            )  # fmt: skip
        )
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "REDIS_URL": base.redis_url,
            "STRIPE_API_KEY": "sk_test_bench",
            "STRIPE_WEBHOOK_SECRET": SECRET,
            "STRIPE_API_BASE": stripe_base,
            "ATRIUM_JOBS_NAMESPACE": f"atrium-bench-{secrets.token_hex(3)}",
            "ATRIUM_SPARE_WORKSPACES": "0",
        }
        atrium = Path(sys.executable).with_name("atrium")
        server_base = f"http://127.0.0.1:{port}"
        processes.append(
            _start([str(atrium), "serve", "--port", str(port)], env, f"{server_base}/healthz")
        )
        await _load(server_base, args.rate, 3, first=10**6)  # warm up
        latencies, errors, unique = await _load(server_base, args.rate, args.seconds)
        print(f"{unique} distinct events, {len(latencies) - unique} replays")
        ordered = sorted(latencies)
        p99 = ordered[max(0, round(len(ordered) * 0.99) - 1)] * 1000
        print(
            f"POST /webhooks/stripe at {args.rate}/s for {args.seconds} s: {len(ordered)} requests"
            f"  p50={statistics.median(ordered) * 1000:6.1f} ms  p99={p99:6.1f} ms  "
            f"max={ordered[-1] * 1000:6.1f} ms  errors={errors}  (target p99 <= 1000 ms)"
        )
        deadline = time.monotonic() + 120
        stored, applied = _counts(url)
        while applied < stored and time.monotonic() < deadline:
            await asyncio.sleep(1)
            stored, applied = _counts(url)
        print(
            f"events: {stored} stored (warm-up included; replays stored once), "
            f"{applied} applied by the worker"
        )
        if p99 > 1000 or errors:
            raise SystemExit(1)
    finally:
        for process in reversed(processes):
            process.terminate()
            process.wait(10)
        drop_database(base.database_url, name)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=int, default=50, help="requests a second")
    parser.add_argument("--seconds", type=int, default=30)
    asyncio.run(_run(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
