"""The README's nginx configuration (with `proxy_cache`) in front of `barometer serve`: repeated
requests for a permalink, its preview and an API answer are answered by nginx from its cache,
and gunicorn's access log shows the app asked once.

Needs Debian's nginx (/usr/sbin/nginx): without it the test skips locally and fails under
CI=true (`.ci/run` installs it)."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
from conftest import barometer_serve, free_port, port_open, require_program

ROOT = Path(__file__).resolve().parent.parent
NGINX = "/usr/sbin/nginx"
URLS = ["/?indicator=trust_police&by=gender&country=XK&year=2024",
        "/trends?indicator=trust_police&country=AL,XK&lang=sq",
        "/preview.png?indicator=trust_police&by=gender&country=XK&year=2024&lang=en",
        "/api/v1/crosstab?indicator=trust_police&by=gender&country=XK&year=2024"]
REPEATS = 5


def readme_nginx_server(upstream: str, port: int, cache_dir: Path) -> str:
    """The README's nginx example, pointed at this test's app, port and cache folder (no TLS)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```nginx\n(.*?)```", readme, re.S).group(1)
    assert "proxy_cache barometer;" in block, "the README's nginx example lost proxy_cache"
    block = block.replace("/var/cache/nginx/barometer", str(cache_dir))
    block = re.sub(r"(\n\s*server \S+:\d+;[^\n]*)+", f"\n    server {upstream};", block, count=1)
    block = re.sub(r"listen 443 ssl http2;", f"listen 127.0.0.1:{port};", block)
    return block


def nginx_conf(server_block: str, tmp: Path) -> str:
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers write the cache in tmp
    temp = "\n".join(f"    {name}_temp_path {tmp / name};"
                     for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return f"""{user}worker_processes 1;
daemon off;
pid {tmp / 'nginx.pid'};
error_log {tmp / 'error.log'} warn;
events {{ worker_connections 64; }}
http {{
    access_log {tmp / 'access.log'};
{temp}
{server_block}
}}
"""


@contextlib.contextmanager
def nginx_in_front(upstream: str) -> Iterator[str]:
    """nginx as the README configures it, as this user, with its files in a temporary folder;
    yields its base URL."""
    tmp = Path(tempfile.mkdtemp(prefix="barometer-nginx-"))
    port = free_port()
    conf = tmp / "nginx.conf"
    conf.write_text(nginx_conf(readme_nginx_server(upstream, port, tmp / "cache"), tmp))
    checked = subprocess.run([NGINX, "-t", "-p", str(tmp), "-c", str(conf)],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    output = (tmp / "nginx.out").open("w")
    proc = subprocess.Popen([NGINX, "-p", str(tmp), "-c", str(conf)], stdout=output,
                            stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 20
        while not port_open(port):
            assert proc.poll() is None, (tmp / "error.log").read_text()
            assert time.monotonic() < deadline, "nginx did not start"
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        output.close()
        shutil.rmtree(tmp, ignore_errors=True)


def test_repeated_permalink_requests_are_answered_by_the_cache_and_the_app_asked_once():
    require_program(NGINX, "nginx")
    log: list[str] = []
    statuses: dict[str, list[str]] = {}
    with barometer_serve("--workers", "1", "--access-log", log=log) as base, \
            nginx_in_front(base.split("//", 1)[1]) as proxy, \
            httpx.Client(base_url=proxy, timeout=60,
                         headers={"Accept-Encoding": "gzip", "Accept-Language": "en"}) as client:
        for url in URLS:
            bodies = set()
            for _ in range(REPEATS):
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
                assert response.headers.get("ETag"), url
                statuses.setdefault(url, []).append(response.headers["X-Cache-Status"])
                bodies.add(response.content)
            if "preview" in url or "/api/" in url:
                assert len(bodies) == 1, url  # the same bytes every time
    for url, seen in statuses.items():
        assert seen == ["MISS"] + ["HIT"] * (REPEATS - 1), (url, seen)
    access = log[0]
    for url in URLS:
        asked = [line for line in access.splitlines() if f"GET {url} " in line]
        assert len(asked) == 1, (url, asked)
