"""`barometer serve` for real: gunicorn on a free loopback port, HTTP-level limits, compression,
and headless Chromium checking that the explorer runs under the CSP without a single violation."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
import pytest
from conftest import barometer_serve

ROOT = Path(__file__).resolve().parent.parent
GOOD = "/api/v1/crosstab?indicator=trust_police&by=gender&country=AL&year=2025"


@pytest.fixture(scope="module")
def served():
    with barometer_serve("--workers", "2") as base:
        yield base


def test_gunicorn_serves_compressed_api_with_headers(served):
    with httpx.Client(base_url=served) as client:
        response = client.get(GOOD, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200
        assert response.headers["content-encoding"] == "gzip"
        assert response.json()["rows"]
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "Server" not in response.headers or "gunicorn" in response.headers["server"]
        page = client.get("/")
        assert "frame-ancestors 'self'" in page.headers["content-security-policy"]
        assert "Werkzeug" not in page.headers.get("server", "")


@pytest.mark.parametrize("query", [
    "indicator=" + "x" * 10_000,
    "&".join(["indicator=trust_police"] * 300),
    "indicator=trust_police&" + "&".join(["filter=gender:male"] * 300),
    "indicator=trust_police&country=" + "%3Cscript%3E" * 50,
])
def test_oversized_and_repeated_requests_are_4xx_and_server_keeps_serving(served, query):
    with httpx.Client(base_url=served, timeout=10) as client:
        response = client.get("/api/v1/crosstab?" + query)
        assert 400 <= response.status_code < 500
        assert "Traceback" not in response.text
        assert client.get(GOOD).status_code == 200


@pytest.mark.browser
@pytest.mark.parametrize("path", ["/?indicator=trust_police&by=gender&year=2025",
                                  "/trends?indicator=trust_police",
                                  "/?embed=1&indicator=trust_eu", "/api/v1/docs"])
def test_pages_run_under_the_csp_without_violations(served, browser, path):
    page = browser.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.add_init_script("""document.addEventListener('securitypolicyviolation', e =>
        console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));""")
    page.goto(served + path, wait_until="networkidle")
    if not path.startswith("/api"):
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=20_000)
    page.close()
    assert problems == []


def test_a_huge_request_line_is_refused_by_gunicorn_and_server_keeps_serving(served):
    """Thousands of repeated parameters (70 kB) never reach the app: gunicorn answers 4xx."""
    host, port = served.removeprefix("http://").split(":")
    line = "GET /api/v1/crosstab?" + "&".join(["indicator=trust_police"] * 3000) + " HTTP/1.1"
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(f"{line}\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        status_line = sock.makefile("rb").readline().decode()
    assert status_line.split()[1].startswith("4")
    assert httpx.get(served + GOOD).status_code == 200
