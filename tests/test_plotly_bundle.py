"""The partial Plotly bundle: it draws every trace type the pages produce, matches the plotly.js
of the Python plotly package, keeps its licence, and is what Dash's Plotly address serves."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import plotly
import pytest
from plotly.offline import get_plotlyjs_version

from barometer.ingest import load_dataset
from barometer.web.app import create_app
from barometer.web.context import AppContext
from barometer.web.plotly_bundle import BUNDLE, DASH_PLOTLY_PATH, VENDOR

BUNDLE_TEXT = BUNDLE.read_text(encoding="utf-8")
VIEWS = [  # (view, URL query): every chart type of every page, maps included
    *[("crosstab", f"?indicator=trust_police&by=gender&chart={chart}")
      for chart in ("headline", "bars", "stacked", "horizontal", "table")],
    ("crosstab", "?indicator=safe_neighbourhood&by=region&country=AL&chart=map"),
    ("trend", "?indicator=trust_police&country=AL,XK"),
    ("trend", "?indicator=safe_neighbourhood&country=AL&chart=map"),
    ("compare", "?indicator=trust_police"),
    ("compare", "?indicator=trust_police&chart=headline&pool=equal"),
    ("compare", "?indicator=safe_neighbourhood&chart=map"),
]


@pytest.fixture(scope="module")
def dataset():
    return load_dataset()


def bundled_trace_types() -> set[str]:
    """Trace modules registered in the bundle file itself."""
    return set(re.findall(r'moduleType:"trace",name:"(\w+)"', BUNDLE_TEXT))


def test_bundle_is_the_plotly_js_of_the_python_package_with_its_licence():
    header = BUNDLE_TEXT[:200]
    assert f"v{get_plotlyjs_version()}" in header, header
    assert "basic" in header
    licence = (VENDOR / "plotly-basic.LICENSE").read_text()
    assert "MIT License" in licence or "Permission is hereby granted" in licence
    assert "Plotly" in licence


def test_bundle_draws_every_trace_type_the_pages_produce(dataset):
    app_ctx = AppContext.for_dataset(dataset)
    methods = {"crosstab": app_ctx.views.explore, "trend": app_ctx.views.trends,
               "compare": app_ctx.views.compare}
    used = set()
    for view, query in VIEWS:
        params = app_ctx.params.parse(query, app_ctx.codebook, app_ctx.years, view=view)
        shown = methods[view](params)
        assert shown.ok, (view, query, shown.notices)
        used |= {trace.get("type", "scatter") for trace in shown.figure.get("data", [])}
    assert {"bar", "scatter"} <= used  # the views above do draw charts
    assert used <= bundled_trace_types(), used - bundled_trace_types()


def test_dash_plotly_address_serves_the_partial_bundle_with_a_strong_etag(dataset):
    client = create_app(dataset).server.test_client()
    response = client.get("/" + DASH_PLOTLY_PATH)
    assert response.status_code == 200
    assert response.data == BUNDLE.read_bytes()
    assert response.headers["ETag"] == f'"{hashlib.sha256(response.data).hexdigest()}"'
    assert "public" in response.headers["Cache-Control"]
    again = client.get("/" + DASH_PLOTLY_PATH, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    compressed = client.get("/" + DASH_PLOTLY_PATH, headers={"Accept-Encoding": "br"})
    assert compressed.headers["Content-Encoding"] == "br"
    assert len(compressed.data) < len(response.data) / 2
    full = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    assert len(response.data) < 0.5 * full.stat().st_size


@pytest.mark.browser
@pytest.mark.parametrize(("path", "drawn"), [
    ("/?indicator=trust_police&by=gender&country=XK&year=2024", "#graph .bars path"),
    ("/trends?indicator=trust_police&country=AL,XK", "#trends-graph .scatterlayer .js-line"),
    ("/?indicator=safe_neighbourhood&by=region&country=AL&year=2025&chart=map",
     "#graph .scatterlayer .js-fill"),
])
def test_pages_draw_with_the_partial_bundle(live_server, page, path, drawn):
    """In Chromium: the chart is drawn, Plotly came from the partial bundle (and nothing else
    fetched plotly.js), and the console stays clean (the `page` fixture asserts it)."""
    fetched = []
    page.on("response", lambda r: fetched.append((r.url, r)) if "plotly" in r.url else None)
    page.goto(live_server + path)
    page.wait_for_selector(drawn, state="attached")
    assert page.evaluate("Object.keys(window.Plotly.PlotSchema.get().traces).sort()") == sorted(
        bundled_trace_types())
    assert [url.split("?")[0] for url, _ in fetched] == [live_server + "/" + DASH_PLOTLY_PATH]
    assert len(fetched[0][1].body()) == BUNDLE.stat().st_size


@pytest.mark.browser
def test_pages_without_a_chart_load_no_plotly(live_server, page):
    fetched = []
    page.on("request", lambda r: fetched.append(r.url))
    for path in ("/codebook", "/about"):
        page.goto(live_server + path)
        page.wait_for_load_state("networkidle")
    assert fetched and not [url for url in fetched if "plotly" in url]
