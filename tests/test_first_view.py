"""The first view in the HTML: a permalink's page holds its result (question, words, table, base
note, a static chart) before any script runs; its title and link-preview tags speak the
visitor's language; the first render of the app needs no callback; `BAROMETER_SSR=0` switches
the first view off. The numbers are the command line's."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import dash_bootstrap_components as dbc
import pytest
from click.testing import CliRunner
from dash import dcc, html

from barometer.cli import main
from barometer.present.static_chart import figure_svg
from barometer.web import app as web_app
from barometer.web.app import create_app
from barometer.web.first_view import component_html

PERMALINK = "/?indicator=trust_police&by=gender&country=XK&year=2024"


class Page(HTMLParser):
    """The parts of a page the tests read: meta tags, <html lang>, the mount point's text."""

    def __init__(self) -> None:
        super().__init__()
        self.metas: dict[str, str] = {}
        self.lang = ""
        self.mount_text: list[str] = []
        self.cells: list[str] = []
        self._depth = 0
        self._in_cell = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang", "")
        if tag == "meta" and "content" in attrs:
            self.metas[attrs.get("property") or attrs.get("name") or ""] = attrs["content"]
        if attrs.get("id") == "react-entry-point":
            self._depth = 1
        elif self._depth and tag not in ("input", "br", "meta", "link", "img"):
            self._depth += 1
        if self._depth and tag == "td":
            self._in_cell = True
            self.cells.append("")

    def handle_endtag(self, tag):
        if self._depth:
            self._depth -= 1
        if tag == "td":
            self._in_cell = False

    def handle_data(self, data):
        if self._depth:
            self.mount_text.append(data)
            if self._in_cell:
                self.cells[-1] += data


def parse(html_text: str) -> Page:
    page = Page()
    page.feed(html_text)
    return page


