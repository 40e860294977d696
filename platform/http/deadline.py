"""A time limit on every request: one whose database or Redis went silent (no error, no
answer) ends with a 503 instead of holding its client and a pooled connection for ever.

The limit counts from the last piece of the request's body received (a big upload over a slow
line is not cut) until the answer begins (a long answer already streaming is left be).
"""

import asyncio

from litestar.types import ASGIApp, Message, Receive, Scope, Send


def request_deadline(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        limit = scope["litestar_app"].state.settings.request_timeout_s
        # A TimeoutError leaving here is answered 503 (platform.http.problems).
        loop = asyncio.get_running_loop()
        async with asyncio.timeout(limit) as deadline:

            async def receiving() -> Message:
                message = await receive()
                if deadline.when() is not None:
                    deadline.reschedule(loop.time() + limit)
                return message

            async def answering(message: Message) -> None:
                if message["type"] == "http.response.start":
                    deadline.reschedule(None)
                await send(message)

            await app(scope, receiving, answering)

    return middleware
