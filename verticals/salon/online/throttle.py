"""Throttling online booking requests: each may be an SMS code the salon pays for, or a visit
in its journal; per phone and per client address, each within its workspace."""

import math
import time

from limits import RateLimitItemPerHour
from limits.aio.storage import RedisStorage
from limits.aio.strategies import FixedWindowRateLimiter
from litestar import Request

from atrium.platform.auth.throttle import client_ip
from atrium.platform.errors import TooManyRequests
from atrium.verticals.salon.online.workspace import PublicWorkspace

CODES_PER_PHONE_PER_HOUR = 5
CODES_PER_IP_PER_HOUR = 20


class CodeThrottle:
    def __init__(self, redis) -> None:
        storage = RedisStorage(
            "async+redis://",
            implementation="redispy",
            key_prefix="atrium:throttle",
            connection_pool=redis.connection_pool,
        )
        self.limiter = FixedWindowRateLimiter(storage)
        self.per_phone = RateLimitItemPerHour(
            CODES_PER_PHONE_PER_HOUR, namespace="salon-code-phone"
        )
        self.per_ip = RateLimitItemPerHour(CODES_PER_IP_PER_HOUR, namespace="salon-code-ip")

    async def _refuse(self, item, *keys: str) -> TooManyRequests:
        stats = await self.limiter.get_window_stats(item, *keys)
        retry_after = max(1, math.ceil(stats.reset_time - time.time()))
        return TooManyRequests(
            "Too many codes asked for. Try again in %(minutes)s min.",
            retry_after=retry_after,
            minutes=max(1, math.ceil(retry_after / 60)),
        )

    async def reserve(self, workspace: str, phone: str, ip: str) -> None:
        if not await self.limiter.hit(self.per_ip, workspace, ip):
            raise await self._refuse(self.per_ip, workspace, ip)
        if not await self.limiter.hit(self.per_phone, workspace, phone):
            raise await self._refuse(self.per_phone, workspace, phone)


def code_throttle(request: Request) -> CodeThrottle:
    state = request.app.state
    if getattr(state, "salon_code_throttle", None) is None:
        state.salon_code_throttle = CodeThrottle(state.redis)
    return state.salon_code_throttle


def code_reserver(request: Request, workspace: PublicWorkspace):
    throttle, ip = code_throttle(request), client_ip(request)

    async def reserve(phone: str) -> None:
        # By the workspace's id: a slug may be taken again by a new workspace.
        await throttle.reserve(str(workspace.tenant.id), phone, ip)

    return reserve
