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


def test_xlsx_download_has_header_rows_then_the_same_numbers_as_the_csv_table():
    result = crosstab(DATASET, Query("trust_police", by="gender", countries=("XK",), years=(2024,)))
    book = load_workbook(io.BytesIO(xlsx_bytes(result, DATASET.codebook, "sq", DATASET.version)))
    rows = list(book.active.iter_rows(values_only=True))
    header = {r[0]: r[1] for r in rows[:8] if r and r[0]}
    assert header["Pyetja"] == DATASET.codebook.indicator("trust_police").question.get("sq")
    assert "të dhëna sintetike demonstruese" in header["Burimi"]
    start = next(i for i, r in enumerate(rows) if r and r[0] == "country")
    body = rows[start + 1:]
    table = tidy_table(result, DATASET.codebook, "sq")
    assert len(body) == len(table)
    for got, (_, want) in zip(body, table.iterrows(), strict=True):
        assert got[3] == want["category"]
        assert got[6] == pytest.approx(want["percent"])


def test_controls_and_url_give_the_same_view_and_the_page_keeps_its_language():
    from barometer.web.context import AppContext
    from barometer.web.pages.explore import CONTROLS, filter_query

    app_ctx = AppContext.for_dataset(DATASET)
    controls = {**CONTROLS.query(["trust_courts", ["XK", "AL"], ["2024"], "gender", False, "row",
                                  True, "stacked"]),
                **filter_query(["settlement", None], [["rural"], None])}
    from_controls = app_ctx.view_params("", "sq", controls)
    from_url = app_ctx.view_params(
        "?indicator=trust_courts&country=AL,XK&year=2024&by=gender&weighted=0&percent=row"
        "&missing=show&chart=stacked&filter=settlement:rural&lang=en", "sq")
    assert from_controls == from_url
    assert from_url.lang == "sq"
    assert from_controls.filters == (("settlement", ("rural",)),)
    # and the controls show the view they came from
    assert CONTROLS.values(from_url) == ["trust_courts", ["AL", "XK"], ["2024"], "gender", False,
                                         "row", True, "stacked"]


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

    search = "?indicator=trust_courts&by=gender&country=xk&year=2024&filter=settlement:rural"
    update = explore_update(app_ctx(), from_url=True, search=search, control_values=[None] * 8,
                            filter_indicators=[], filter_values=[], lang="en",
                            base_url="https://example.org")
    controls = dict(zip(CONTROLS.ids, update.controls, strict=True))
    assert controls["indicator"] == "trust_courts" and controls["by"] == "gender"
    assert controls["country"] == ["XK"] and controls["year"] == ["2024"]
    assert controls["weighted"] is True and controls["missing"] is False
    assert update.search != no_update and "country=XK" in update.search  # written out in full
    assert len(update.filter_rows) == 1  # the link's filter gets its row
    assert update.csv_href == "/download/table.csv" + update.search
    assert update.citation.endswith("(synthetic demonstration data)")
    assert "https://example.org/" + update.search in update.citation
    assert update.question == DATASET.codebook.indicator("trust_courts").question.get("en")
    assert update.tables and "Kosovo" in update.note
    assert len(update.outputs()) == 1 + 8 + 11


def test_explore_from_the_controls_writes_the_url_and_leaves_the_controls_alone():
    from dash import no_update

    from barometer.web.pages.explore import explore_update

    values = ["trust_police", ["AL"], ["2023"], "trust_police", True, "column", False, "table"]
    update = explore_update(app_ctx(), from_url=False, search="?indicator=trust_police",
                            control_values=values, filter_indicators=["gender"],
                            filter_values=[["female"]], lang="sq")
    assert "country=AL" in update.search and "year=2023" in update.search
    assert "filter=gender:female" in update.search and "lang=sq" in update.search
    # a breakdown equal to the question is dropped, and its control is reset
    assert "by=" not in update.search
    assert update.controls[3] == "" and update.controls[0] is no_update
    assert update.filter_rows is no_update
    assert update.graph_style == {"display": "none"}  # table only


def test_trends_and_compare_write_only_their_own_parameters():
    from barometer.web.pages import compare, trends

    params = app_ctx().view_params("?indicator=trust_police&country=AL&chart=stacked", "en",
                                   view="trend")
    assert trends.CONTROLS.values(params) == ["trust_police", "trust", ["AL"], True]
    # Explore's bar types mean nothing to a trend: the view the page shows drops them (a map
    # is the one chart type a trend takes)
    url = app_ctx().params.encode(app_ctx().views.trends(params).params, "trend")
    assert "category=trust" in url and "chart=" not in url and "pool=" not in url
    query = compare.CONTROLS.query(["trust_eu", "2023", "equal", False])
    params = app_ctx().view_params("", "en", query, view="compare")
    assert (params.indicator, params.years, params.pool, params.weighted) == (
        "trust_eu", (2023,), "equal", False)


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
