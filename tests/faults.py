"""A small TCP fault proxy for tests: put it between the app and a server (PostgreSQL, Redis,
SMTP, an HTTP gateway) and switch what the network does while the app runs.

    proxy = FaultProxy("127.0.0.1", 5432).start()   # listens on 127.0.0.1:proxy.port
    proxy.delay(0.5)      # each chunk (and each new connection) waits half a second
    proxy.reset()         # open connections are reset (RST) now; new ones are reset at once
    proxy.blackhole()     # connections are accepted, nothing gets through either way
    proxy.pass_()         # traffic flows again; connections that lost data are reset

The proxy runs its own event loop in a thread, so sync and async tests and other processes
can use it alike. (tc netem and Toxiproxy are not available on our machines.)
"""

import asyncio
import socket
import struct
import threading
from dataclasses import dataclass, field

CHUNK = 64 * 1024


@dataclass(eq=False)
class _Link:
    """One client connection and its connection to the target."""

    client: asyncio.StreamWriter
    target: asyncio.StreamWriter | None = None
    lost_data: bool = False  # a chunk was dropped: the stream is broken for good
    pumps: list[asyncio.Task] = field(default_factory=list)

    def reset(self) -> None:
        for writer in (self.client, self.target):
            if writer is not None and not writer.is_closing():
                sock = writer.get_extra_info("socket")
                if sock is not None:  # linger 0: close() sends RST, not FIN
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                writer.transport.abort()
        for pump in self.pumps:
            pump.cancel()


class FaultProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.mode = "pass"
        self.delay_s = 0.0
        self.port = 0
        self._links: set[_Link] = set()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None

    # -- control (from any thread) -----------------------------------------------------------

    def start(self) -> "FaultProxy":
        self._thread.start()
        self._server = self._call(asyncio.start_server(self._accept, "127.0.0.1", 0))
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        self._call(self._stop())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)

    def pass_(self) -> None:
        self._switch("pass")

    def delay(self, seconds: float) -> None:
        self.delay_s = seconds
        self._switch("delay")

    def reset(self) -> None:
        self._switch("reset")

    def blackhole(self) -> None:
        self._switch("blackhole")

    def address(self, scheme: str, rest: str = "") -> str:
        """The proxy as a URL, e.g. address("redis", "/0")."""
        return f"{scheme}://127.0.0.1:{self.port}{rest}"

    def _switch(self, mode: str) -> None:
        self.mode = mode
        self._call(self._apply())

    def _call(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=10)

    async def _apply(self) -> None:
        for link in list(self._links):
            if self.mode == "reset" or (self.mode != "blackhole" and link.lost_data):
                self._drop(link)

    async def _stop(self) -> None:
        self._server.close()
        for link in list(self._links):
            self._drop(link)

    def _drop(self, link: _Link) -> None:
        link.reset()
        self._links.discard(link)

    # -- the proxy itself (in its loop) ------------------------------------------------------

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        link = _Link(client=writer)
        self._links.add(link)
        if self.mode == "reset":
            return self._drop(link)
        if self.mode == "delay":
            await asyncio.sleep(self.delay_s)
        try:
            target_reader, link.target = await asyncio.open_connection(*self.target)
        except OSError:
            return self._drop(link)
        link.pumps = [
            asyncio.create_task(self._pump(reader, link.target, link)),
            asyncio.create_task(self._pump(target_reader, writer, link)),
        ]
        await asyncio.gather(*link.pumps, return_exceptions=True)
        self._links.discard(link)
        for side in (writer, link.target):
            side.close()

    async def _pump(self, reader, writer, link: _Link) -> None:
        try:
            while data := await reader.read(CHUNK):
                if self.mode == "delay":
                    await asyncio.sleep(self.delay_s)
                if self.mode == "blackhole":
                    link.lost_data = True
                    continue
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:  # one side closed: close the other so its peer sees it too
            if not writer.is_closing():
                writer.close()
