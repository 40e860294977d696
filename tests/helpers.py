"""Small helpers shared by the test modules."""

import os
import subprocess
import sys

STRONG_PASSWORD = "Velvet-Otter-42-Lantern"


def run_python(code: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run a snippet in a fresh interpreter with the test environment."""
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=os.environ.copy(),
    )
