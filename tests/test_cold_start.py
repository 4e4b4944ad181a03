"""A freshly started (or recycled) server answers every script and stylesheet of the page, even
when they arrive in parallel before any page has been viewed: the component libraries are
registered before gunicorn forks its workers, not by each worker's first request."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from conftest import barometer_serve, new_context

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def asset_paths(browser, live_server) -> list[str]:
    """Every script and stylesheet a real browser fetches for Explore (its async chunks too)."""
    paths: list[str] = []
    context = new_context(browser)
    page = context.new_page()
    page.on("request", lambda r: paths.append(r.url.removeprefix(live_server))
            if r.resource_type in ("script", "stylesheet") else None)
    page.goto(live_server + "/?indicator=trust_police&by=gender&country=XK&year=2024")
    page.wait_for_selector("#graph .main-svg")
    context.close()
    paths = list(dict.fromkeys(paths))
    assert any("plotly" in p for p in paths) and any(p.endswith(".css") or ".css?" in p
                                                     for p in paths)
    return paths


def fetch_all(base: str, paths: list[str]) -> list[tuple[str, int]]:
    """Each path three times, 24 at a time, each on a new connection (the first requests of a
    cold worker race its set-up: the more at once, the surer a failure shows)."""
    def get(path: str) -> tuple[str, int]:
        return path, httpx.get(base + path, timeout=60).status_code

    with ThreadPoolExecutor(24) as pool:
        return list(pool.map(get, paths * 3))


def test_a_cold_server_answers_every_asset_fetched_in_parallel(asset_paths):
    failures, requests = [], 0
    for _start in range(3):
        with barometer_serve("--workers", "2", "--threads", "4", healthy=False) as base:
            results = fetch_all(base, asset_paths)
        requests += len(results)
        failures += [(p, code) for p, code in results if code != 200]
    print(f"\ncold start: 3 fresh servers, {requests} asset requests, {len(failures)} failures")
    assert failures == [], f"{len(failures)} of {requests} asset requests failed"


def test_a_recycled_worker_answers_every_asset(asset_paths):
    log: list[str] = []
    with barometer_serve("--workers", "2", "--threads", "4", "--max-requests", "10",
                         log=log) as base:
        for _ in range(40):  # enough requests for each worker to be recycled at least once
            httpx.get(base + "/healthz", timeout=30)
        time.sleep(1.0)
        results = fetch_all(base, asset_paths)
    assert [(p, c) for p, c in results if c != 200] == []
    assert log and log[0].count("Booting worker") >= 3, "no worker was recycled"
