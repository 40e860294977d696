"""The plan's API rate counts every call under /api/v1, over real HTTP against `atrium serve`:
with an API key, and with a signed-in session naming its workspace in X-Workspace."""

import httpx

from tests.helpers import STRONG_PASSWORD

FREE_PLAN_CALLS = 60  # a minute


async def test_a_signed_in_session_is_held_to_the_plans_api_rate_as_a_key_is(served):
    async with httpx.AsyncClient(base_url=served, timeout=30) as http:
        signup = await http.post(
            "/api/v1/signup",
            json={"company": "Chatty Session Shop", "email": "chatty-session@example.com",
                  "password": STRONG_PASSWORD, "vertical": "retail", "locale": "ru"},
        )  # fmt: skip
        assert signup.status_code == 201, signup.text
        slug = signup.json()["tenant"]["slug"]
        key = {"Authorization": f"Bearer {signup.json()['api_key']}"}
        free = await http.put("/api/v1/billing/subscription", json={"plan": "free"}, headers=key)
        assert free.status_code == 200, free.text
        login = await http.post(
            "/api/v1/auth/login",
            json={"email": "chatty-session@example.com", "password": STRONG_PASSWORD},
        )
        assert login.status_code == 200, login.text
        session = {"X-Workspace": slug, "X-CSRF-Token": login.json()["csrf_token"]}

        answers = [(await http.get("/api/v1/contacts", headers=session)).status_code
                   for _ in range(FREE_PLAN_CALLS - 1)]  # fmt: skip
        assert set(answers) == {200}
        # The key and the session share the workspace's count: the 60th passes, the 61st not.
        assert (await http.get("/api/v1/me", headers=key)).status_code == 200
        refused = await http.get("/api/v1/contacts", headers=session)
        assert refused.status_code == 429, refused.text
        assert int(refused.headers["retry-after"]) >= 1
        assert "60" in refused.json()["detail"]
        # Pages are not API calls: the workspace's pages still open.
        page = await http.get(f"/w/{slug}/contacts")
        assert page.status_code == 200
