"""Web logic without a browser: the codebook page's search and the XLSX download of a view."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from barometer.ingest import load_dataset
from barometer.present.downloads import xlsx_bytes
from barometer.present.export import tidy_table
from barometer.stats import Query, crosstab
from barometer.web.pages.codebook_page import matching_indicators

DATASET = load_dataset()


@pytest.mark.parametrize(
    ("query", "must_find"),
    [
        ("police", {"trust_police", "corruption_police"}),
        ("korupcija", {"corruption_police", "corruption_courts"}),   # Serbian Latin
        ("корупција", {"corruption_police"}),                        # Serbian Cyrillic
        ("besim policia", {"trust_police"}),                         # Albanian, two words
        ("POLICIJA", {"trust_police"}),                              # case
        ("trust_eu", {"trust_eu"}),                                   # id
    ],
)
def test_codebook_search_finds_questions_in_any_language(query, must_find):
    found = {ind.id for ind in matching_indicators(DATASET.codebook, query)}
    assert must_find <= found
    assert len(found) < len(DATASET.codebook.indicators)


def test_codebook_search_with_no_words_lists_everything_and_nonsense_nothing():
    assert len(matching_indicators(DATASET.codebook, "")) == len(DATASET.codebook.indicators)
    assert matching_indicators(DATASET.codebook, "zzzxqv") == []


def test_xlsx_download_has_the_screen_table_and_the_tidy_data_under_header_rows():
    from barometer.present.downloads import ViewReference
    from barometer.present.tables import display_tables

    result = crosstab(DATASET, Query("trust_police", by="gender", countries=("XK",), years=(2024,)))
    ref = ViewReference(link="https://example.org/?indicator=trust_police", citation="Cite as: X")
    book = load_workbook(io.BytesIO(xlsx_bytes(result, DATASET.codebook, "sq", DATASET.version,
                                                ref)))
    screen, data = book.worksheets
    rows = list(screen.iter_rows(values_only=True))
    header = {r[0]: r[1] for r in rows[:14] if r and r[0] and len(r) > 1 and r[1]}
    assert header["Pyetja"] == DATASET.codebook.indicator("trust_police").question.get("sq")
    assert header["Lidhja"] == ref.link
    texts = [str(r[0]) for r in rows[:16] if r and r[0]]
    assert "Cite as: X" in texts
    assert any(t.startswith("Burimi:") and "të dhëna sintetike demonstruese" in t for t in texts)
    assert not any(t.startswith(("Baza: Baza", "Burimi: Burimi")) for t in texts)  # no doubled
    # the first sheet is laid out like the table on the screen
    section = display_tables(result, DATASET.codebook, "sq")[0]
    start = next(i for i, r in enumerate(rows) if r and r[0] == section.caption)
    assert [str(c) for c in rows[start + 1][1:3]] == [
        c.label + f" ({c.letter})" for c in section.columns]
    figures = {r[0]: r[1:3] for r in rows[start + 2:] if r and r[0]}
    for row in section.rows:
        assert list(figures[row.label]) == [c.text for c in row.cells]
    # the second: the tidy table, the same numbers as the CSV
    rows = list(data.iter_rows(values_only=True))
    begin = next(i for i, r in enumerate(rows) if r and r[0] == "country")
    body = rows[begin + 1:]
    table = tidy_table(result, DATASET.codebook, "sq")
    assert len(body) == len(table)
    for got, (_, want) in zip(body, table.iterrows(), strict=True):
        assert got[3] == want["category"]
        assert got[6] == pytest.approx(want["percent"])


def test_controls_and_url_give_the_same_view_and_the_page_keeps_its_language():
    from barometer.web.context import AppContext
    from barometer.web.pages.explore import CONTROLS, filter_query, years_query

    app_ctx = AppContext.for_dataset(DATASET)
    controls = {**CONTROLS.query(["trust_courts", ["XK", "AL"], "gender", False, "row", True,
                                  "stacked", True, "full"]),
                **filter_query(["settlement", None], [["rural"], None]),
                **years_query("2024", False, None, ())}
    from_controls = app_ctx.view_params("", "sq", controls)
    from_url = app_ctx.view_params(
        "?indicator=trust_courts&country=AL,XK&year=2024&by=gender&weighted=0&percent=row"
        "&missing=show&chart=stacked&sort=value&category=full&filter=settlement:rural&lang=en",
        "sq")
    assert from_controls == from_url
    assert from_url.lang == "sq"
    assert from_controls.filters == (("settlement", ("rural",)),)
    # and the controls show the view they came from
    assert CONTROLS.values(from_url) == ["trust_courts", ["AL", "XK"], "gender", False, "row",
                                         True, "stacked", True, "full"]


@pytest.mark.parametrize(
    ("year_one", "comparing", "year_list", "previous", "years"),
    [
        ("2024", False, ["2025"], (2025,), (2024,)),           # picking a year switches to it
        ("2024", True, ["2023", "2025"], (2025,), (2023, 2025)),  # comparing is explicit
        ("2024", True, [], (2025,), (2025,)),                  # nothing ticked: what was shown
    ],
)
def test_picking_a_year_switches_to_it_unless_comparing(year_one, comparing, year_list,
                                                         previous, years):
    from barometer.web.pages.explore import years_query

    query = years_query(year_one, comparing, year_list, previous)
    assert app_ctx().view_params("", "en", query).years == years


# -- callbacks as pure functions (vizro's test_filter_action is the model) ----------------------

APP_CTX = None


def app_ctx():
    global APP_CTX
    if APP_CTX is None:
        from barometer.web.context import AppContext

        APP_CTX = AppContext.for_dataset(DATASET)
    return APP_CTX


def test_explore_from_a_shared_link_sets_every_control_and_normalises_the_url():
    from dash import no_update

    from barometer.web.pages.explore import CONTROLS, explore_update

    search = "?indicator=trust_courts&by=gender&country=xk&year=2024,2025&filter=settlement:rural"
    update = explore_update(app_ctx(), trigger=None, search=search, control_values=[None] * 9,
                            filter_indicators=[], filter_values=[], lang="en",
                            base_url="https://example.org")
    controls = dict(zip(CONTROLS.ids, update.controls, strict=True))
    assert controls["indicator"] == "trust_courts" and controls["by"] == "gender"
    assert controls["country"] == ["XK"] and controls["weighted"] is True
    assert controls["missing"] is False and controls["chart-type"] == "headline"
    assert update.years == ("2025", True, ["2024", "2025"])  # two years: comparing
    assert "comparing" in update.year_picker_class
    assert update.search != no_update and "country=XK" in update.search  # written out in full
    assert len(update.filter_rows) == 1  # the link's filter gets its row
    panel = update.panel
    assert panel.csv_href == "/download/table.csv" + update.search
    assert panel.citation.endswith("(synthetic demonstration data)")
    assert "https://example.org/" + update.search in panel.citation
    assert panel.question == DATASET.codebook.indicator("trust_courts").question.get("en")
    assert panel.tables and "Kosovo" in panel.note
    assert panel.summary and "Kosovo" in str(panel.summary[0])
    assert panel.svg_name.startswith("barometer-trust_courts-by-gender-XK-2024-2025")
    assert "Trust: Courts" in panel.choices and "Kosovo" in panel.choices
    assert len(update.outputs()) == 1 + 9 + 1 + 4 + 3 + 1 + 3 + 13


def test_explore_from_the_controls_writes_the_url_and_leaves_the_controls_alone():
    from dash import no_update

    from barometer.web import ids
    from barometer.web.pages.explore import explore_update

    values = ["trust_police", ["AL"], "trust_police", True, "column", False, "table", False,
              "trust"]
    update = explore_update(app_ctx(), trigger=ids.COUNTRY, search="?indicator=trust_police",
                            control_values=values, year_values_=("2023", False, ["2025"]),
                            filter_indicators=["gender"], filter_values=[["female"]], lang="sq")
    assert "country=AL" in update.search and "year=2023" in update.search
    assert "filter=gender:female" in update.search and "lang=sq" in update.search
    # a breakdown equal to the question is dropped, and its control is reset
    assert "by=" not in update.search
    assert update.controls[2] == "" and update.controls[0] is no_update
    assert update.filter_rows is no_update
    assert update.panel.graph_style == {"display": "none"}  # table only


def test_a_control_change_leaves_the_other_pickers_lists_alone():
    """Sent again, a picker's options would make it index them anew in the browser."""
    from dash import no_update

    from barometer.web import ids
    from barometer.web.components import breakdown_options
    from barometer.web.pages.explore import explore_update

    values = ["trust_police", ["AL"], "gender", True, "column", False, "headline", False,
              "trust"]
    update = explore_update(app_ctx(), trigger=ids.COUNTRY, search="?indicator=trust_police",
                            control_values=values, year_values_=("2025", False, ["2025"]),
                            lang="en")
    assert update.by_options is no_update and update.category_options is no_update
    assert update.years == (no_update, no_update, no_update)  # as the visitor left them
    values[0] = "trust_courts"
    update = explore_update(app_ctx(), trigger=ids.INDICATOR, search="?indicator=trust_police",
                            control_values=values, year_values_=("2025", False, []), lang="en")
    assert update.by_options == breakdown_options(DATASET.codebook, "en", "trust_courts",
                                                  searched_on_server=True)
    assert [o["value"] for o in update.category_options][0] == DATASET.codebook.indicator(
        "trust_courts").nets[0].code


