"""POST /api/v1/signup: a workspace with its owner, or a clear error and nothing created."""

import pytest
from sqlalchemy import func, select, text

from atrium.platform.auth.models import User
from atrium.platform.tenancy.models import Tenant
from tests.helpers import STRONG_PASSWORD


async def test_signup_creates_a_ready_workspace_with_its_owner(client, db):
    response = await client.post(
        "/api/v1/signup",
        json={
            "company": "Салон красоты «Лиза»",
            "email": "Liza.Owner@Example.com",
            "password": STRONG_PASSWORD,
            "vertical": "salon",
            "locale": "ru",
        },
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["tenant"]["slug"] == "salon-krasoty-liza"
    assert body["user"]["email"] == "liza.owner@example.com"
    assert body["api_key"].startswith("atr_")

    me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['api_key']}"})
    assert me.status_code == 200
    assert me.json()["role"] == "owner"
    assert me.json()["workspace"]["name"] == "Салон красоты «Лиза»"

    workspace = await client.get(
        "/api/v1/workspace", headers={"Authorization": f"Bearer {body['api_key']}"}
    )
    assert workspace.json() == {
        "name": "Салон красоты «Лиза»",
        "locale": "ru",
        "timezone": "Europe/Moscow",
        "currency": "RUB",
        "country": "RU",
        "vertical": "salon",
        "quiet_hours": None,
        "birthday_greetings": {
            "enabled": False,
            "hour": 10,
            "channels": ["telegram", "email", "sms"],
        },
    }


async def test_the_api_key_is_stored_only_as_a_hash(make_workspace, db):
    workspace = await make_workspace()
    secret = workspace["api_key"].split("_", 2)[2]
    async with db.shared_transaction() as session:
        dump = await session.scalar(text("SELECT string_agg(t::text, '') FROM atrium.api_keys t"))
    assert secret not in dump


async def test_same_company_name_gets_a_distinct_slug(make_workspace):
    first = await make_workspace(company="Window Masters")
    second = await make_workspace(company="Window Masters")
    assert first["tenant"]["slug"] == "window-masters"
    assert second["tenant"]["slug"] == "window-masters-2"


@pytest.mark.parametrize(
    ("change", "status", "detail"),
    [
        ({"password": "short"}, 422, "at least 10 characters"),
        ({"password": "password1234"}, 422, "too easy to guess"),
        ({"vertical": "bakery"}, 422, "Unknown vertical 'bakery'"),
        ({"locale": "de"}, 422, "Unknown locale"),
        ({"email": "not-an-email"}, 422, "not an e-mail address"),
        ({"company": "   "}, 422, "Company name is required"),
        ({"company": None}, 400, "Company must be text."),
        ({"surprise": 1}, 400, "surprise"),
    ],
)
async def test_bad_signups_get_a_clear_problem_and_create_nothing(
    client, db, change, status, detail
):
    payload = {
        "company": "Bad Input Ltd",
        "email": "bad-input@example.com",
        "password": STRONG_PASSWORD,
        "vertical": "retail",
        "locale": "en",
        **change,
    }
    async with db.shared_transaction() as session:
        before = await session.scalar(select(func.count()).select_from(Tenant))
    response = await client.post("/api/v1/signup", json=payload)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert detail in response.json()["detail"]
    async with db.shared_transaction() as session:
        assert await session.scalar(select(func.count()).select_from(Tenant)) == before
        assert (
            await session.scalar(select(User).where(User.email == "bad-input@example.com")) is None
        )


async def test_malformed_json_is_a_400_problem(client):
    response = await client.post(
        "/api/v1/signup", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert "JSON" in response.json()["detail"]


async def test_duplicate_email_is_a_409_naming_the_address(client, make_workspace):
    workspace = await make_workspace()
    response = await client.post(
        "/api/v1/signup",
        json={
            "company": "Second Try",
            "email": workspace["user"]["email"].upper(),
            "password": STRONG_PASSWORD,
            "vertical": "general",
            "locale": "en",
        },
    )
    assert response.status_code == 409
    assert workspace["user"]["email"] in response.json()["detail"]


async def test_an_oversized_body_is_a_413_problem(client):
    huge = {"company": "x" * 11_000_000, "email": "a@b.cc", "password": "p", "vertical": "salon"}
    response = await client.post("/api/v1/signup", json=huge)
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert "larger than the 10 MB" in response.json()["detail"]
