"""Banners (`by=gender,age_group,education`): the Total and each breakdown equal their own
crosstabs, letters run on across the banner but compare within a breakdown, and the table,
CSV, XLSX, API, command line and Explore carry it."""

from __future__ import annotations

import io
import json
import re
from dataclasses import replace

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from stats_support import make_dataset

from barometer.cli import main
from barometer.ingest import load_dataset
from barometer.params import ParamError, parse_params
from barometer.present.banners import banner_sections, banner_tidy
from barometer.present.downloads import xlsx_bytes
from barometer.stats import Query, crosstab
from barometer.stats.banner import banner, banner_table
from barometer.web.app import create_app

BANNER = ("gender", "settlement", "age")


@pytest.fixture(scope="module")
def small():
    return make_dataset(n_per_source=300, seed=5)


def test_the_total_and_each_breakdown_are_their_own_crosstabs(small):
    query = Query("trust_police", countries=("XK", "AL"), years=(2025,))
    result = banner(small, query, BANNER)
    total = crosstab(small, query).table
    pd.testing.assert_frame_equal(result.total.table.drop(columns="sig"), total.drop(columns="sig"))
    assert (result.total.table["sig"] == "").all()  # no country letters inside a banner
    for by, part in zip(BANNER, result.parts, strict=True):
        alone = crosstab(small, replace(query, by=by))
        numbers = ["country", "year", "by", "category", "n", "weighted", "percent", "ci_low",
                   "ci_high", "base_n", "suppressed"]
        pd.testing.assert_frame_equal(part.table[numbers], alone.table[numbers])
        # the same comparisons, lettered by the banner's names
        rename = {alone.by_letters[code]: part.by_letters[code] for code in alone.by_letters}
        assert [("".join(rename[c] for c in s)) for s in alone.table["sig"]] == \
            list(part.table["sig"])


def test_letters_run_on_across_the_banner_and_compare_within_a_breakdown(small):
    result = banner(small, Query("trust_police", countries=("XK",), years=(2024,)), BANNER)
    assert list(result.letters.values()) == list("ABCDEFGHIJKLMNOPQRSTUVWXYZ"[:len(result.letters)])
    table = banner_table(result)
    for by in BANNER:
        own = {letter for (b, _code), letter in result.letters.items() if b == by}
        letters = set("".join(table.loc[table["breakdown"] == by, "sig"]))
        assert letters <= own


def test_banner_sections_put_the_total_first_and_name_each_breakdown(small):
    result = banner(small, Query("trust_police", countries=("XK",), years=(2024,)), BANNER)
    section = banner_sections(result, small.codebook, "sq")[0]
    assert section.columns[0].label == "Gjithsej" and section.columns[0].group == ""
    groups = [c.group for c in section.columns[1:]]
    assert groups[:2] == ["Gender", "Gender"] and "Settlement" in groups and "Age" in groups
    assert section.columns[1].label == "Femër"
    assert section.rows[-1].kind == "base"
    assert len(section.rows[0].cells) == len(section.columns)


def test_a_hidden_column_in_one_breakdown_leaves_the_others_alone():
    dataset = make_dataset(n_per_source=60, seed=1, min_base=15, small_base=20)
    result = banner(dataset, Query("trust_police", countries=("XK",), years=(2024,),
                                   include_missing=True), ("settlement", "gender"))
    settlement, gender = result.parts
    assert settlement.protection.small  # the don't-know group is tiny
    table = banner_tidy(result, dataset.codebook)
    hidden = table[table["flag"].isin(["suppressed", "withheld"])]
    assert set(hidden["breakdown"]) == {"settlement"}
    assert hidden["percent"].isna().all() and hidden["n"].isna().all()
    assert not gender.protection.hidden_any


@pytest.mark.parametrize(("by", "message"), [
    ("gender,gender", "names a breakdown twice"),
    ("gender,nope", "nope"),
    ("gender,threats", "multiple-response"),
    ("gender,settlement,age,gender,x,y,z", "at most 6 breakdowns"),
])
def test_bad_banners_are_refused_naming_by(small, by, message):
    with pytest.raises(ParamError) as caught:
        parse_params(f"indicator=trust_police&by={by}", small.codebook, (2024, 2025), strict=True)
    assert caught.value.param == "by" and message in str(caught.value)


# -- the surfaces, on the demo data -----------------------------------------------------------------


@pytest.fixture(scope="module")
def demo():
    return load_dataset()


def test_xlsx_of_a_banner_has_the_breakdown_row_and_the_tidy_data(demo):
    result = banner(demo, Query("trust_police", countries=("XK",), years=(2024,)),
                    ("gender", "age_group"))
    book = load_workbook(io.BytesIO(xlsx_bytes(result, demo.codebook, "en", demo.version)))
    screen = [[c for c in row] for row in book.worksheets[0].iter_rows(values_only=True)]
    header = next(i for i, row in enumerate(screen) if row[1] == "Total")
    assert "Gender" in screen[header - 1] and "Age group" in screen[header - 1]
    assert any(row[0] == "Broken down by" and row[1] == "Gender, Age group" for row in screen)
    data = list(book.worksheets[1].iter_rows(values_only=True))
    columns = next(row for row in data if row and row[0] == "breakdown")
    assert columns[1] == "breakdown_label"
    rows = [dict(zip(columns, row, strict=False)) for row in data[data.index(columns) + 1:]]
    parts = {row["breakdown"] or "" for row in rows}
    assert parts == {"", "gender", "age_group"}


