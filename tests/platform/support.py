"""Small helpers for the sign-in, invitation and member tests."""

import re
import secrets

BASE_URL = "http://127.0.0.1:8000"


def random_email(label: str = "user") -> str:
    # Redis outlives test runs: throttle counters must never meet an address twice.
    return f"{label}-{secrets.token_hex(6)}@example.com"


def random_ip() -> str:
    return f"10.{secrets.randbelow(256)}.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"


def token_in(text: str) -> str:
    match = re.search(r"[?&]token=([A-Za-z0-9_-]+)", text)
    assert match, f"no token link in the mail:\n{text}"
    return match.group(1)
