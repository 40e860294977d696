"""Sign-in throttling: a few failures per e-mail from one address, then a delay that grows with
each failure (429 with Retry-After, even for the right password from there); four times as many
per client address across e-mails; someone else's failures never keep the owner out."""

import asyncio

from tests.helpers import STRONG_PASSWORD
from tests.platform.support import random_email, random_ip

WRONG = "Wrong-Password-0000"


async def _login(browser, email: str, password: str):
    return await browser.post("/api/v1/auth/login", json={"email": email, "password": password})


async def test_sixth_wrong_password_in_15_minutes_is_refused_even_if_right(
    new_browser, make_workspace, settings
):
    owner = await make_workspace()
    email, browser = owner["user"]["email"], new_browser()
    for _ in range(settings.login_attempts):
        assert (await _login(browser, email, WRONG)).status_code == 401
    refused = await _login(browser, email, STRONG_PASSWORD)
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert 0 < int(refused.headers["retry-after"]) <= 15 * 60
    assert "Too many sign-in attempts" in refused.json()["detail"]
    assert "set-cookie" not in refused.headers


async def test_failures_elsewhere_never_keep_the_owner_out(new_browser, make_workspace, settings):
    owner = await make_workspace()
    email = owner["user"]["email"]
    for _ in range(3):  # three attackers, each spending its allowance and more
        attacker = random_ip()
        for _ in range(settings.login_attempts):
            assert (await _login(new_browser(attacker), email, WRONG)).status_code == 401
        assert (await _login(new_browser(attacker), email, WRONG)).status_code == 429
    assert (await _login(new_browser(), email, STRONG_PASSWORD)).status_code == 200


async def test_a_success_clears_the_email_counter(new_browser, make_workspace, settings):
    owner = await make_workspace()
    email, browser = owner["user"]["email"], new_browser()
    for _ in range(2):
        for _ in range(settings.login_attempts - 1):
            assert (await _login(browser, email, WRONG)).status_code == 401
        assert (await _login(browser, email, STRONG_PASSWORD)).status_code == 200


async def test_unknown_emails_are_throttled_like_known_ones(new_browser, settings):
    email, browser = random_email("nobody"), new_browser()
    answers = [await _login(browser, email, WRONG) for _ in range(settings.login_attempts + 1)]
    assert [a.status_code for a in answers] == [401] * settings.login_attempts + [429]


async def test_one_address_gets_four_times_the_allowance_across_emails(new_browser, settings):
    ip = random_ip()
    allowance = settings.login_attempts * 4
    emails = [random_email("spray") for _ in range(allowance)]
    for email in emails:  # one guess per address: no e-mail reaches its own limit
        assert (await _login(new_browser(ip), email, WRONG)).status_code == 401
    refused = await _login(new_browser(ip), random_email("spray"), WRONG)
    assert refused.status_code == 429
    assert "from your address" in refused.json()["detail"]
    assert (await _login(new_browser(), random_email("elsewhere"), WRONG)).status_code == 401


async def test_successful_sign_ins_do_not_use_up_the_address_allowance(
    new_browser, make_workspace, settings
):
    owner = await make_workspace()
    ip = random_ip()
    for _ in range(settings.login_attempts * 4 + 1):
        answer = await _login(new_browser(ip), owner["user"]["email"], STRONG_PASSWORD)
        assert answer.status_code == 200


async def test_guesses_sent_all_at_once_cannot_exceed_the_limit(
    new_browser, make_workspace, settings
):
    owner = await make_workspace()
    email, browser = owner["user"]["email"], new_browser()
    answers = await asyncio.gather(*[_login(browser, email, WRONG) for _ in range(12)])
    codes = sorted(answer.status_code for answer in answers)
    assert codes.count(401) == settings.login_attempts
    assert codes.count(429) == 12 - settings.login_attempts
