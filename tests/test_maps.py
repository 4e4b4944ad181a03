"""Maps: every region's colour class and hover figures equal the command line's crosstab by
region; small bases are hatched and hidden regions grey, both named in the legend; the table
under the map has the regions as rows; Explore, Compare, Trends and the embed view draw maps
when asked (and say why when they cannot); the CLI writes an SVG with a path per region."""

from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest
from click.testing import CliRunner

from barometer.cli import main
from barometer.i18n import format_number, format_percent
from barometer.ingest import load_dataset
from barometer.params import PARAMETER_TABLE
from barometer.present.maps import HIDDEN_FILL, class_breaks
from barometer.stats.query import data_years
from barometer.web.context import AppContext

DATASET = load_dataset()
YEARS = data_years(DATASET)
CTX = AppContext.for_dataset(DATASET)
SVG = "{http://www.w3.org/2000/svg}"


def cli_json(*args: str) -> dict:
    result = CliRunner().invoke(main, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def cli_regions(indicator: str, category: str, *args: str) -> dict[tuple[str, int, str], dict]:
    """(country, year, region) -> the CLI's row of `category` in a crosstab by region."""
    doc = cli_json("crosstab", indicator, "--by", "region", *args)
    return {(r["country"], r["year"], r["by"]): r for r in doc["rows"]
            if r["category"] == category}


def view(query: str, page: str = "crosstab"):
    params = PARAMETER_TABLE.parse(query, DATASET.codebook, YEARS, view=page)
    return {"crosstab": CTX.views.explore, "compare": CTX.views.compare,
            "trend": CTX.views.trends}[page](params)


def region_traces(figure: dict) -> dict[tuple[str, int, str], dict]:
    return {(t["meta"]["country"], t["meta"]["year"], t["meta"]["region"]): t
            for t in figure["data"] if isinstance(t.get("meta"), dict) and "region" in t["meta"]}


def legend_entries(figure: dict) -> dict[str, dict]:
    return {t["name"]: t for t in figure["data"] if t.get("showlegend")}


def hover_percent(trace: dict) -> str:
    return re.search(r"<b>([^<]+%)</b>", trace["text"]).group(1)


@pytest.mark.parametrize(
    ("indicator", "category", "args"),
    [
        ("safe_neighbourhood", "safe", ["--year", "2025"]),
        ("trust_police", "no_trust", ["--year", "2023", "--country", "XK,RS"]),
        ("eu_referendum", None, ["--year", "2025", "--country", "AL"]),
    ],
)
def test_every_region_colour_and_hover_equal_the_cli(indicator, category, args):
    query = "&".join(f"{a.lstrip('-')}={b}" for a, b in zip(args[::2], args[1::2], strict=True))
    if category:
        query += f"&category={category}"
    else:  # the default: the first net, else the first answer
        ind = DATASET.codebook.indicator(indicator)
        category = ind.nets[0].code if ind.nets else DATASET.codebook.categories_of(ind)[0].code
    shown = view(f"?indicator={indicator}&by=region&chart=map&{query}")
    assert shown.ok and shown.params.category == category
    expected = cli_regions(indicator, category, *args)
    traces = region_traces(shown.figure)
    assert set(traces) == set(expected)
    meta = shown.figure["layout"]["meta"]
    breaks, colours = meta["breaks"], meta["colours"]
    values = [r["percent"] for r in expected.values() if not r["suppressed"]]
    # round breaks spanning every figure, one colour per class
    assert breaks[0] <= min(values) and breaks[-1] >= max(values)
    assert 3 <= len(colours) == len(breaks) - 1 <= 7
    step = breaks[1] - breaks[0]
    assert all(math.isclose(b - a, step) for a, b in zip(breaks, breaks[1:], strict=False))
    assert any(math.isclose(step, m * 10 ** e) for m in (1, 2, 2.5, 5) for e in range(-2, 3))
    for key, row in expected.items():
        trace = traces[key]
        if row["suppressed"]:
            assert trace["fillcolor"] == HIDDEN_FILL
            continue
        pct = row["percent"]
        k = next(i for i in range(len(colours)) if pct < breaks[i + 1] or i == len(colours) - 1)
        assert breaks[k] <= pct, (key, pct, breaks)
        assert trace["fillcolor"] == colours[k], key
        assert hover_percent(trace) == format_percent(pct, "en")
        assert (f"95% CI {format_percent(row['ci_low'], 'en')} to "
                f"{format_percent(row['ci_high'], 'en')}") in trace["text"]
        assert f"Base: n = {format_number(row['base_n'], 'en')}" in trace["text"]
        assert row["by_label"] in trace["text"]
        assert trace["hoveron"] == "fills" and trace["fill"] == "toself"


def test_small_and_hidden_regions_are_drawn_as_such_and_named_in_the_legend():
    args = ["--year", "2025", "--country", "AL", "--filter", "gender:female"]
    expected = cli_regions("safe_neighbourhood", "safe", *args)
    small = [r for r in expected.values() if r["small"] and not r["suppressed"]]
    hidden = [r for r in expected.values() if r["suppressed"]]
    assert small and hidden, "the shipped data should give small and hidden regions here"
    shown = view("?indicator=safe_neighbourhood&by=region&chart=map&year=2025&country=AL"
                 "&filter=gender:female")
    traces = region_traces(shown.figure)
    legend = legend_entries(shown.figure)
    small_entry = next(name for name in legend if name.startswith("Small base (n < 50)"))
    hidden_entry = next(name for name in legend if name.startswith("Not shown (n < 30)"))
    assert legend[small_entry]["fillpattern"]["shape"] == "/"
    assert legend[hidden_entry]["fillpattern"]["shape"] == "."
    for row in small:
        trace = traces[(row["country"], row["year"], row["by"])]
        assert trace["fillpattern"]["shape"] == "/" and trace["fillcolor"] != HIDDEN_FILL
        assert "Small base: read with caution" in trace["text"]
        assert hover_percent(trace) == format_percent(row["percent"], "en")
    for row in hidden:
        trace = traces[(row["country"], row["year"], row["by"])]
        assert trace["fillcolor"] == HIDDEN_FILL and trace["fillpattern"]["shape"] == "."
        assert "Not shown" in trace["text"] and "%" not in trace["text"]
    # the legend names them (the first three, then how many more)
    for entry, rows in ((small_entry, small), (hidden_entry, hidden)):
        names = [r["by_label"] for r in rows]
        assert all(name in entry for name in names[:3])
        assert (f"+{len(names) - 3}" in entry) == (len(names) > 3)
    # and in the table under the map: hidden regions 'not shown', small ones flagged
    rows = {row.label: row for section in shown.sections for row in section.rows}
    assert all(rows[r["by_label"]].cells[0].text == "not shown" for r in hidden)
    assert all(rows[r["by_label"]].cells[0].small for r in small)


def test_the_table_under_the_map_has_the_regions_as_rows():
    expected = cli_regions("trust_police", "trust", "--year", "2024", "--country", "RS")
    shown = view("?indicator=trust_police&by=region&chart=map&year=2024&country=RS")
    (section,) = shown.sections
    assert section.corner == "Region"
    assert [c.label for c in section.columns] == ["Percent", "95% CI", "Base (n)"]
    assert section.caption == "Serbia 2024: Trust (full + some), by region"
    assert [row.label for row in section.rows] == [r["by_label"] for r in expected.values()]
    for row, cli in zip(section.rows, expected.values(), strict=True):
        assert row.cells[0].text == format_percent(cli["percent"], "en")
        assert row.cells[1].text == (f"{format_percent(cli['ci_low'], 'en')}–"
                                     f"{format_percent(cli['ci_high'], 'en')}")
        assert row.cells[2].text == format_number(cli["base_n"], "en")


def test_region_names_come_from_the_codebook_in_every_language():
    region = DATASET.codebook.indicator("region")
    for lang in ("en", "sq", "sr-Latn", "sr-Cyrl"):
        shown = view(f"?indicator=trust_police&by=region&chart=map&country=RS&lang={lang}")
        names = {row.label for row in shown.sections[0].rows}
        labels = {c.label.get(lang) for c in DATASET.codebook.categories_of(region)
                  if c.code.startswith("rs_")}
        assert names == labels
        for trace in region_traces(shown.figure).values():
            assert trace["name"] in labels and f"<b>{trace['name']}</b>" in trace["text"]
    cyrillic = view("?indicator=trust_police&by=region&chart=map&country=RS&lang=sr-Cyrl")
    assert "Београд" in {row.label for row in cyrillic.sections[0].rows}


def test_a_map_without_a_mapped_breakdown_falls_back_to_bars_saying_why():
    shown = view("?indicator=trust_police&by=gender&chart=map")
    assert shown.params.chart == "map"  # the link keeps asking for a map
    assert any(t["type"] == "bar" for t in shown.figure["data"])
    assert any("A map needs a breakdown" in n and "Region" in n for n in shown.notices)


def test_compare_shows_every_country_on_one_map():
    shown = view("?indicator=trust_eu&chart=map&year=2024", "compare")
    traces = region_traces(shown.figure)
    assert {country for country, _, _ in traces} == {"AL", "XK", "RS"}
    assert {year for _, year, _ in traces} == {2024}
    assert "xaxis2" not in shown.figure["layout"]  # one map
    assert "chart=map" in PARAMETER_TABLE.encode(shown.params, "compare")
    assert [s.caption.split(" 2024")[0] for s in shown.sections] == ["Albania", "Kosovo", "Serbia"]


def test_trends_draw_a_map_per_wave():
    shown = view("?indicator=trust_police&chart=map&country=XK", "trend")
    traces = region_traces(shown.figure)
    assert {year for _, year, _ in traces} == set(YEARS)
    layout = shown.figure["layout"]
    assert all(f"xaxis{i}" in layout for i in range(2, len(YEARS) + 1))
    titles = {a["text"] for a in layout["annotations"]}
    assert {f"<b>{y}</b>" for y in YEARS} <= titles
    # the same colour classes in every panel, so waves compare
    expected = cli_regions("trust_police", "trust", "--country", "XK", "--year",
                           ",".join(map(str, YEARS)))
    assert set(traces) == set(expected)
    lines = view("?indicator=trust_police&chart=stacked&country=XK", "trend")
    assert lines.params.chart is None and lines.figure["data"][0]["type"] == "scatter"


def test_the_map_carries_title_legend_note_footnote_and_demo_label():
    shown = view("?indicator=safe_neighbourhood&by=region&chart=map&country=XK")
    layout = shown.figure["layout"]
    assert "Safety in the neighbourhood" in layout["title"]["text"]
    # on the page the footnote; in a download (layout.meta.export) base note and source too
    assert "without prejudice to positions on" in layout["annotations"][-1]["text"]
    footer = layout["meta"]["export"]["annotations"][-1]["text"]
    assert "synthetic demonstration data" in footer
    assert "Base: respondents asked this question" in footer
    assert "without prejudice to positions on status" in footer
    assert [t["name"] for t in shown.figure["data"] if t.get("showlegend")][0].endswith("%")


def test_the_designation_footnote_is_shown_only_when_the_codebook_sets_it():
    from barometer.present.maps import region_map_figure
    from barometer.stats import Query, crosstab

    result = crosstab(DATASET, Query("trust_police", by="region", countries=("XK",),
                                     years=(2025,)))
    geo = DATASET.boundaries["region"]
    with_note = region_map_figure(result, DATASET.codebook, "en", "trust", geo,
                                  base_note="Base.", caption="Source.", footnote="A footnote.")
    without = region_map_figure(result, DATASET.codebook, "en", "trust", geo,
                                base_note="Base.", caption="Source.")
    assert with_note["layout"]["annotations"][-1]["text"] == "A footnote."
    assert without["layout"]["annotations"] == []
    assert with_note["layout"]["margin"]["b"] > without["layout"]["margin"]["b"]
    exported = [f["layout"]["meta"]["export"]["annotations"][-1]["text"]
                for f in (with_note, without)]
    assert exported == ["A footnote.<br>Base.<br>Source.", "Base.<br>Source."]


def test_the_embed_view_draws_the_map_with_its_table():
    from barometer.web.shell import embed_layout

    params = PARAMETER_TABLE.parse("?indicator=trust_police&by=region&chart=map&country=AL",
                                   DATASET.codebook, YEARS)
    layout = embed_layout(CTX, replace(params, lang="en"))
    (graph,) = [c.children for c in layout.children
                if getattr(c, "className", "") == "graph-slot"]  # the chart in its slot
    assert graph.figure["layout"]["meta"]["kind"] == "map"
    (details,) = [c for c in layout.children if getattr(c, "className", "") == "embed-table"]
    assert details.children[0].children == "Table"
    assert len(details.children) > 1  # the map's table


def test_the_command_line_writes_an_svg_with_a_path_per_region(tmp_path):
    out = tmp_path / "map.svg"
    result = CliRunner().invoke(main, ["map", "safe_neighbourhood", "--country", "AL,XK",
                                       "--year", "2025", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output and "Synthetic demonstration data" in result.output
    root = ET.parse(out).getroot()
    assert root.tag == f"{SVG}svg"
    paths = {p.get("data-region"): p for p in root.iter(f"{SVG}path")
             if p.get("class") == "region"}
    expected = cli_regions("safe_neighbourhood", "safe", "--country", "AL,XK", "--year", "2025")
    assert set(paths) == {region for _, _, region in expected}
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "Safety in the neighbourhood" in texts and "synthetic demonstration data" in texts
    assert "Base: respondents" in texts and "without prejudice" in texts
    for (_, _, region), row in expected.items():
        tooltip = paths[region].find(f"{SVG}title").text
        assert row["by_label"] in tooltip
        if row["suppressed"]:
            assert paths[region].get("fill") == "url(#hidden)" and "%" not in tooltip
        else:
            assert format_percent(row["percent"], "en") in tooltip
            assert paths[region].get("d").startswith("M")
    legend = [t.text for t in root.iter(f"{SVG}text")]
    assert "Percent" in legend and any(re.fullmatch(r"\d+–\d+%", t or "") for t in legend)


def test_the_command_line_refuses_a_breakdown_without_shapes():
    result = CliRunner().invoke(main, ["map", "trust_police", "--by", "gender", "-o", "-"])
    assert result.exit_code == 2
    assert "--by gender has no boundary file" in result.output and "region" in result.output


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([32.1, 71.5], (30, 40, 50, 60, 70, 80)),
        ([0.0, 100.0], (0, 20, 40, 60, 80, 100)),
        ([5.2, 5.9], (5.2, 5.4, 5.6, 5.8, 6.0)),
        ([12.0, 14.0], (12.0, 12.5, 13.0, 13.5, 14.0)),
        ([30.7, 82.4], (30, 40, 50, 60, 70, 80, 90)),  # six classes of 10 beat three of 20
    ],
)
def test_class_breaks_are_round_and_span_the_values(values, expected):
    assert class_breaks(values) == pytest.approx(expected)
