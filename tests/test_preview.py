"""`/preview.png`: a 1200×630 PNG of a permalink's chart, cached by query, language and data
version, with a strong ETag; a text card when the chart cannot be drawn in time; never a hidden
figure."""

from __future__ import annotations

import io
import re
import threading
import time
from urllib.parse import parse_qsl

import pytest
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from PIL import Image

from barometer.i18n import format_percent
from barometer.ingest import load_dataset
from barometer.present import preview_image
from barometer.stats import Query, crosstab
from barometer.web import preview_route
from barometer.web.app import create_app
from barometer.web.context import AppContext

PERMALINK = "indicator=trust_police&by=gender&country=XK&year=2024"
HIDDEN_VIEW = "indicator=trust_police&by=region&country=AL&year=2024"  # Gjirokastër, Kukës hidden


@pytest.fixture(scope="module")
def dataset():
    return load_dataset()


@pytest.fixture(scope="module")
def app(dataset):
    return create_app(dataset)


@pytest.fixture
def client(app):
    app.server.extensions["barometer_cache"].clear()
    return app.server.test_client()


def png_size(body: bytes) -> tuple[int, int]:
    image = Image.open(io.BytesIO(body))
    assert image.format == "PNG"
    return image.size


@pytest.mark.parametrize("query", [
    PERMALINK,
    PERMALINK + "&lang=sq",
    "indicator=trust_police&country=AL,XK&page=trends&lang=sr-Cyrl",
    "indicator=trust_police&page=compare",
    "indicator=safe_neighbourhood&by=region&country=AL&chart=map",
])
def test_a_preview_is_a_1200_by_630_png_with_a_strong_etag(client, query):
    response = client.get(f"/preview.png?{query}")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert png_size(response.data) == (1200, 630)
    etag, weak = response.get_etag()
    assert etag and not weak and not etag.endswith("fallback")
    assert response.headers["Cache-Control"] == (
        "public, max-age=86400, stale-while-revalidate=604800")
    again = client.get(f"/preview.png?{query}", headers={"If-None-Match": f'"{etag}"'})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["Cache-Control"] == response.headers["Cache-Control"]


def test_the_etag_follows_query_language_and_data_version(client, app):
    def tag(query, **headers):
        return client.get(f"/preview.png?{query}", headers=headers).get_etag()[0]

    first = tag(PERMALINK)
    assert tag(PERMALINK) == first
    assert tag(PERMALINK + "&lang=sq") != first
    assert tag(PERMALINK, **{"Accept-Language": "sq"}) != first
    assert tag(PERMALINK, **{"Accept-Language": "sq"}) == tag(PERMALINK, **{
        "Accept-Language": "sq-AL,sq;q=0.9"})
    assert tag(PERMALINK.replace("2024", "2025")) != first
    # without `lang` the language comes from Accept-Language, so caches must vary on it
    assert "Accept-Language" in client.get(f"/preview.png?{PERMALINK}").headers["Vary"]
    assert "Accept-Language" not in client.get(
        f"/preview.png?{PERMALINK}&lang=en").headers.get("Vary", "")
    dataset = app.server.config["BAROMETER_CONTEXT"].dataset
    version = dataset.version
    object.__setattr__(dataset, "version", "another-wave")  # a new wave, same process
    try:
        assert tag(PERMALINK) != first
    finally:
        object.__setattr__(dataset, "version", version)


def test_a_cached_preview_is_not_drawn_again(client, monkeypatch):
    first = client.get(f"/preview.png?{PERMALINK}")
    time.sleep(0.2)  # the drawing thread stores the image once it has answered

    def no_drawing(_card):
        raise AssertionError("drawn again")

    monkeypatch.setattr(preview_route, "card_png", no_drawing)
    second = client.get(f"/preview.png?{PERMALINK}")
    assert second.data == first.data and second.get_etag() == first.get_etag()


def test_a_failing_drawing_answers_the_text_card_briefly_cached(client, monkeypatch):
    def broken(_card):
        raise RuntimeError("no chart today")

    monkeypatch.setattr(preview_route, "card_png", broken)
    response = client.get(f"/preview.png?{PERMALINK}&chart=bars")
    assert response.status_code == 200 and png_size(response.data) == (1200, 630)
    assert response.get_etag()[0].endswith("-fallback")
    assert response.headers["Cache-Control"] == "public, max-age=60"


def test_the_text_card_says_the_headline_sentence(app, dataset, monkeypatch):
    said = {}
    real = preview_route.text_card_png

    def spy(headline, label="", title=""):
        said.update(headline=headline, label=label, title=title)
        return real(headline, label, title)

    monkeypatch.setattr(preview_route, "text_card_png", spy)
    monkeypatch.setattr(preview_route, "card_png", lambda _card: 1 / 0)
    app.server.extensions["barometer_cache"].clear()
    app.server.test_client().get(f"/preview.png?{PERMALINK}")
    result = crosstab(dataset, Query("trust_police", by="gender", countries=("XK",),
                                     years=(2024,)))
    trust = result.table[result.table["category"] == "trust"]
    for value in trust["percent"]:  # the sentence carries the published figures
        assert format_percent(value, "en", 0) in said["headline"]
    assert "Kosovo" in said["headline"] and "2024" in said["headline"]
    assert said["label"] == "synthetic demonstration data"


