"""Fifty bookings of one slot at once, over real HTTP against a real `atrium serve` process:
exactly one visit, and every other answer a 409 (never a 500)."""

import asyncio

import httpx
from sqlalchemy import func, select

from atrium.verticals.salon.models import Visit
from tests.helpers import STRONG_PASSWORD
from tests.verticals.salon.conftest import build_salon


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
