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
