"""Password hashing (argon2id) and the strength rule for new passwords."""

import asyncio
from functools import cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

from atrium.platform.config import get_settings

MIN_LENGTH = 10
MAX_LENGTH = 256


@cache
def _hasher() -> PasswordHasher:
    settings = get_settings()
    return PasswordHasher(
        time_cost=settings.argon2_time_cost,
        memory_cost=settings.argon2_memory_kib,
        parallelism=1,
        type=Type.ID,
    )


async def hash_password(password: str) -> str:
    # argon2 releases the GIL: hash in a thread so the event loop keeps serving.
    return await asyncio.to_thread(_hasher().hash, password)


async def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        # Spend the same time as a real check so a missing user is not revealed by timing.
        await asyncio.to_thread(_hasher().hash, password)
        return False
    try:
        return await asyncio.to_thread(_hasher().verify, password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why this password is too weak, or None when it will do."""
    if len(password) < MIN_LENGTH:
        return f"Password must be at least {MIN_LENGTH} characters long."
    if len(password) > MAX_LENGTH:
        return f"Password must be at most {MAX_LENGTH} characters long."
    verdict = zxcvbn(password[:100], user_inputs=[part for part in (email, name) if part])
    if verdict["score"] < 3:
        hint = verdict["feedback"].get("warning") or "Add more words or characters."
        return f"Password is too easy to guess: {hint}".rstrip(". ") + "."
    return None
