"""Shared fixtures: the real server on a free port, and a headless Chromium driven by Playwright.

Browser tests need Debian's Chromium at /usr/bin/chromium. Without it they skip locally and fail
with a clear message under CI=true, so CI can never pass by skipping them.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int, env: dict | None = None) -> subprocess.Popen:
    """`python app.py --port PORT` in the background; returns once it answers. Its output goes
    to a file: a pipe nobody reads fills up after a few hundred logged requests and stops the
    server."""
    log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - open as long as the server runs
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py"), "--port", str(port)],
        cwd=ROOT, env={**os.environ, **(env or {})}, stdout=log, stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"server exited early:\n{log.read()[-3000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("server did not answer within 90 s")


def port_open(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        return True
    except OSError:
        return False


@contextlib.contextmanager
def barometer_serve(*args: str, env: dict | None = None, healthy: bool = True,
                    log: list[str] | None = None) -> Iterator[str]:
    """`barometer serve` (gunicorn) on a free loopback port; yields its base URL once it answers
    /healthz (`healthy`), or as soon as it accepts connections (a cold server: no request has
    reached a worker yet). `log` collects its output after it stops."""
    port = free_port()
    output = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - a file, never an unread pipe
    proc = subprocess.Popen(
        [sys.executable, "-m", "barometer.cli", "serve", "--host", "127.0.0.1", "--port",
         str(port), *args],
        cwd=ROOT, env={**os.environ, "BAROMETER_CACHE_URL": "", **(env or {})},
        stdout=output, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                output.seek(0)
                raise RuntimeError(f"barometer serve exited:\n{output.read()[-3000:]}")
            if port_open(port):
                if not healthy:
                    break
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                        break
            if time.monotonic() > deadline:
                raise RuntimeError("barometer serve did not answer within 90 s")
            time.sleep(0.05)
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        if log is not None:
            output.seek(0)
            log.append(output.read())


@pytest.fixture(scope="session")
def live_server():
    """Base URL of the real app serving the shipped demonstration data."""
    port = free_port()
    proc = start_server(port)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def dataset():
    """The shipped demonstration data (a test module may define its own)."""
    from barometer.ingest import load_dataset

    return load_dataset()


@pytest.fixture(scope="module")
def client(dataset):
    """A Flask test client of the explorer over `dataset`."""
    from barometer.web.app import create_app

    return create_app(dataset).server.test_client()


def require_program(path: str, packages: str) -> None:
    """Skip a test whose program is missing, but fail it in CI (where `.ci/run` installs it)."""
    if Path(path).exists():
        return
    message = f"{path} is missing: install it with `apt-get install -y {packages}`"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser():
    require_program(CHROMIUM, "chromium chromium-driver")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def run_async_in_own_thread(func, *args):
    """Runs an async function in a thread of its own: a session's Playwright (sync API) keeps an
    event loop running in the test thread, and anyio refuses to start a second one there."""
    from concurrent.futures import ThreadPoolExecutor

    import anyio

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(anyio.run, func, *args).result()


class ConsoleWatch:
    """Collects browser console errors and page errors of one page."""

    def __init__(self, page) -> None:
        self.errors: list[str] = []
        page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))


def new_context(browser, **options):
    """A browser context whose page loads may take a minute: the machine runs the whole suite on
    two cores, and the first load of plotly.js competes with the other tests."""
    context = browser.new_context(**options)
    context.set_default_navigation_timeout(60_000)
    context.set_default_timeout(45_000)
    return context


@pytest.fixture
def page(browser, request):
    """A fresh browser page; the test fails if the console logged an error."""
    context = new_context(browser, viewport={"width": 1280, "height": 900}, accept_downloads=True)
    pg = context.new_page()
    watch = ConsoleWatch(pg)
    pg.console_watch = watch
    yield pg
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        pg.screenshot(path=str(SCREENSHOTS / f"{request.node.name}.png"), full_page=True)
    finally:
        context.close()
    assert watch.errors == [], f"browser console errors: {watch.errors}"
