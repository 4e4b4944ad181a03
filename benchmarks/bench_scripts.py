"""Bytes of script a permalink loads, with the partial Plotly bundle and with the full one.

Starts the app (`barometer serve`), opens the Explore permalink in Debian's Chromium with a new
browser context per load (cold cache), waits for the chart to be drawn, and sums the script
responses: as transferred (compressed, what the network carries) and decoded. The baseline, in
the same run, sends Plotly's request to the full plotly.min.js that Dash would otherwise serve
(its fingerprinted address on the same server, compressed the same way). Last line: JSON.
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from conftest import CHROMIUM, CHROMIUM_ARGS, barometer_serve  # noqa: E402

PERMALINK = "/?indicator=trust_police&by=gender&country=XK&year=2024"
PLOTLY_PATH = "/_dash-component-suites/plotly/package_data/plotly.min.js"
RUNS = 3


def full_plotly_path() -> str:
    """The full bundle's fingerprinted address (Dash serves every registered package file)."""
    import plotly
    from dash.fingerprint import build_fingerprint

    package = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    return "/_dash-component-suites/plotly/" + build_fingerprint(
        "package_data/plotly.min.js", plotly.__version__, int(package.stat().st_mtime))


def load(browser, url: str, full: bool) -> dict:
    """One cold load: script bytes transferred and decoded, and the Plotly file's share."""
    context = browser.new_context()
    page = context.new_page()
    scripts: list[tuple[str, int, int]] = []

    def on_finished(request) -> None:
        if request.resource_type != "script":
            return
        response = request.response()
        sizes = request.sizes()
        scripts.append((request.url, sizes["responseBodySize"], len(response.body())))

    page.on("requestfinished", on_finished)
    if full:
        base = url.split("/?")[0]
        page.route("**" + PLOTLY_PATH, lambda route: route.continue_(
            url=base + full_plotly_path()))
    page.goto(url)
    page.wait_for_selector(".main-svg .bars path, .main-svg .point path", timeout=120_000)
    page.wait_for_load_state("networkidle")
    context.close()
    plotly = [s for s in scripts if "plotly" in s[0].split("?")[0].rsplit("/", 1)[-1]]
    return {"transferred": sum(s[1] for s in scripts), "decoded": sum(s[2] for s in scripts),
            "plotly_transferred": sum(s[1] for s in plotly),
            "plotly_decoded": sum(s[2] for s in plotly), "requests": len(scripts)}


def main() -> None:
    from playwright.sync_api import sync_playwright

    with barometer_serve("--workers", "1") as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        load(browser, base + PERMALINK, full=False)  # warm the server's compression cache
        load(browser, base + PERMALINK, full=True)
        runs = {"partial": [], "full": []}
        for _ in range(RUNS):
            for name in runs:
                runs[name].append(load(browser, base + PERMALINK, full=name == "full"))
        browser.close()
    summary = {name: {key: statistics.median(r[key] for r in results) for key in results[0]}
               for name, results in runs.items()}
    for name, figures in summary.items():
        print(f"{name:8s} scripts: {figures['transferred'] / 1e3:7.0f} KB transferred, "
              f"{figures['decoded'] / 1e3:7.0f} KB decoded, {figures['requests']:.0f} requests "
              f"(plotly.js {figures['plotly_transferred'] / 1e3:.0f} KB transferred, "
              f"{figures['plotly_decoded'] / 1e3:.0f} KB decoded)")
    ratio = summary["full"]["transferred"] / summary["partial"]["transferred"]
    print(f"scripts transferred on {PERMALINK}: {ratio:.2f}x fewer bytes with the partial bundle")
    print(json.dumps({"permalink": PERMALINK, "runs": RUNS, **summary,
                      "transferred_ratio": round(ratio, 2)}))


if __name__ == "__main__":
    main()