def test_a_busy_renderer_answers_the_text_card_within_its_wait(client, app):
    renderer = app.server.extensions["barometer_preview"]
    saved = renderer.wait
    renderer.wait = 0.3
    assert renderer.turns.acquire(timeout=5)  # another preview is being drawn
    try:
        started = time.perf_counter()
        response = client.get(f"/preview.png?{PERMALINK}&chart=stacked")
        waited = time.perf_counter() - started
    finally:
        renderer.turns.release()
        renderer.wait = saved
    assert response.get_etag()[0].endswith("-fallback")
    assert png_size(response.data) == (1200, 630)
    assert waited < 0.3 + 2.0  # the wait plus the text card, never a queue behind the drawing


def test_a_slow_drawing_answers_the_text_card_then_stores_the_chart(client, app, monkeypatch):
    renderer = app.server.extensions["barometer_preview"]
    release = threading.Event()
    real = preview_route.card_png

    def slow(card):
        release.wait(10)
        return real(card)

    monkeypatch.setattr(preview_route, "card_png", slow)
    monkeypatch.setattr(renderer, "render_time", 0.2)
    query = f"/preview.png?{PERMALINK}&chart=horizontal"
    first = client.get(query)
    assert first.get_etag()[0].endswith("-fallback")
    release.set()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # the late chart replaces the card in the cache
        later = client.get(query)
        if not later.get_etag()[0].endswith("-fallback"):
            break
        time.sleep(0.2)
    assert not later.get_etag()[0].endswith("-fallback")
    assert png_size(later.data) == (1200, 630) and later.data != first.data


@pytest.mark.parametrize(("path", "view", "search"), [
    ("/", "crosstab", "?" + PERMALINK + "&embed=1"),
    ("/trends", "trend", "?indicator=trust_police&country=AL,XK&chart=map"),
    ("/compare", "compare", "?indicator=trust_eu&pool=equal&year=2024"),
])
def test_a_page_s_preview_address_draws_the_page_s_view(dataset, path, view, search):
    app_ctx = AppContext.for_dataset(dataset)
    address = preview_route.preview_address(path, search, "sr-Cyrl")
    assert address.startswith("/preview.png?") and "lang=sr-Cyrl" in address
    args = parse_qsl(address.split("?", 1)[1])
    drawn = preview_route.preview_view(app_ctx, args, "sr-Cyrl")
    shown = {"crosstab": app_ctx.views.explore, "trend": app_ctx.views.trends,
             "compare": app_ctx.views.compare}[view](app_ctx.view_params(search, "sr-Cyrl",
                                                                         view=view))
    assert drawn == shown


# -- disclosure: no hidden figure in a preview ------------------------------------------------


def drawn_texts(figure) -> list[str]:
    """Every text the PNG shows: the card's, the charts' labels, the legends' and the tick
    labels inside the axes' limits (those outside are never drawn)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure).draw()
    texts = list(figure.texts)
    for legend in figure.legends:
        texts += legend.get_texts()
    for ax in figure.axes:
        texts += ax.texts + ax.get_xticklabels() + ax.get_yticklabels()
        for axis, (low, high) in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
            shown = [tick for tick in axis.get_major_ticks()
                     if min(low, high) <= tick.get_loc() <= max(low, high)]
            texts = [t for t in texts if not any(
                t is tick.label1 for tick in axis.get_major_ticks() if tick not in shown)]
    return [t.get_text() for t in texts if isinstance(t, Text) and t.get_text()]


@pytest.mark.parametrize("chart", ["bars", "headline", "stacked", "map"])
def test_no_hidden_figure_is_drawn(dataset, client, chart):
    rows = client.get(f"/api/v1/crosstab?{HIDDEN_VIEW}").get_json()["rows"]
    hidden = [r for r in rows if r["suppressed"]]
    assert {r["by"] for r in hidden} == {"al_gjirokaster", "al_kukes"}
    published = {r["percent"] for r in rows if not r["suppressed"] and r["percent"] is not None}
    truth = crosstab(dataset, Query("trust_police", by="region", countries=("AL",),
                                    years=(2024,), disclosure=False)).table
    secrets = truth[truth["by"].isin({"al_gjirokaster", "al_kukes"})]["percent"]

    app_ctx = AppContext.for_dataset(dataset)
    params = app_ctx.view_params(f"{HIDDEN_VIEW}&chart={chart}", "en")
    shown = app_ctx.views.explore(params)
    card = preview_route.card_of(app_ctx, shown, "en")
    figure = preview_image.card_figure(card)
    texts = drawn_texts(figure)
    numbers = {n for text in texts for n in re.findall(r"\d+(?:\.\d+)?%", text)}
    published_text = {format_percent(v, "en", d) for v in published for d in (0, 1)}
    ticks = {f"{t}%" for t in range(0, 101, 5)}  # axes and the map's class breaks
    assert numbers, texts
    assert numbers <= published_text | ticks, numbers - published_text - ticks
    secret_text = {format_percent(v, "en", d) for v in secrets for d in (0, 1)}
    assert not numbers & (secret_text - published_text - ticks)
    if chart in ("bars", "stacked"):
        # no bar at the hidden regions' places on the axis
        ax = figure.axes[0]
        labels = [t.get_text() for t in ax.get_xticklabels()]
        hidden_at = {i for i, label in enumerate(labels)
                     if label.startswith(("Gjirokast", "Kuk"))}
        assert len(hidden_at) == 2
        for bar in ax.patches:
            if isinstance(bar, Rectangle) and bar.get_height() > 0:
                assert round(bar.get_x() + bar.get_width() / 2) not in hidden_at
