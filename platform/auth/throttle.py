"""Throttling password guesses and reset e-mails in Redis.

Sign-in guesses are slowed where they come from, so an attacker never locks the owner out:
- per e-mail *and* address: ``attempts`` failures pass, then each further try waits a delay
  that doubles (2 s, 4 s, ... up to 15 min) after the last failure. The owner, signing in from
  elsewhere, is not held up by someone else's failures.
- per e-mail, from addresses it never signed in from: a guess spread over many addresses
  (``DISTRIBUTED_FAILURES`` an hour) slows every unknown address the same way, while the
  addresses the account signed in from before pass as usual.
- per address over every e-mail: four times ``attempts`` failures in 15 minutes (one office
  signs in many people), as a fixed window.
An attempt is counted *before* the password is checked (one atomic script), so a burst of
parallel guesses cannot slip past; a success takes its count back. Keys carry a hash of the
e-mail, never the address itself.
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
FIRST_DELAY_S = 2
LONGEST_DELAY_S = 15 * 60
FAILURES_KEPT_S = 60 * 60  # a run of failures is forgotten an hour after the last one
DISTRIBUTED_FAILURES = 50  # an hour, for one e-mail, from addresses it never signed in from
KNOWN_ADDRESS_DAYS = 90

# KEYS[1]: the failures' hash (n, last). ARGV: now (ms), failures let through, first delay (ms),
# longest delay (ms), seconds kept. Counts this attempt and returns 0, or returns the ms to wait.
_RESERVE = """
local n = tonumber(redis.call('HGET', KEYS[1], 'n') or '0')
local last = tonumber(redis.call('HGET', KEYS[1], 'last') or '0')
local now = tonumber(ARGV[1])
if n >= tonumber(ARGV[2]) then
  local delay = math.min(tonumber(ARGV[3]) * 2 ^ (n - tonumber(ARGV[2])), tonumber(ARGV[4]))
  if now < last + delay then return math.ceil(last + delay - now) end
end
redis.call('HSET', KEYS[1], 'n', n + 1, 'last', now)
redis.call('EXPIRE', KEYS[1], ARGV[5])
return 0
"""


def _email_key(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


def _address_key(email: str, ip: str) -> str:
    return hashlib.sha256(f"{email.strip().lower()}|{ip}".encode()).hexdigest()[:32]


def _too_many(message: str, wait_s: float) -> TooManyRequests:
    retry_after = max(1, math.ceil(wait_s))
    return TooManyRequests(
        message, retry_after=retry_after, minutes=max(1, math.ceil(retry_after / 60))
    )


class LoginThrottle:
    """The limits of one application, on its Redis connection pool."""

    def __init__(self, redis: Redis, attempts: int) -> None:
        self.redis = redis
        self.attempts = attempts
        self._reserve = redis.register_script(_RESERVE)
        # Share the app's pool: the same server, socket or TLS set-up, no second configuration.
        storage = RedisStorage(
            "async+redis://",
            implementation="redispy",
            key_prefix=KEY_PREFIX,
            connection_pool=redis.connection_pool,
        )
        self.limiter = FixedWindowRateLimiter(storage)
        self.per_ip = RateLimitItemPerMinute(
            attempts * IP_ALLOWANCE_FACTOR, 15, namespace="login-ip"
        )
        self.resets = RateLimitItemPerHour(RESET_MAILS_PER_HOUR, namespace="reset-email")

    async def _wait(self, item, identifier: str) -> float:
        stats = await self.limiter.get_window_stats(item, identifier)
        return stats.reset_time - time.time()

    async def _delayed(self, key: str, let_through: int) -> float:
        """Count an attempt on ``key``; the seconds to wait instead when it must wait."""
        wait_ms = await self._reserve(
            keys=[f"{KEY_PREFIX}:{key}"],
            args=[int(time.time() * 1000), let_through, FIRST_DELAY_S * 1000,
                  LONGEST_DELAY_S * 1000, FAILURES_KEPT_S],
        )  # fmt: skip
        return int(wait_ms) / 1000

    def _known_key(self, email: str) -> str:
        return f"{KEY_PREFIX}:known:{_email_key(email)}"

    async def reserve_attempt(self, email: str, ip: str) -> bool:
        """Count a sign-in attempt, or raise TooManyRequests when it must wait; True when it
        was counted as one from an address the e-mail never signed in from."""
        pair = f"pair:{_address_key(email, ip)}"
        if wait := await self._delayed(pair, self.attempts):
            raise _too_many("Too many sign-in attempts. Try again in %(minutes)s min.", wait)
        known = await self.redis.sismember(self._known_key(email), _address_key(email, ip))
        if not known and (
            wait := await self._delayed(f"unknown:{_email_key(email)}", DISTRIBUTED_FAILURES)
        ):
            await self._forget(pair)
            raise _too_many("Too many sign-in attempts. Try again in %(minutes)s min.", wait)
        if not await self.limiter.hit(self.per_ip, ip):
            await self._forget(pair)
            if not known:
                await self._forget(f"unknown:{_email_key(email)}")
            raise _too_many(
                "Too many sign-in attempts from your address. Try again in %(minutes)s min.",
                await self._wait(self.per_ip, ip),
            )
        return not known

    async def _forget(self, key: str) -> None:
        """Take back an attempt counted on ``key`` that another limit refused."""
        await self.redis.hincrby(f"{KEY_PREFIX}:{key}", "n", -1)

    async def attempt_succeeded(self, email: str, ip: str, *, from_unknown: bool) -> None:
        address = _address_key(email, ip)
        await self.redis.delete(f"{KEY_PREFIX}:pair:{address}")
        if from_unknown:
            await self._forget(f"unknown:{_email_key(email)}")
        known = self._known_key(email)
        await self.redis.sadd(known, address)
        await self.redis.expire(known, KNOWN_ADDRESS_DAYS * 86400)
        # Give back this attempt's count: only failures use up the address's allowance.
        await self.limiter.hit(self.per_ip, ip, cost=-1)

    async def reserve_reset_mail(self, email: str) -> None:
        if not await self.limiter.hit(self.resets, _email_key(email)):
            raise _too_many(
                "Too many reset requests. Try again in %(minutes)s min.",
                await self._wait(self.resets, _email_key(email)),
            )


@dataclass(frozen=True)
class PasswordAttempts:
    """Password checks made by one client, counted against its e-mail and address."""

    throttle: LoginThrottle | None
    ip: str

    async def check(self, email: str, password_hash: str | None, password: str) -> bool:
        """Whether ``password`` matches; throttled. A missing hash costs the same time."""
        if self.throttle is None:
            return await verify_password(password_hash, password)
        from_unknown = await self.throttle.reserve_attempt(email, self.ip)
        ok = await verify_password(password_hash, password)
        if ok:
            await self.throttle.attempt_succeeded(email, self.ip, from_unknown=from_unknown)
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
