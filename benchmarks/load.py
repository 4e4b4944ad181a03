"""Load test: a bounded mix of API crosstabs, explorer callbacks and page loads against
`barometer serve`, reporting requests/s, latency percentiles, errors and server memory.

    python benchmarks/load.py [--seconds 60] [--threads 8] [--workers N] [--url http://...]

Without --url it starts `barometer serve` on a free loopback port and measures the RSS of the
gunicorn master and workers (/proc/<pid>/status VmRSS) after warm-up and at the end. Explorer
callback payloads are captured from headless Chromium loading real explorer URLs (so they are
exactly what the browser sends); without Chromium they are built from /_dash-dependencies.
Static bundles are not re-fetched: browsers cache them (immutable, one year).
Targets on a 2-core machine: >= 200 req/s, p95 < 100 ms, 0 errors, memory growth < 10 %.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
INDICATORS = ["trust_police", "trust_courts", "trust_eu", "trust_government", "safe_neighbourhood",
              "safe_at_night", "corruption_police", "nato_support", "eu_referendum",
              "armed_conflict_likely"]
BREAKDOWNS = [None, "gender", "age_group", "education", "settlement"]
COUNTRIES = ["AL", "XK", "RS", "AL,RS", None]
YEARS = ["2021", "2023", "2025", "2024,2025"]
EXPLORER_URLS = [
    "/?indicator=trust_police&year=2025",
    "/?indicator=trust_eu&by=gender&year=2025",
    "/?indicator=safe_neighbourhood&by=age_group&country=AL,RS&year=2024",
    "/?indicator=corruption_police&by=education&year=2023",
    "/?indicator=nato_support&country=XK&year=2025",
    "/?indicator=trust_courts&by=settlement&year=2021",
]
TARGETS = {"rps": 200, "p95_ms": 100, "errors": 0, "memory_growth": 0.10}


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float, ok: bool, detail: str = "") -> None:
        with self.lock:
            self.latencies.setdefault(kind, []).append(seconds)
            if not ok:
                key = f"{kind}: {detail}"
                self.errors[key] = self.errors.get(key, 0) + 1


# -- the server ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(workers: int | None) -> tuple[subprocess.Popen, str]:
    port = free_port()
    cmd = [sys.executable, "-m", "barometer.cli", "serve", "--port", str(port)]
    if workers:
        cmd += ["--workers", str(workers)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"barometer serve exited:\n{proc.stderr.read()[-2000:]}")
        try:
            if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("barometer serve did not answer within 120 s")


def children(pid: int) -> list[int]:
    kids = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        kids += [int(k) for k in task.read_text().split()]
    return kids


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def server_memory(master: int) -> tuple[int, int]:
    """(total RSS in KiB of master + workers, number of workers)."""
    workers = children(master)
    return rss_kib(master) + sum(rss_kib(w) for w in workers), len(workers)


# -- what a visitor sends ------------------------------------------------------------------------


def capture_callbacks(base: str) -> list[dict]:
    """Every callback body headless Chromium posts while opening real explorer URLs (the shell,
    the explorer's main callback and its helpers)."""
    from playwright.sync_api import sync_playwright

    bodies: list[dict] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()

        def keep(request):
            if "/_dash-update-component" in request.url and request.post_data:
                bodies.append(json.loads(request.post_data))

        page.on("request", keep)
        for url in EXPLORER_URLS:
            page.goto(base + url, wait_until="networkidle")
        browser.close()
    return bodies


def built_callbacks() -> list[dict]:
    """Fallback without a browser: the shell callback for each explorer URL."""
    bodies = []
    for url in EXPLORER_URLS:
        path, _, search = url.partition("?")
        bodies.append({
            "output": "..shell.children...lang-store.data...title-store.data..",
            "outputs": [{"id": "shell", "property": "children"},
                        {"id": "lang-store", "property": "data"},
                        {"id": "title-store", "property": "data"}],
            "inputs": [{"id": "url", "property": "pathname", "value": path}],
            "changedPropIds": ["url.pathname"],
            "state": [{"id": "url", "property": "search", "value": "?" + search}],
        })
    return bodies


def api_query(rng: random.Random) -> str:
    params = [f"indicator={rng.choice(INDICATORS)}", f"year={rng.choice(YEARS)}"]
    by, country = rng.choice(BREAKDOWNS), rng.choice(COUNTRIES)
    if by:
        params.append(f"by={by}")
    if country:
        params.append(f"country={country}")
    if rng.random() < 0.2:
        params.append("weighted=0")
    if rng.random() < 0.15:
        params.append("format=csv")
    return "/api/v1/crosstab?" + "&".join(params)


def visitor(base: str, callbacks: list[dict], deadline: float, tally: Tally, seed: int) -> None:
    rng = random.Random(seed)
    headers = {"Accept-Encoding": "gzip, br", "User-Agent": "barometer-load"}
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:

        def call(kind: str, method: str, url: str, **kwargs) -> None:
            start = time.perf_counter()
            try:
                response = client.request(method, url, **kwargs)
                response.read()
                ok = response.status_code == 200 or (kind == "callback" and
                                                     response.status_code == 204)
                detail = str(response.status_code)
            except httpx.HTTPError as exc:
                ok, detail = False, type(exc).__name__
            tally.add(kind, time.perf_counter() - start, ok, detail)

        while time.monotonic() < deadline:
            roll = rng.random()
            if roll < 0.45:
                call("api", "GET", api_query(rng))
            elif roll < 0.50:
                call("api", "GET", rng.choice(["/api/v1/indicators",
                                               "/api/v1/trend?indicator=" + rng.choice(INDICATORS)]))
            elif roll < 0.80:
                call("callback", "POST", "/_dash-update-component", json=rng.choice(callbacks))
            else:  # a page load: the HTML, then what the renderer asks first
                call("page", "GET", rng.choice(EXPLORER_URLS))
                call("page", "GET", "/_dash-layout")
                call("page", "GET", "/_dash-dependencies")


def run_phase(base: str, callbacks: list[dict], seconds: float, threads: int, seed: int) -> tuple[Tally, float]:
    tally = Tally()
    deadline = time.monotonic() + seconds
    start = time.monotonic()
    pool = [threading.Thread(target=visitor, args=(base, callbacks, deadline, tally, seed + i))
            for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return tally, time.monotonic() - start


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=1000, method="inclusive")[int(q * 10) - 1] * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="an already running server (memory is then not measured)")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--warmup", type=float, default=10)
    parser.add_argument("--threads", type=int, default=8,
                        help="concurrent visitors (closed loop; each waits for its answer)")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (CPU count)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = parser.parse_args()

    proc = None
    base = args.url
    if base is None:
        proc, base = start_server(args.workers)
    try:
        try:
            callbacks = capture_callbacks(base) if Path(CHROMIUM).exists() else []
            source = "captured from Chromium"
        except Exception as exc:  # noqa: BLE001 - fall back to built payloads
            print(f"(could not capture callbacks: {exc})", file=sys.stderr)
            callbacks = []
        if not callbacks:
            callbacks, source = built_callbacks(), "built from the shell callback"
        print(f"server {base}; {len(callbacks)} explorer callback payloads {source}")

        warm, _ = run_phase(base, callbacks, args.warmup, args.threads, seed=1)
        warm_errors = sum(warm.errors.values())
        mem_before = server_memory(proc.pid) if proc else None
        tally, elapsed = run_phase(base, callbacks, args.seconds, args.threads, seed=1000)
        mem_after = server_memory(proc.pid) if proc else None
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()

    every = [x for values in tally.latencies.values() for x in values]
    errors = sum(tally.errors.values())
    figures = {
        "seconds": round(elapsed, 1), "threads": args.threads, "requests": len(every),
        "rps": round(len(every) / elapsed, 1),
        "p50_ms": round(percentile(every, 50), 1), "p95_ms": round(percentile(every, 95), 1),
        "p99_ms": round(percentile(every, 99), 1), "errors": errors,
        "warmup_errors": warm_errors,
        "by_kind": {kind: {"requests": len(v), "p50_ms": round(percentile(v, 50), 1),
                           "p95_ms": round(percentile(v, 95), 1),
                           "p99_ms": round(percentile(v, 99), 1)}
                    for kind, v in sorted(tally.latencies.items())},
    }
    if mem_before and mem_after:
        figures.update(workers=mem_before[1], rss_before_mib=round(mem_before[0] / 1024, 1),
                       rss_after_mib=round(mem_after[0] / 1024, 1),
                       memory_growth=round(mem_after[0] / mem_before[0] - 1, 4))

    print(f"{figures['requests']} requests in {figures['seconds']} s with {args.threads} threads: "
          f"{figures['rps']} req/s")
    print(f"latency p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, "
          f"p99 {figures['p99_ms']} ms; errors {errors} (warm-up {warm_errors})")
    for kind, f in figures["by_kind"].items():
        print(f"  {kind:9} {f['requests']:6} requests  p50 {f['p50_ms']:6} ms  "
              f"p95 {f['p95_ms']:6} ms  p99 {f['p99_ms']:6} ms")
    for key, count in sorted(tally.errors.items()):
        print(f"  error {key}: {count}")
    checks = [("requests/s", figures["rps"] >= TARGETS["rps"], f">= {TARGETS['rps']}"),
              ("p95", figures["p95_ms"] < TARGETS["p95_ms"], f"< {TARGETS['p95_ms']} ms"),
              ("errors", errors == 0, "0")]
    if "memory_growth" in figures:
        print(f"server RSS ({figures['workers']} workers + master): "
              f"{figures['rss_before_mib']} MiB after warm-up -> {figures['rss_after_mib']} MiB "
              f"({figures['memory_growth']:+.1%})")
        checks.append(("memory growth", figures["memory_growth"] < TARGETS["memory_growth"],
                       f"< {TARGETS['memory_growth']:.0%}"))
    for name, ok, target in checks:
        print(f"  {'PASS' if ok else 'FAIL'} {name} (target {target})")
    if args.json:
        print(json.dumps(figures))
    return 0 if all(ok for _, ok, _ in checks) else 1


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
