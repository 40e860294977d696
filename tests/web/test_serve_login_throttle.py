"""Sign-in throttling over real HTTP against `atrium serve` (clients told apart by the
X-Forwarded-For that uvicorn trusts from loopback, as from the proxy in front): guesses from
one address wait longer after each failure, while the owner signs in from hers at once."""

import asyncio
import secrets

import httpx

from tests.helpers import STRONG_PASSWORD

WRONG = "Wrong-Password-0000"
ATTACKER, OWNER = "203.0.113.66", "198.51.100.7"


async def test_an_attacker_is_slowed_more_each_time_and_the_owner_signs_in_all_along(
    served, settings
):
    async with httpx.AsyncClient(base_url=served, timeout=30) as http:
        email = f"throttled-{secrets.token_hex(4)}@example.com"  # Redis outlives the database
        signup = await http.post(
            "/api/v1/signup",
            json={"company": "Throttled Salon", "email": email, "password": STRONG_PASSWORD,
                  "vertical": "salon", "locale": "en"},
        )  # fmt: skip
        assert signup.status_code == 201, signup.text

        async def login(ip: str, password: str) -> httpx.Response:
            http.cookies.clear()
            return await http.post(
                "/api/v1/auth/login",
                json={"email": email, "password": password},
                headers={"X-Forwarded-For": ip},
            )

        for _ in range(settings.login_attempts):
            assert (await login(ATTACKER, WRONG)).status_code == 401
        first = await login(ATTACKER, STRONG_PASSWORD)  # even the right password waits there
        assert first.status_code == 429, first.text
        assert 1 <= int(first.headers["retry-after"]) <= 2
        assert (await login(OWNER, STRONG_PASSWORD)).status_code == 200

        await asyncio.sleep(int(first.headers["retry-after"]) + 0.1)
        assert (await login(ATTACKER, WRONG)).status_code == 401  # the wait is over: one more
        second = await login(ATTACKER, WRONG)
        assert second.status_code == 429
        assert int(second.headers["retry-after"]) > int(first.headers["retry-after"])
        assert (await login(OWNER, STRONG_PASSWORD)).status_code == 200
