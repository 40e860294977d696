"""One workspace's template cannot stall the server for everyone: over real HTTP against
`atrium serve`, templates built to run for a second or for ever are refused when saved,
within a couple of seconds, naming the field in the reader's language, and /healthz answers
quickly all the while."""

import asyncio
import time

import httpx

from tests.helpers import STRONG_PASSWORD

# The two loops (a second of the event loop before), and three (for ever).
NESTED = "{% for a in range(6000) %}{% for b in range(6000) %}{% endfor %}{% endfor %}"
TRIPLE = (
    "{% for a in range(6000) %}{% for b in range(6000) %}{% for c in range(6000) %}"
    "{% endfor %}{% endfor %}{% endfor %}"
)
# Few steps, each on a large text: only the time limit stops it (seconds of work before).
SLOW = (
    "{% set s = 'x' * 150000 %}{% for i in range(9999) %}"
    "{% if s|wordcount %}{% endif %}{% endfor %}"
)
HEALTHZ_FAST = 0.75  # seconds: what /healthz takes at most while a bad template renders
REFUSED_FAST = 3.0  # seconds: how soon the refusal comes (the time limit is one second)


async def _sign_up(http: httpx.AsyncClient, email: str) -> dict:
    signup = await http.post(
        "/api/v1/signup",
        json={"company": "Loop Shop", "email": email, "password": STRONG_PASSWORD,
              "vertical": "retail", "locale": "ru"},
    )  # fmt: skip
    assert signup.status_code == 201, signup.text
    return {"Authorization": f"Bearer {signup.json()['api_key']}"}


async def _save(http, key: dict, text: str, language: str = "en") -> httpx.Response:
    return await http.put(
        "/api/v1/settings/templates/task_reminder/en",
        json={"subject": "Reminder: {{ title }}", "text": text, "html": "<p>{{ title }}</p>"},
        headers={**key, "Accept-Language": language},
        timeout=30,
    )


async def _while_checking_health(http: httpx.AsyncClient, saving) -> tuple[httpx.Response, list]:
    """The answer to ``saving``, and how long each /healthz took meanwhile."""
    task = asyncio.create_task(saving)
    waits = []
    while not task.done():
        started = time.monotonic()
        health = await http.get("/healthz", timeout=5)
        waits.append(time.monotonic() - started)
        assert health.status_code == 200
        await asyncio.sleep(0.05)
    return task.result(), waits


async def test_a_template_that_would_run_for_ever_is_refused_and_healthz_keeps_answering(served):
    async with httpx.AsyncClient(base_url=served) as http:
        key = await _sign_up(http, "loops@example.com")
        assert (await http.get("/healthz")).status_code == 200  # warm
        for source, language in ((TRIPLE, "ru"), (NESTED, "en"), (SLOW, "en")):
            started = time.monotonic()
            refused, waits = await _while_checking_health(http, _save(http, key, source, language))
            took = time.monotonic() - started
            assert refused.status_code == 422, refused.text
            assert refused.headers["content-type"].startswith("application/problem+json")
            assert refused.json()["field"] == "text"
            assert took < REFUSED_FAST, (source, took)
            assert max(waits) < HEALTHZ_FAST, (source, waits)
            detail = refused.json()["detail"]
            if source is TRIPLE:  # in Russian, the field named by its label
                assert detail.startswith("Шаблон (Текст) повторяет слишком много"), detail
            elif source is NESTED:
                assert detail.startswith("The Text repeats too much"), detail
                assert "10000" in detail
            else:
                assert detail.startswith("The Text takes too long to write"), detail

        # Nothing was saved, and an ordinary wording still is.
        listed = await http.get("/api/v1/settings/templates", headers=key)
        assert not any(t["custom"] for t in listed.json()["items"])
        saved = await _save(
            http, key, "{{ name }}, {% for word in ['call', 'back'] %}{{ word }} {% endfor %}"
        )
        assert saved.status_code == 200, saved.text
