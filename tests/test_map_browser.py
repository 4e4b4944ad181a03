"""Maps in a real browser: Explore draws the map when "Map" is chosen, hovering a region shows its
name and the command line's percentage, the table under the map has the regions as rows,
Compare puts the three countries on one map, the embed view and a 375 px phone show the map
without scrolling sideways. Each test ends (in the `page` fixture) asserting no console error.
Screenshots land in artifacts/screenshots."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from conftest import SCREENSHOTS, new_context

from barometer.present.maps import label_point

pytestmark = pytest.mark.browser

MAP = "?indicator=safe_neighbourhood&by=region&country=AL&year=2025&chart=map"
FILLS = "#graph .scatterlayer .js-fill"


def cli_regions(*args: str) -> dict[str, dict]:
    out = subprocess.run([sys.executable, "-m", "barometer.cli", "crosstab", "safe_neighbourhood",
                          "--by", "region", *args, "--format", "json"],
                         capture_output=True, text=True, check=True)
    return {r["by_label"]: r for r in json.loads(out.stdout)["rows"] if r["category"] == "safe"}


def region_point(page, graph: str, region: str) -> tuple[float, float]:
    """Viewport pixels of a point inside `region`'s shape, from the figure's own axes."""
    found = page.evaluate("""([graph, region]) => {
        const gd = document.querySelector(graph + ' .js-plotly-plot');
        const i = gd.data.findIndex(t => t.meta && t.meta.region === region);
        const t = gd.data[i];
        const xa = gd._fullLayout[t.xaxis === 'x' ? 'xaxis' : 'xaxis' + t.xaxis.slice(1)];
        const ya = gd._fullLayout[t.yaxis === 'y' ? 'yaxis' : 'yaxis' + t.yaxis.slice(1)];
        const box = gd.getBoundingClientRect();
        return {x: t.x, y: t.y, left: box.left + xa._offset, top: box.top + ya._offset,
                x0: xa.range[0], x1: xa.range[1], y0: ya.range[0], y1: ya.range[1],
                width: xa._length, height: ya._length};
    }""", [graph, region])
    xs, ys = found["x"], found["y"]
    ring, rings = [], []
    for x, y in zip(xs, ys, strict=True):
        if x is None:
            rings.append(np.array(ring))
            ring = []
        else:
            ring.append((x, y))
    x, y = label_point(rings)
    px = found["left"] + (x - found["x0"]) / (found["x1"] - found["x0"]) * found["width"]
    py = found["top"] + (found["y1"] - y) / (found["y1"] - found["y0"]) * found["height"]
    return px, py


def hover_text(page, graph: str, region: str) -> str:
    page.locator(graph).scroll_into_view_if_needed()
    x, y = region_point(page, graph, region)
    page.mouse.move(x, y)
    page.wait_for_selector(f"{graph} .hoverlayer .hovertext", timeout=10_000)
    return page.locator(f"{graph} .hoverlayer .hovertext").first.text_content()


def test_explore_draws_the_map_and_hover_shows_the_cli_figure(page, live_server):
    page.goto(live_server + MAP.replace("&chart=map", ""))
    page.wait_for_selector("#graph .trace.bars")
    page.locator("#chart-type").get_by_text("Map", exact=True).click()
    page.wait_for_function("() => window.location.search.includes('chart=map')")
    page.wait_for_selector(FILLS)
    expected = cli_regions("--country", "AL", "--year", "2025")
    assert page.locator(FILLS).count() >= len(expected)
    text = hover_text(page, "#graph", "al_tirane")
    tirana = expected["Tirana"]
    assert "Tirana" in text and f"{tirana['percent']:.1f}%" in text
    assert f"{tirana['ci_low']:.1f}%" in text and f"n = {tirana['base_n']:,.0f}" in text
    page.screenshot(path=str(SCREENSHOTS / "map-explore-hover.png"))
    # the legend shows the class breaks and names the hidden regions
    legend = " ".join(t.text_content() for t in page.locator("#graph .legend .legendtext").all())
    assert "%" in legend
    hidden = [label for label, r in expected.items() if r["suppressed"]]
    assert all(name in legend for name in hidden[:3])


def test_the_table_under_the_map_has_the_regions_as_rows(page, live_server):
    page.goto(live_server + "/" + MAP)
    page.wait_for_selector(FILLS)
    table = page.locator("#result-table table").first
    assert table.locator("thead th").first.inner_text().strip() == "Region"
    expected = cli_regions("--country", "AL", "--year", "2025")
    rows = table.locator("tbody tr")
    assert rows.count() == len(expected)
    for i in range(rows.count()):
        label = rows.nth(i).locator("th").inner_text().strip()
        first = rows.nth(i).locator("td").first.inner_text().split("\n")[0].rstrip("†").strip()
        row = expected[label]
        assert first == ("not shown" if row["suppressed"] else f"{row['percent']:.1f}%"), label


def test_compare_puts_the_three_countries_on_one_map(page, live_server):
    page.goto(live_server + "/compare?indicator=safe_neighbourhood&chart=map")
    page.wait_for_selector("#compare-graph .scatterlayer .js-fill")
    assert page.locator("#compare-graph .scatterlayer .js-fill").count() >= 23
    text = hover_text(page, "#compare-graph", "rs_belgrade")
    assert "Belgrade" in text and "Serbia" in text and "%" in text
    page.screenshot(path=str(SCREENSHOTS / "map-compare.png"), full_page=True)


def test_the_embed_view_shows_the_map(page, live_server):
    page.goto(live_server + "/" + MAP + "&embed=1")
    page.wait_for_selector("#embed-graph .scatterlayer .js-fill")
    assert page.locator("nav").count() == 0
    assert "synthetic demonstration data" in page.inner_text(".embed-caption")
    page.locator(".embed-table summary").click()
    assert page.locator(".embed-table table tbody tr").count() == 12


def test_the_map_on_a_phone_has_no_horizontal_scroll(browser, live_server):
    context = new_context(browser, viewport={"width": 375, "height": 812}, is_mobile=True)
    phone = context.new_page()
    errors: list[str] = []
    phone.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        phone.goto(live_server + "/" + MAP.replace("country=AL", "country=XK"))
        phone.wait_for_selector(FILLS)
        phone.locator("#graph").scroll_into_view_if_needed()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        phone.screenshot(path=str(SCREENSHOTS / "map-phone-375.png"), full_page=True)
        widths = phone.evaluate("[document.documentElement.scrollWidth, document.body.scrollWidth]")
        assert max(widths) <= 375, f"page scrolls horizontally: {widths}px wide"
        box = phone.locator("#graph .js-plotly-plot").bounding_box()
        assert box["width"] <= 375
    finally:
        context.close()
    assert errors == []