def test_a_new_question_starts_from_its_own_answer():
    from barometer.web import ids
    from barometer.web.pages.explore import explore_update

    values = ["trust_courts", [], "", True, "column", False, "headline", False, "trust"]
    update = explore_update(app_ctx(), trigger=ids.INDICATOR,
                            search="?indicator=trust_police&category=some",
                            control_values=values, year_values_=("2025", False, []), lang="en")
    first = DATASET.codebook.indicator("trust_courts").nets[0].code
    assert f"category={first}" in update.search


def test_trends_and_compare_write_only_their_own_parameters():
    from barometer.web.pages import compare, trends

    params = app_ctx().view_params("?indicator=trust_police&country=AL&chart=stacked", "en",
                                   view="trend")
    assert trends.CONTROLS.values(params) == ["trust_police", "trust", ["AL"], True]
    # Explore's bar types mean nothing to a trend: the view the page shows drops them (a map
    # is the one chart type a trend takes)
    url = app_ctx().params.encode(app_ctx().views.trends(params).params, "trend")
    assert "category=trust" in url and "chart=" not in url and "pool=" not in url
    query = compare.CONTROLS.query(["trust_eu", ["AL", "RS"], "2023", "equal", "stacked", "trust",
                                    False])
    params = app_ctx().view_params("", "en", query, view="compare")
    assert (params.indicator, params.countries, params.years, params.pool, params.weighted) == (
        "trust_eu", ("AL", "RS"), (2023,), "equal", False)
    # Compare carries every choice in its own URL
    url = app_ctx().params.encode(params, "compare")
    assert "country=AL,RS" in url and "pool=equal" in url and "chart=stacked" in url


@pytest.mark.parametrize(
    ("path", "title_start"),
    [("/", "Explore"), ("/trends", "Trends"), ("/compare", "Compare"), ("/codebook", "Codebook"),
     ("/about", "About"), ("/nowhere", "Page not found")],
)
def test_the_shell_lays_out_every_page_of_the_registry(path, title_start):
    from barometer.web.shell import shell_layout

    frame, title = shell_layout(app_ctx(), path, "?indicator=trust_eu&lang=sq", "en")
    assert title.startswith(title_start)
    text = str(frame)
    assert "demo-banner" in text
    for page_path in ("/trends", "/compare", "/codebook", "/about"):
        assert f"'{page_path}?indicator=trust_eu&lang=sq'" in text  # links carry the keys
