"""Throttling password guesses and reset e-mails in Redis, with the `limits` library.

An attempt is counted *before* the password is checked (one atomic INCR), so a burst of
parallel guesses cannot slip past the limit; a success then takes its count back, so only
failures use up the allowance. Fixed 15-minute windows; keys carry a hash of the e-mail,
never the address itself.
"""

import hashlib
import math
import time
from dataclasses import dataclass

from limits import RateLimitItemPerHour, RateLimitItemPerMinute
from limits.aio.storage import RedisStorage
from limits.aio.strategies import FixedWindowRateLimiter
from litestar.connection import ASGIConnection
from redis.asyncio import Redis

from atrium.platform.auth.passwords import verify_password
from atrium.platform.errors import TooManyRequests

IP_ALLOWANCE_FACTOR = 4  # many people may sign in from one office address
RESET_MAILS_PER_HOUR = 5
KEY_PREFIX = "atrium:throttle"


def _email_key(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


class LoginThrottle:
    """The limits of one application, on its Redis connection pool."""

    def __init__(self, redis: Redis, attempts: int) -> None:
        # Share the app's pool: the same server, socket or TLS set-up, no second configuration.
        storage = RedisStorage(
            "async+redis://",
            implementation="redispy",
            key_prefix=KEY_PREFIX,
            connection_pool=redis.connection_pool,
        )
        self.limiter = FixedWindowRateLimiter(storage)
        self.per_email = RateLimitItemPerMinute(attempts, 15, namespace="login-email")
        self.per_ip = RateLimitItemPerMinute(
            attempts * IP_ALLOWANCE_FACTOR, 15, namespace="login-ip"
        )
        self.resets = RateLimitItemPerHour(RESET_MAILS_PER_HOUR, namespace="reset-email")

    async def _wait(self, item, identifier: str) -> dict[str, int]:
        """TooManyRequests' arguments: seconds until the window resets, and whole minutes."""
        stats = await self.limiter.get_window_stats(item, identifier)
        retry_after = max(1, math.ceil(stats.reset_time - time.time()))
        return {"retry_after": retry_after, "minutes": max(1, math.ceil(retry_after / 60))}

    async def reserve_attempt(self, email: str, ip: str) -> None:
        """Count a sign-in attempt, or raise TooManyRequests when the allowance is spent."""
        email_ok = await self.limiter.hit(self.per_email, _email_key(email))
        ip_ok = await self.limiter.hit(self.per_ip, ip)
        if not email_ok:
            raise TooManyRequests(
                "Too many sign-in attempts. Try again in %(minutes)s min.",
                **await self._wait(self.per_email, _email_key(email)),
            )
        if not ip_ok:
            raise TooManyRequests(
                "Too many sign-in attempts from your address. Try again in %(minutes)s min.",
                **await self._wait(self.per_ip, ip),
            )

    async def attempt_succeeded(self, email: str, ip: str) -> None:
        await self.limiter.clear(self.per_email, _email_key(email))
        # Give back this attempt's count: only failures use up the address's allowance.
        await self.limiter.hit(self.per_ip, ip, cost=-1)

    async def reserve_reset_mail(self, email: str) -> None:
        if not await self.limiter.hit(self.resets, _email_key(email)):
            raise TooManyRequests(
                "Too many reset requests. Try again in %(minutes)s min.",
                **await self._wait(self.resets, _email_key(email)),
            )


@dataclass(frozen=True)
class PasswordAttempts:
    """Password checks made by one client, counted against its e-mail and address."""

    throttle: LoginThrottle | None
    ip: str

    async def check(self, email: str, password_hash: str | None, password: str) -> bool:
        """Whether ``password`` matches; throttled. A missing hash costs the same time."""
        if self.throttle is not None:
            await self.throttle.reserve_attempt(email, self.ip)
        ok = await verify_password(password_hash, password)
        if ok and self.throttle is not None:
            await self.throttle.attempt_succeeded(email, self.ip)
        return ok

    async def reserve_reset_mail(self, email: str) -> None:
        if self.throttle is not None:
            await self.throttle.reserve_reset_mail(email)


def client_ip(connection: ASGIConnection) -> str:
    # The proxy in front sets the client address (uvicorn --proxy-headers); never trust
    # X-Forwarded-For from the request here.
    return connection.client.host if connection.client else "unknown"


def password_attempts(connection: ASGIConnection) -> PasswordAttempts:
    """The throttled password checker for this request's client."""
    state = connection.app.state
    throttle = getattr(state, "login_throttle", None)
    if throttle is None:
        throttle = LoginThrottle(state.redis, state.settings.login_attempts)
        state.login_throttle = throttle
    return PasswordAttempts(throttle=throttle, ip=client_ip(connection))
