"""When Redis or the database is down, callers get a clear 503, never a 500."""

from dataclasses import replace

from litestar.testing import AsyncTestClient

from atrium.platform.runtime import start_runtime
from atrium.web.app import create_app

NOWHERE_REDIS = "redis://127.0.0.1:1/0"


async def test_sign_in_without_redis_is_a_503_problem(migrated, make_workspace):
    owner = await make_workspace()
    runtime = replace(start_runtime(migrated), redis_url=NOWHERE_REDIS)
    async with AsyncTestClient(create_app(migrated, runtime)) as client:
        answer = await client.post(
            "/api/v1/auth/login",
            json={"email": owner["user"]["email"], "password": owner["password"]},
        )
        assert answer.status_code == 503
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.headers["retry-after"] == "30"
        ready = await client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["checks"] == {"redis": "ConnectionError"}
