"""Password hashing (argon2id) and the strength rule for new passwords."""

import asyncio
from functools import cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

from atrium.platform.config import get_settings
from atrium.platform.errors import Invalid

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


def check_password(password: str, *, email: str = "", name: str = "") -> None:
    """Raise Invalid (field "password") saying why a new password is too weak."""
    if len(password) < MIN_LENGTH:
        raise Invalid(
            "Password must be at least %(min)d characters long.", field="password", min=MIN_LENGTH
        )
    if len(password) > MAX_LENGTH:
        raise Invalid(
            "Password must be at most %(max)d characters long.", field="password", max=MAX_LENGTH
        )
    verdict = zxcvbn(password[:100], user_inputs=[part for part in (email, name) if part])
    if verdict["score"] < 3:
        hint = verdict["feedback"].get("warning") or "Add more words or characters"
        raise Invalid(
            "Password is too easy to guess: %(hint)s.", field="password", hint=hint.rstrip(". ")
        )
