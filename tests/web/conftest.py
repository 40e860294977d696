"""A live server on a free port and headless Chromium (Debian's package) driven by Playwright."""

import fcntl
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"  # tests/artifacts, git-ignored
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _ensure_chromium() -> str:
    """Install Debian's Chromium when missing (CI runs as root); browser downloads are blocked.
    One test process installs at a time (xdist workers would fight over dpkg's lock); the
    others wait, then find it there."""
    if Path(CHROMIUM).exists():
        return CHROMIUM
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.fail("Chromium is missing: install the Debian package 'chromium'.")
    with open(Path(tempfile.gettempdir()) / "atrium-chromium-install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not Path(CHROMIUM).exists():
            env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
            subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
            subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True, env=env)
    return CHROMIUM


@pytest.fixture(scope="session")
async def browser():
    from playwright.async_api import async_playwright

    executable = _ensure_chromium()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        await browser.close()


@pytest.fixture
async def page(browser):
    context = await browser.new_context()
    page = await context.new_page()
    yield page
    await context.close()


@pytest.fixture
async def phone(browser):
    context = await browser.new_context(viewport={"width": 375, "height": 812})
    page = await context.new_page()
    yield page
    await context.close()


def screenshot_path(name: str) -> str:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return str(ARTIFACTS / f"{name}.png")


def pytest_collection_modifyitems(items) -> None:
    """One id per fuzz test: schemathesis names each after its operation ("...[GET /api/v1/me]"),
    but pytest 9.2 builds the id from the bare function name, and pytest-xdist tells tests apart
    by id (given 176 tests under 3 ids, it ran 3)."""
    for item in items:
        label = getattr(item, "operation_label", None)  # a schemathesis test's operation
        if label and item._id.params is None:
            item._id = item._id.with_params(label)
