"""Fifty bookings of one slot at once, over real HTTP against a real `atrium serve` process:
exactly one visit, and every other answer a 409 (never a 500)."""

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from atrium.verticals.salon.models import Visit
from tests.helpers import STRONG_PASSWORD, free_port
from tests.verticals.salon.conftest import build_salon

ATRIUM = str(Path(sys.executable).with_name("atrium"))


@pytest.fixture
def served(migrated, tmp_path):
    """`atrium serve` in its own process on the test database; its base URL. Its output goes
    to a file: a pipe nobody reads fills up and stops the server mid-request."""
    port = free_port()
    output = (tmp_path / "serve.log").open("w+")
    env = {**os.environ, "ATRIUM_EMBEDDED_WORKER": "false", "ATRIUM_LOG_LEVEL": "WARNING"}
    process = subprocess.Popen(
        [ATRIUM, "serve", "--port", str(port)],
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        assert process.poll() is None, (tmp_path / "serve.log").read_text()
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            assert time.monotonic() < deadline, "atrium serve did not come up in 30 s"
            time.sleep(0.2)
    yield base
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    output.close()


async def test_fifty_concurrent_bookings_over_http_make_one_visit_and_forty_nine_409s(served, db):
    async with httpx.AsyncClient(base_url=served, timeout=60) as http:
        signup = await http.post(
            "/api/v1/signup",
            json={
                "company": "Crowded Salon",
                "email": "crowded-owner@example.com",
                "password": STRONG_PASSWORD,
                "vertical": "salon",
                "locale": "en",
            },
        )
        assert signup.status_code == 201, signup.text
        workspace = signup.json()
        workspace["headers"] = {"Authorization": f"Bearer {workspace['api_key']}"}
        salon = await build_salon(db, workspace)
        body = {
            "client_id": str(salon.client_id),
            "master_id": str(salon.anna),
            "start": salon.at(16).isoformat(),
            "service_ids": [str(salon.cut)],
        }

        async def book() -> httpx.Response:
            return await http.post("/api/v1/salon/visits", json=body, headers=salon.headers)

        answers = await asyncio.gather(*(book() for _ in range(50)))

    codes = sorted(answer.status_code for answer in answers)
    assert codes.count(201) == 1, codes
    assert set(codes) == {201, 409}, codes
    refusals = {answer.json()["detail"] for answer in answers if answer.status_code == 409}
    assert refusals == {"Anna is already booked at that time."}, refusals
    async with db.tenant_transaction(salon.schema) as session:
        assert await session.scalar(select(func.count()).select_from(Visit)) == 1
