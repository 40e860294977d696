"""API calls per minute per workspace, as its plan allows (``Entitlements.api_per_minute``).

Counted in Redis in fixed one-minute windows per workspace, with the `limits` library, so every
process of the app shares one count. Every call under /api/v1 counts, with an API key or a
signed-in session; web pages (/w/...) and the public booking API do not.
"""

import math
import time

from limits import RateLimitItemPerMinute
from limits.aio.storage import RedisStorage
from limits.aio.strategies import FixedWindowRateLimiter
from litestar.connection import ASGIConnection

from atrium.platform.auth.principal import Principal
from atrium.platform.errors import TooManyRequests
from atrium.platform.language import plan_name
from atrium.platform.tenancy.entitlements import API_CALLS

KEY_PREFIX = "atrium:api-rate"


def _limiter(connection: ASGIConnection) -> FixedWindowRateLimiter:
    state = connection.app.state
    if getattr(state, "api_rate_limiter", None) is None:
        storage = RedisStorage(
            "async+redis://",
            implementation="redispy",
            key_prefix=KEY_PREFIX,
            connection_pool=state.redis.connection_pool,
        )
        state.api_rate_limiter = FixedWindowRateLimiter(storage)
    return state.api_rate_limiter


async def count_api_call(connection: ASGIConnection, principal: Principal) -> None:
    """Count one call of the principal's workspace; TooManyRequests past the plan's rate."""
    entitlements = principal.workspace.entitlements
    if entitlements is None:
        return
    limiter = _limiter(connection)
    item = RateLimitItemPerMinute(entitlements.api_per_minute, namespace="workspace")
    workspace = str(principal.workspace.id)
    if await limiter.hit(item, workspace):
        return
    stats = await limiter.get_window_stats(item, workspace)
    upgrade = entitlements.lifted_by.get(API_CALLS)
    message = (
        "Your plan (%(plan)s) allows %(limit)s API calls a minute. "
        "The %(upgrade)s plan lifts this limit."
        if upgrade
        else "Your plan (%(plan)s) allows %(limit)s API calls a minute."
    )
    error = TooManyRequests(
        message,
        retry_after=max(1, math.ceil(stats.reset_time - time.time())),
        plan=plan_name(entitlements.plan),
        limit=entitlements.api_per_minute,
        upgrade=plan_name(upgrade) if upgrade else None,
    )
    error.upgrade = upgrade
    raise error
