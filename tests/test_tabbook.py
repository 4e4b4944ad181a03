"""Tab books: the right questions, a sheet per question equal to the command line's crosstab
for that question and banner, contents with links, disclosure rules in every sheet and the
CSV, and a second identical request that reuses the finished files."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from stats_support import make_dataset

from barometer.cli import main
from barometer.ingest import load_dataset
from barometer.present.tabbook import tabbook_csv, tabbook_xlsx
from barometer.stats import Query, QueryError, crosstab
from barometer.stats.tabbook import tabbook, tabbook_questions
from barometer.web import tabbooks
from barometer.web.context import AppContext
from barometer.web.tabbooks import DiskStore, build_files, request_from


@pytest.fixture(scope="module")
def demo():
    return load_dataset()


def test_the_questions_of_a_topic_leave_out_demographics_and_the_banner(demo):
    cb = demo.codebook
    questions = tabbook_questions(cb, topic="trust", breakdowns=("gender",))
    assert questions == tuple(i.id for i in cb.indicators if i.topic == "trust" and not i.demographic)
    everything = tabbook_questions(cb, breakdowns=("gender", "age_group", "education"))
    assert len(everything) == sum(not i.demographic for i in cb.indicators)
    assert tabbook_questions(cb, indicators=("trust_eu", "trust_police")) == ("trust_police",
                                                                               "trust_eu")
    with pytest.raises(QueryError) as caught:
        tabbook_questions(cb, topic="nope")
    assert caught.value.param == "topic"


def _sheet(book, name) -> list[tuple]:
    return list(book[name].iter_rows(values_only=True))


def test_a_sheet_equals_the_command_line_crosstab_for_its_question_and_banner(demo, tmp_path):
    out = tmp_path / "trust.xlsx"
    made = CliRunner().invoke(main, ["tabbook", "--topic", "trust", "--by", "gender,age_group",
                                     "--country", "XK", "--year", "2024", "-o", str(out)])
    assert made.exit_code == 0, made.output
    book = load_workbook(out)
    assert book.sheetnames[0] == "Contents"
    assert book.sheetnames[1:] == list(tabbook_questions(demo.codebook, topic="trust"))
    contents = book["Contents"]
    links = {c.value: c.hyperlink.location for c in contents["A"] if c.hyperlink}
    assert links["trust_courts"] == "'trust_courts'!A1"
    rows = _sheet(book, "trust_courts")
    assert ("Question", demo.codebook.indicator("trust_courts").question.get("en")) == rows[0][:2]
    assert any(r[0] == "Data version" and r[1] == demo.version for r in rows)
    assert any("synthetic demonstration data" in str(r[0]) for r in rows)
    header = next(i for i, r in enumerate(rows) if r[1] == "Total")
    columns = list(rows[header])
    for by in ("gender", "age_group"):
        csv = CliRunner().invoke(main, ["crosstab", "trust_courts", "--by", by, "--country", "XK",
                                        "--year", "2024", "--format", "csv"])
        table = pd.read_csv(io.StringIO(csv.output))
        for record in table.itertuples():
            column = next(j for j, c in enumerate(columns) if str(c).startswith(str(record.by)))
            row = next(r for r in rows[header:] if r[0] == record.category)
            assert row[column] == f"{record.percent:.1f}%"
            below = rows[rows.index(row) + 1][column]
            assert below.startswith(f"{record.ci_low:.1f}%–{record.ci_high:.1f}%")
        base = next(r for r in rows[header:] if r[0] == "Base (n)")
        for group, n in table.groupby("by")["base_n"].first().items():
            column = next(j for j, c in enumerate(columns) if str(c).startswith(str(group)))
            assert base[column] == f"{int(n):,}"


def test_disclosure_rules_hold_in_every_sheet_and_the_csv():
    """A small sample: groups under the minimum base show no figure anywhere in the book, and
    a lone hidden group takes a second one with it."""
    dataset = make_dataset(n_per_source=70, seed=2, min_base=20, small_base=30)
    questions = tabbook_questions(dataset.codebook, breakdowns=("settlement", "age"))
    query = Query(questions[0], include_missing=True)
    entries = list(tabbook(dataset, query, questions, ("settlement", "age")))
    hidden_somewhere = False
    for entry in entries:
        for part in entry.banner.parts:
            table = part.table
            small = table["suppressed"] & ~table["complementary"]
            hidden_somewhere |= bool(small.any())
            assert table.loc[table["suppressed"], ["n", "percent", "base_n"]].isna().all().all()
            per_table = table[table["suppressed"]].groupby(["country", "year"])["by"].nunique()
            assert (per_table != 1).all()  # never a single hidden group in a table
    assert hidden_somewhere
    book = load_workbook(io.BytesIO(tabbook_xlsx(entries, dataset.codebook)))
    min_base = dataset.codebook.dataset.thresholds.min_base
    for name in book.sheetnames[1:]:
        for row in book[name].iter_rows(values_only=True):
            if row[0] == "Base (n)":
                for cell in row[1:]:
                    if cell and cell.replace(",", "").isdigit():
                        assert int(cell.replace(",", "")) >= min_base
    csv = pd.read_csv(io.StringIO(tabbook_csv(entries, dataset.codebook).decode()), comment="#")
    shown = csv[csv["percent"].notna()]
    assert (shown["base_n"] >= min_base).all()
    assert set(csv.loc[csv["flag"].isin(["suppressed", "withheld"]), "percent"].isna()) == {True}


def test_a_second_identical_request_reuses_the_finished_files(demo, tmp_path, monkeypatch):
    app_ctx = AppContext.for_dataset(demo)
    store = DiskStore(tmp_path)
    ask = dict(topic="safety", indicators=(), by=["gender"], countries=["AL"], years=["2025"],
               weighted=True, lang="sr-Latn")
    seen = []
    key = build_files(app_ctx, request_from(app_ctx, **ask), store,
                      lambda done, total: seen.append((done, total)))
    assert seen[-1][0] == seen[-1][1] == len(tabbook_questions(demo.codebook, topic="safety", breakdowns=("gender",)))
    book = load_workbook(io.BytesIO(store.get(key, "xlsx")))
    assert book.sheetnames[0] == "Sadržaj"

    def no_second_computation(*_args, **_kwargs):
        raise AssertionError("the finished files should have been reused")

    monkeypatch.setattr(tabbooks, "tabbook", no_second_computation)
    assert build_files(app_ctx, request_from(app_ctx, **ask), store) == key
    changed = request_from(app_ctx, **{**ask, "countries": ["RS"]})
    assert changed.key(app_ctx.params, demo.version) != key


def test_the_web_page_answers_and_the_download_route_checks_its_key(demo, tmp_path, monkeypatch):
    from barometer.web.app import create_app

    monkeypatch.setenv("BAROMETER_DATA_DIR", str(tmp_path))  # the page's job store and files
    client = create_app(demo).server.test_client()
    assert client.get("/tabbook?lang=sq").status_code == 200
    assert client.get("/tabbook/download/not-a-key.xlsx").status_code == 404
    assert client.get("/tabbook/download/" + "0" * 32 + ".xlsx").status_code == 404
    assert client.get("/tabbook/download/" + "0" * 32 + ".exe").status_code == 404


def test_a_filtered_tab_book_says_so_and_counts_only_those_respondents(demo, tmp_path):
    from barometer.web.pages.tabbook import tabbook_outcome

    app_ctx = AppContext.for_dataset(demo)
    store = DiskStore(tmp_path)
    outcome = tabbook_outcome(app_ctx, topic=None, questions=["trust_eu"], by=["age_group"],
                              countries=["RS"], years=["2025"], weighted=True, lang="en",
                              filters=[("gender", ["female"])], store=store)
    href = next(c.href for c in outcome if getattr(c, "href", "").count(".xlsx"))
    key = href.split("/")[-1].split(".")[0]
    rows = _sheet(load_workbook(io.BytesIO(store.get(key, "xlsx"))), "trust_eu")
    assert any("Filters: Gender: Female" in str(r[0]) for r in rows)
    filtered = crosstab(demo, Query("trust_eu", countries=("RS",), years=(2025,),
                                    filters=(("gender", ("female",)),)))
    base = next(r for r in rows if r[0] == "Base (n)")
    assert base[1] == f"{int(filtered.table['base_n'].iloc[0]):,}"