def test_the_api_and_the_command_line_give_the_same_banner(demo):
    client = create_app(demo).server.test_client()
    query = "indicator=trust_police&by=gender,age_group&country=XK&year=2024"
    doc = client.get(f"/api/v1/crosstab?{query}").get_json()
    assert [b["by"]["id"] for b in doc["banner"]] == ["gender", "age_group"]
    assert doc["banner"][1]["by"]["letters"]["18-29"] == "C"
    out = CliRunner().invoke(main, ["crosstab", "trust_police", "--by", "gender,age_group",
                                   "--country", "XK", "--year", "2024", "--format", "json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["banner"] == doc["banner"]
    csv = client.get(f"/api/v1/crosstab?{query}&format=csv").get_data(as_text=True)
    frame = pd.read_csv(io.StringIO(csv), keep_default_na=False)
    assert list(frame.columns[:2]) == ["breakdown", "breakdown_label"]
    assert set(frame["breakdown"]) == {"", "gender", "age_group"}


def test_explore_shows_the_banner_table_and_a_panel_per_breakdown(demo):
    from barometer.web import ids
    from barometer.web.context import AppContext
    from barometer.web.pages.explore import explore_update

    app_ctx = AppContext.for_dataset(demo)
    values = ["trust_police", ["XK"], "gender", True, "column", False, "headline", False, "trust"]
    update = explore_update(app_ctx, trigger=ids.BY_MORE, search="?indicator=trust_police",
                            control_values=values, more=["age_group", "education"],
                            year_values_=("2024", False, []), lang="en")
    assert "by=gender%2Cage_group%2Ceducation" in update.search or \
        "by=gender,age_group,education" in update.search
    view = app_ctx.views.explore(app_ctx.view_params(update.search, "en", None, "crosstab"))
    assert view.ok and view.sections[0].columns[0].label == "Total"
    titles = [a["text"] for a in view.figure["layout"]["annotations"]]
    assert titles == ["<b>Total</b>", "<b>Gender</b>", "<b>Age group</b>", "<b>Education</b>"]
    assert len(view.figure["data"]) == 4
    assert re.search(r"by gender, age group, education", view.figure["layout"]["title"]["text"])


def test_explore_combines_answers_into_a_named_group_and_undoes_it(demo):
    """Explore's "Combine answers": the chosen answers become one group in the URL (a link that
    opens the same view), its figures are those of the API, and "Undo the groups" drops it."""
    from barometer.web import ids
    from barometer.web.context import AppContext
    from barometer.web.pages.explore import explore_update

    app_ctx = AppContext.for_dataset(demo)
    search = "?indicator=trust_police&by=age_group&country=XK&year=2024"
    values = ["trust_police", ["XK"], "age_group", True, "column", False, "table", False, "trust"]
    update = explore_update(app_ctx, trigger=ids.COMBINE_ADD, search=search,
                            control_values=values, year_values_=("2024", False, []),
                            combine=("by", ["18-29", "30-44"], "under 45"), lang="en")
    assert "combine=age_group.under+45:18-29,30-44" in update.search
    assert "under 45" in str(update.combine[1])  # the groups in force, in words
    assert {o["value"] for o in update.combine[0]} == {"under 45", "45-59", "60+"}
    client = create_app(demo).server.test_client()
    api = client.get("/api/v1/crosstab" + update.search + "&format=csv").get_data(as_text=True)
    frame = pd.read_csv(io.StringIO(api))
    labels = {c.code: c.label.get("en") for c in demo.codebook.categories_of("age_group")}
    assert set(frame["by"]) == {"under 45", labels["45-59"], labels["60+"]}
    undone = explore_update(app_ctx, trigger=ids.COMBINE_CLEAR, search=update.search,
                            control_values=values, year_values_=("2024", False, []),
                            combine=("by", [], ""), lang="en")
    assert "combine=" not in undone.search
    # another control keeps the groups of the URL
    both = ["trust_police", ["XK", "AL"], *values[2:]]
    kept = explore_update(app_ctx, trigger=ids.COUNTRY, search=update.search,
                          control_values=both, year_values_=("2024", False, []), lang="en")
    assert "combine=age_group.under+45" in kept.search


def test_the_page_downloads_of_a_banner_carry_it(demo):
    client = create_app(demo).server.test_client()
    query = "?indicator=trust_police&by=gender,education&country=AL&year=2025"
    csv = client.get("/download/table.csv" + query)
    assert csv.status_code == 200
    assert 'filename="barometer-trust_police-by-gender-education-AL-2025.csv"' in \
        csv.headers["Content-Disposition"]
    lines = [line for line in csv.get_data(as_text=True).splitlines() if not line.startswith("#")]
    frame = pd.read_csv(io.StringIO("\n".join(lines)), keep_default_na=False)
    assert set(frame["breakdown"]) == {"", "gender", "education"}
    xlsx = client.get("/download/table.xlsx" + query)
    book = load_workbook(io.BytesIO(xlsx.data))
    assert any(row[1] == "Total" for row in book.worksheets[0].iter_rows(values_only=True))