def cli_json(*args: str) -> dict:
    result = CliRunner().invoke(main, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_the_permalink_html_holds_the_cli_numbers_before_any_script(client):
    response = client.get(PERMALINK)
    assert response.status_code == 200
    page = parse(response.get_data(as_text=True))
    text = " ".join(page.mount_text)
    assert "How much do you trust the police?" in text
    assert "Loading..." not in text
    rows = cli_json("crosstab", "trust_police", "--by", "gender", "--country", "XK",
                    "--year", "2024")["rows"]
    assert rows
    for row in rows:  # every percentage and interval of the CLI, as the table shows them
        shown = f"{row['percent']:.1f}%"
        interval = f"{row['ci_low']:.1f}%–{row['ci_high']:.1f}%"
        assert any(cell.startswith(shown) and interval in cell for cell in page.cells), (
            shown, interval)
    assert "Base: respondents asked this question in Kosovo (2024)" in text
    assert '<svg class="static-chart"' in response.get_data(as_text=True)


@pytest.mark.parametrize(("lang", "synthetic", "locale"), [
    ("en", "synthetic demonstration data", "en_GB"),
    ("sq", "të dhëna sintetike demonstruese", "sq_AL"),
    ("sr-Latn", "sintetički demonstracioni podaci", "sr_RS"),
    ("sr-Cyrl", "синтетички демонстрациони подаци", "sr_RS"),
])
def test_every_permalink_has_title_description_and_preview_tags_in_its_language(
        client, lang, synthetic, locale):
    query = f"indicator=trust_police&country=XK&year=2024&lang={lang}"
    body = client.get(f"/?{query}").get_data(as_text=True)
    page = parse(body)
    assert page.lang == lang
    metas = page.metas
    description = metas["og:description"]
    assert metas["description"] == description == metas["twitter:description"]
    assert synthetic in (description + metas["og:title"]).lower()
    # the headline number of the CLI, in the language's number format
    cli = cli_json("crosstab", "trust_police", "--country", "XK", "--year", "2024",
                   "--lang", lang)
    net = next(r for r in cli["rows"] if r["category"] == cli["query"]["category"])
    assert f"{net['percent']:.0f}%" in description
    assert metas["og:locale"] == locale
    assert metas["twitter:card"] == "summary_large_image"
    assert metas["og:image"] == f"http://localhost/preview.png?{query}"  # lang last, as given
    assert (metas["og:image:width"], metas["og:image:height"]) == ("1200", "630")
    title = re.search(r"<title>(.*?)</title>", body).group(1)
    assert title.endswith(metas["og:site_name"])  # the page's name · the site, as the app says


@pytest.mark.parametrize(("path", "image_query"), [
    ("/trends?indicator=trust_eu", "indicator=trust_eu&page=trends&lang=en"),
    ("/compare?indicator=trust_eu&lang=sq", "indicator=trust_eu&page=compare&lang=sq"),
    ("/codebook", "lang=en"),
])
def test_other_pages_point_their_preview_at_their_own_view(client, path, image_query):
    page = parse(client.get(path).get_data(as_text=True))
    assert page.metas["og:image"] == f"http://localhost/preview.png?{image_query}"
    assert page.metas["og:url"] == "http://localhost" + path


def test_the_first_render_is_the_whole_page_and_no_callback_fires_on_load(client):
    """`_dash-layout`, asked from the permalink (its Referer), answers the page with its result;
    the callbacks whose inputs are in it wait for a change."""
    layout = client.get("/_dash-layout", headers={"Referer": "http://localhost" + PERMALINK})
    text = layout.get_data(as_text=True)
    assert "How much do you trust the police?" in text
    rows = cli_json("crosstab", "trust_police", "--by", "gender", "--country", "XK",
                    "--year", "2024")["rows"]
    assert all(f"{row['percent']:.1f}%" in text for row in rows)
    document = json.loads(text)
    found = {}

    def walk(node):
        if isinstance(node, dict):
            props = node.get("props", {})
            if isinstance(props.get("id"), str):
                found[props["id"]] = props
            for value in props.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(document)
    assert found["url"]["search"] == PERMALINK[1:]
    assert found["graph"]["figure"]["data"]
    dependencies = client.get("/_dash-dependencies").get_json()
    firing = [d["output"] for d in dependencies
              if not d.get("prevent_initial_call") and d.get("clientside_function") is None
              and any(i["id"] in found for i in d["inputs"] if isinstance(i["id"], str))]
    assert firing == []


def test_the_first_view_can_be_switched_off(dataset, monkeypatch):
    monkeypatch.setenv("BAROMETER_SSR", "0")
    body = create_app(dataset).server.test_client().get(PERMALINK).get_data(as_text=True)
    assert "Loading..." in " ".join(parse(body).mount_text)
    assert 'property="og:image"' in body  # the link preview stays
    scripts = re.findall(r'<script src="([^"]+)"', body)
    assert any("dash_renderer" in src for src in scripts)
    assert not any("dash_table" in src or "polyfill" in src for src in scripts)


def test_values_from_the_address_are_escaped_everywhere(client):
    body = client.get('/?indicator=trust_police&country=XK"><script>alert(1)</script>'
                      ).get_data(as_text=True)
    assert "<script>alert(1)" not in body


# -- the component writer: one table of components and the markup they stand for ---------------

COMPONENTS = [
    (html.Div("a < b", className="x", style={"marginLeft": "2px"}),
     '<div class="x" style="margin-left: 2px">a &lt; b</div>'),
    (html.Div(id="main"), '<div id="first-main"></div>'),
    (html.A("skip", href="#main"), '<a href="#first-main">skip</a>'),
    (html.Td("1", colSpan=2), '<td colspan="2">1</td>'),
    (dbc.Col("c", md=4, lg=3), '<div class="col-md-4 col-lg-3">c</div>'),
    (dbc.Row(dbc.Col("c")), '<div class="row"><div class="col">c</div></div>'),
    (dbc.Container("k", fluid=True), '<div class="container-fluid">k</div>'),
    (dbc.Table(html.Tbody(), size="sm", hover=True), '<table class="table table-hover table-sm">'
     "<tbody></tbody></table>"),
    (dbc.Label("Q", html_for="indicator"), '<label class="form-label" for="first-indicator">Q'
     "</label>"),
    (dcc.Store(id="s", data=[1]), ""),
    (dcc.Location(id="u"), ""),
    (dcc.Link("t", href="/trends?x=1&y=2"), '<a href="/trends?x=1&amp;y=2">t</a>'),
    (dcc.Dropdown(options=[{"label": "Trust: Police", "value": "p"}], value="p"),
     '<div class="static-dropdown">Trust: Police</div>'),
    (dbc.RadioItems(options=[{"label": "A", "value": "a"}, {"label": "B", "value": "b"}],
                    value="b"),
     '<div><div class="form-check"><input class="form-check-input" type="radio" disabled>'
     '<label class="form-check-label">A</label></div><div class="form-check">'
     '<input class="form-check-input" type="radio" disabled checked>'
     '<label class="form-check-label">B</label></div></div>'),
]


@pytest.mark.parametrize(("component", "expected"), COMPONENTS)
def test_components_are_written_as_the_markup_they_render_to(component, expected):
    assert component_html(component) == expected


# -- the static chart ---------------------------------------------------------------------------

SVG = "{http://www.w3.org/2000/svg}"


def test_static_bars_are_as_long_as_their_values(dataset):
    """The headline chart's bars in the SVG: lengths proportional to the figure's values, the
    value labels the figure's, and the document well formed."""
    app = create_app(dataset)
    ctx = app.server.config["BAROMETER_CONTEXT"]
    params = ctx.view_params(PERMALINK[1:], "en", None, "crosstab")
    figure = ctx.views.explore(params).figure
    root = ET.fromstring(figure_svg(figure, 400))
    plot = [svg for svg in root.iter(f"{SVG}svg") if svg.find(f"{SVG}rect") is not None][0]
    widths = [float(r.get("width")) for r in plot.iter(f"{SVG}rect")]
    values = figure["data"][0]["x"]
    low, high = figure["layout"]["xaxis"]["range"]
    assert widths == pytest.approx([1000 * (v - low) / (high - low) for v in values], abs=0.1)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    for label in figure["data"][0]["text"]:
        assert label in texts
    assert root.find(f"{SVG}title").text.startswith("Trust: Police")


def test_static_lines_pass_through_their_points():
    figure = {"data": [{"type": "scatter", "x": [2021, 2022, 2023], "y": [10, 50, 30],
                        "mode": "lines+markers", "name": "A", "line": {"color": "#111"}}],
              "layout": {"title": {"text": "T"}, "yaxis": {"range": [0, 100]}}}
    root = ET.fromstring(figure_svg(figure, 300))
    points = next(root.iter(f"{SVG}polyline")).get("points").split()
    xy = [tuple(float(v) for v in p.split(",")) for p in points]
    assert [round(1000 - y, 1) for _, y in xy] == [100.0, 500.0, 300.0]
    assert xy[1][0] - xy[0][0] == pytest.approx(xy[2][0] - xy[1][0])


def test_a_figure_with_only_a_message_shows_the_message():
    figure = {"data": [], "layout": {"annotations": [{"text": "No respondents match"}]}}
    assert "No respondents match" in figure_svg(figure, 300)


def test_page_address_reads_the_referer_for_the_layout_request(dataset):
    app = create_app(dataset)
    with app.server.test_request_context(
            "/_dash-layout", headers={"Referer": "http://h/trends?indicator=x&lang=sq"}):
        assert web_app.page_address() == ("/trends", "?indicator=x&lang=sq")
    with app.server.test_request_context("/compare?indicator=y"):
        assert web_app.page_address() == ("/compare", "?indicator=y")


def test_the_embed_view_has_its_first_view_too(client):
    body = client.get("/?embed=1&indicator=trust_eu&country=XK&year=2024").get_data(as_text=True)
    assert '<svg class="static-chart"' in body and "Loading..." not in body


def test_a_page_whose_first_view_fails_still_loads(dataset, monkeypatch):
    def broken(_layout):
        raise ValueError("a component the writer does not know")

    monkeypatch.setattr(web_app, "first_view_html", broken)
    response = create_app(dataset).server.test_client().get(PERMALINK)
    assert response.status_code == 200
    assert "Loading..." in response.get_data(as_text=True)


def test_a_bad_link_shows_its_notices_even_when_its_view_was_drawn_before(dataset):
    """Views are cached by parameters; two links that land on the same view but say different
    things about what they asked for each get their own notices."""
    client = create_app(dataset).server.test_client()
    assert client.get("/").status_code == 200  # the default view, now cached
    body = client.get("/?indicator=nope&year=1999").get_data(as_text=True)
    assert "The link asks for indicator &#x27;nope&#x27;" in body
    assert "The link asks for indicator" not in client.get("/").get_data(as_text=True)


def test_the_layout_request_is_never_kept_by_a_cache(client):
    """Its answer depends on the page that asks (the Referer): no cache may hand it to another."""
    response = client.get("/_dash-layout", headers={"Referer": "http://localhost" + PERMALINK})
    assert response.headers["Cache-Control"] == "no-store"
    assert "Referer" in response.headers["Vary"]


def test_the_app_scripts_wait_for_the_first_paint(client):
    """One deferred script (the loader) and every other script inert, in order; no library the
    pages never use; Dash's renderer started by the loader, not inline."""
    body = client.get(PERMALINK).get_data(as_text=True)
    executable = re.findall(r'<script src="([^"]+)"([^>]*)>', body)
    assert [(src.split("?")[0], attrs.strip()) for src, attrs in executable] == [
        ("/assets/first_view.js", "defer")]
    inert = re.findall(r'<script type="text/plain" data-src="([^"]+)">', body)
    assert any("dash_renderer" in src for src in inert) and any("react-dom" in src for src in inert)
    assert not any("dash_table" in src or "polyfill" in src for src in inert)
    assert "new DashRenderer();" not in body
    import barometer

    sources = "".join(p.read_text() for p in Path(barometer.__file__).parent.rglob("*.py"))
    assert "dash_table." not in sources and "import dash_table" not in sources


def test_a_kept_page_is_kept_per_address_language_and_day(client, monkeypatch):
    """Each worker keeps pages' first renders: what a page depends on keys them."""
    from datetime import date

    import barometer.present.labels as labels
    import barometer.web.app as app_module

    def kept_part(body: str) -> str:  # head and first view; Dash's config is made per load
        return body.split('<script id="_dash-config"')[0]

    first = client.get(PERMALINK).get_data(as_text=True)
    assert kept_part(client.get(PERMALINK).get_data(as_text=True)) == kept_part(first)
    elsewhere = client.get(PERMALINK, base_url="http://mirror.example").get_data(as_text=True)
    assert '<link rel="canonical" href="http://mirror.example/?indicator=' in elsewhere
    albanian = client.get(PERMALINK, headers={"Accept-Language": "sq"}).get_data(as_text=True)
    assert '<html lang="sq">' in albanian and '<html lang="en">' in first

    class NextYear(date):
        @classmethod
        def today(cls):
            return date(date.today().year + 1, 1, 2)

    monkeypatch.setattr(app_module, "date", NextYear)
    monkeypatch.setattr(labels, "date", NextYear)
    later = client.get(PERMALINK).get_data(as_text=True)
    assert f"accessed {NextYear.today().isoformat()}" in later
    assert f"accessed {date.today().isoformat()}" in first
    with client.application.test_request_context("/tabbook"):  # made for one visitor
        assert app_module.page_key("/tabbook", "") is None
        assert app_module.page_key("/", "") is not None
