"""Figure builders: valid Plotly figures (checked by plotly's own validators) whose bars and lines
carry the result's numbers, with suppressed cells left out and the caption inside the image."""

from __future__ import annotations

import math

import plotly.graph_objects as go
import pytest
from stats_support import make_dataset

from barometer.present.figures import crosstab_figure, empty_figure, headline_figure, trend_figure
from barometer.stats import Query, crosstab, trend

DATASET = make_dataset(n_per_source=120, seed=3, min_base=30, small_base=50)


def bar_values(fig: dict) -> list[float]:
    values = []
    for trace in fig["data"]:
        values += trace["x"] if trace.get("orientation") == "h" else trace["y"]
    return values


@pytest.mark.parametrize("chart", ["bars", "stacked", "horizontal"])
@pytest.mark.parametrize("by", [None, "gender", "age"])
def test_crosstab_figure_is_valid_and_carries_the_percentages(chart, by):
    result = crosstab(DATASET, Query("trust_police", by=by, years=(2025,)))
    fig = crosstab_figure(result, DATASET.codebook, "en", chart, base_note="Base note",
                          caption="Source: test · synthetic demonstration data")
    go.Figure(fig)  # raises on any property plotly does not know
    shown = sorted(v for v in bar_values(fig) if v is not None)
    table = result.table[~result.table["is_net"] & ~result.table["suppressed"]]
    assert shown == pytest.approx(sorted(table["percent"]))
    # the page shows the base note as text; a download carries it inside the image
    footer = fig["layout"]["meta"]["export"]["annotations"][0]["text"]
    assert "Base note" in footer and "synthetic demonstration data" in footer
    assert "annotations" not in fig["layout"]


def test_suppressed_cells_are_gaps_with_a_label():
    small = make_dataset(n_per_source=40, seed=5, min_base=30, small_base=50)
    result = crosstab(small, Query("trust_police", by="age", years=(2025,)))
    assert result.table["suppressed"].any(), "the fixture should have suppressed cells"
    fig = crosstab_figure(result, small.codebook, "en", "bars")
    go.Figure(fig)
    texts = [t for trace in fig["data"] for t in trace["text"]]
    values = bar_values(fig)
    cells = result.table[~result.table["is_net"]]
    assert sum(v is None for v in values) == int(cells["suppressed"].sum())
    assert {t for t, v in zip(texts, values, strict=True) if v is None} <= {"n<30", "not shown"}


@pytest.mark.parametrize("sort", ["none", "value"])
@pytest.mark.parametrize("by", [None, "gender", "age"])
def test_headline_figure_shows_one_answer_per_group(by, sort):
    result = crosstab(DATASET, Query("trust_police", by=by, years=(2025,)))
    fig = headline_figure(result, DATASET.codebook, "en", sort=sort)
    go.Figure(fig)
    net = DATASET.codebook.indicator("trust_police").nets[0].code
    rows = result.table[result.table["category"] == net]
    trace = fig["data"][0]
    # a hidden group is a zero-length bar labelled "not shown" (or "n<30") outside
    shown = [v for v, where in zip(trace["x"], trace["textposition"], strict=True)
             if where == "inside"]
    assert all(text in ("n<30", "not shown") for text, where in
               zip(trace["text"], trace["textposition"], strict=True) if where == "outside")
    assert sorted(shown) == pytest.approx(sorted(rows.loc[~rows["suppressed"], "percent"]))
    if sort == "value":
        assert shown == sorted(shown, reverse=True)
    title = fig["layout"]["title"]["text"]
    assert "2025" in title and (by is None or "by" in title)


def test_error_bars_span_the_confidence_interval():
    result = crosstab(DATASET, Query("trust_police", countries=("AL",), years=(2024,)))
    fig = crosstab_figure(result, DATASET.codebook, "en", "bars")
    trace = fig["data"][0]
    table = result.table[~result.table["is_net"]]
    for y, up, down, (_, row) in zip(trace["y"], trace["error_y"]["array"],
                                     trace["error_y"]["arrayminus"], table.iterrows(), strict=True):
        assert y + up == pytest.approx(row["ci_high"]) and y - down == pytest.approx(row["ci_low"])


def test_trend_figure_has_a_line_and_band_per_country():
    result = trend(DATASET, Query("trust_police"), "full")
    fig = trend_figure(result, DATASET.codebook, "sq")
    go.Figure(fig)
    lines = [t for t in fig["data"] if t["mode"] == "lines+markers"]
    assert len(lines) == result.table["country"].nunique()
    assert fig["layout"]["separators"] == ",."
    first = result.table[result.table["country"] == result.table["country"].iloc[0]]
    assert lines[0]["y"] == pytest.approx(list(first["percent"]))


def test_empty_figure_says_why():
    fig = empty_figure("No respondents match this choice.")
    go.Figure(fig)
    assert fig["layout"]["annotations"][0]["text"] == "No respondents match this choice."
    assert not math.isnan(fig["layout"]["height"])
