"""How soon a shared link shows its first number, in a real browser with a cold cache.

Serves the explorer twice with `barometer serve` (two workers each): as shipped, and with the
server-rendered first view switched off (`BAROMETER_SSR=0`), the baseline of the same run; the
two take turns, load by load. For
Explore, Trends and the embed, each load gets a new browser context (Debian's Chromium, nothing
cached; one load of each page and mode comes first and is not counted: the browser's own first
steps, such as reading its fonts, would otherwise fall on whichever page is measured first) and
reports:
- first number: when a figure ("67%", "27.3%") is first visible on the screen, from the start
  of the navigation (an observer in the page, then the next frame; read without Playwright's
  helper script, which would otherwise run in the page before its first paint);
- bytes before it: what went over the wire (navigation and resources, the browser's
  `transferSize`) up to that moment;
- controls respond: when a click on a country has changed the result, from the start of the
  navigation (Explore and Trends).
Targets: first number <= 600 ms (median), <= 150 KB before it, controls <= 2 s, the first
number >= 4x sooner than the baseline. Prints one line per page and mode, and the ratios.

    .venv/bin/python benchmarks/bench_page.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
PAGES = {
    "explore": ("/?indicator=trust_police&by=gender&country=XK&year=2024", "#country"),
    "trends": ("/trends?indicator=trust_police&country=XK", "#trends-country"),
    "embed": ("/?embed=1&indicator=trust_police&country=XK&year=2024", None),
}
WATCH_FIRST_NUMBER = """
(() => {
  const figure = /\\d%/;
  function visible(el) {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < innerHeight &&
      (!el.checkVisibility || el.checkVisibility({visibilityProperty: true}));
  }
  function look() {
    if (window.__firstNumber) { return; }
    for (const el of document.querySelectorAll('td, .summary p, svg text')) {
      if (figure.test(el.textContent) && visible(el)) {
        requestAnimationFrame(() => { window.__firstNumber = window.__firstNumber ||
          performance.now(); });
        return;
      }
    }
    requestAnimationFrame(look);
  }
  new MutationObserver(look).observe(document, {childList: true, subtree: true});
  requestAnimationFrame(look);
})();
"""
BYTES_BEFORE = """(t) => {
  const nav = performance.getEntriesByType('navigation')[0];
  let bytes = nav.responseEnd <= t ? nav.transferSize : 0;
  for (const r of performance.getEntriesByType('resource')) {
    if (r.responseEnd <= t) { bytes += r.transferSize; }
  }
  return bytes;
}"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serve(server_rendered: bool):
    port = free_port()
    env = {**os.environ, "BAROMETER_SSR": "1" if server_rendered else "0"}
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen([sys.executable, "-m", "barometer.cli", "serve", "--port",
                                 str(port), "--workers", "2"], cwd=REPO, env=env, stdout=log,
                                stderr=log)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(240):
                try:
                    urllib.request.urlopen(base + "/healthz", timeout=2)
                    break
                except OSError:
                    time.sleep(0.5)
            else:
                raise RuntimeError("the server did not start")
            for path, _control in PAGES.values():  # each worker's first view of each page is warm
                for _ in range(4):
                    urllib.request.urlopen(base + path, timeout=30).read()
            yield base
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def recorded_first_number(page, timeout_s: float = 60) -> float:
    """The time the page's observer recorded, read with plain evaluations: Playwright's
    `wait_for_function` would first inject its helper script (~100 KB), whose evaluation (about
    30 ms of main thread here) would fall on the page's first paint."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        first = page.evaluate("window.__firstNumber")
        if first:
            return first
        time.sleep(0.03)
    raise TimeoutError(f"no number on the screen after {timeout_s:.0f} s: {page.url}")


def load(browser, base: str, path: str, control: str | None) -> tuple[float, float, float | None]:
    """(ms to the first number, KB before it, ms until a control change shows) of one cold
    load."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(WATCH_FIRST_NUMBER)
    page = context.new_page()
    page.goto(base + path, wait_until="commit")
    first = recorded_first_number(page)
    kilobytes = page.evaluate(BYTES_BEFORE, first) / 1024
    responded = None
    if control:
        table = page.locator("#react-entry-point table").first
        # the app is live once its own controls are on the screen (the first view has gone)
        page.wait_for_function("() => !document.getElementById('first-view') && "
                               f"document.querySelector('#react-entry-point {control} input')",
                               timeout=60_000, polling=20)
        page.wait_for_selector(f"#react-entry-point {control} input", timeout=60_000)
        before = table.inner_text()
        page.locator(f"#react-entry-point {control}").get_by_text("Albania").click()
        # the time the page saw the change (asking for it afterwards would add a round trip,
        # which waits for whatever the page runs next)
        responded = page.wait_for_function(
            "(before) => { const t = document.querySelector('#react-entry-point table');"
            " return t && t.innerText !== before && performance.now(); }", arg=before,
            timeout=60_000, polling=20).json_value()
    context.close()
    return first, kilobytes, responded


def main() -> int:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    results: dict[tuple[str, str], tuple[float, float, float | None]] = {}
    modes = ("first view", "baseline")
    with sync_playwright() as pw, serve(True) as shipped, serve(False) as baseline:
        bases = {"first view": shipped, "baseline": baseline}
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name, (path, control) in PAGES.items():
            for mode in modes:
                load(browser, bases[mode], path, control)  # warms the browser, not its cache
            # the two modes take turns, so that whatever else the machine does meanwhile
            # weighs on both alike
            runs: dict[str, list] = {mode: [] for mode in modes}
            for _ in range(args.runs):
                for mode in modes:
                    runs[mode].append(load(browser, bases[mode], path, control))
            for mode, measured in runs.items():
                first = statistics.median(r[0] for r in measured)
                kb = statistics.median(r[1] for r in measured)
                controls = [r[2] for r in measured if r[2] is not None]
                ctl = statistics.median(controls) if controls else None
                results[(name, mode)] = (first, kb, ctl)
                print(f"{name:8s} {mode:10s} first number {first:7.0f} ms (median of "
                      f"{args.runs}; {min(r[0] for r in measured):.0f}-"
                      f"{max(r[0] for r in measured):.0f})  before it {kb:6.1f} KB  controls "
                      + (f"{ctl:6.0f} ms" if ctl is not None else "     -"), flush=True)
        browser.close()
    print()
    ok = True
    for name in PAGES:
        first, kb, ctl = results[(name, "first view")]
        ratio = results[(name, "baseline")][0] / first
        met = first <= 600 and kb <= 150 and (ctl is None or ctl <= 2000) and ratio >= 4
        ok &= met
        print(f"{name:8s} first number {ratio:4.1f}x sooner than the baseline; targets "
              f"(<=600 ms, <=150 KB, controls <=2 s, >=4x): {'met' if met else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
