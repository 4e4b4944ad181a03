"""The statistics commands and the tidy export: CSV columns and figures equal the API's, bad
names exit 2 with the closest valid names, ad hoc mode on a .sav file without a codebook."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pyreadstat
import pytest
from click.testing import CliRunner
from stats_support import make_dataset

import barometer.ingest
from barometer.cli import main
from barometer.present.export import EXPORT_COLUMNS, tidy_table
from barometer.stats import Query, crosstab, trend


@pytest.fixture(scope="module")
def data():
    return make_dataset(n_per_source=150, seed=21, min_base=40, small_base=70)


@pytest.fixture
def cli(data, monkeypatch):
    monkeypatch.setattr(barometer.ingest, "load_dataset", lambda *_, **__: data)
    runner = CliRunner()
    return lambda *args: runner.invoke(main, list(args))


def test_tidy_table_columns_labels_and_flags(data):
    result = crosstab(data, Query("trust_police", by="gender", countries=("AL",)))
    tidy = tidy_table(result, data.codebook, "sq")
    assert tuple(tidy.columns[: len(EXPORT_COLUMNS)]) == EXPORT_COLUMNS
    assert set(tidy["by"]) == {"Femër", "Mashkull"}
    assert "Pak besim" in set(tidy["category"]) and "Full trust" in set(tidy["category"])  # English fallback
    expected = np.where(result.table["suppressed"], "suppressed", np.where(result.table["small"], "small", ""))
    assert list(tidy["flag"]) == list(expected)
    assert {"small", ""} <= set(tidy["flag"])
    no_by = tidy_table(crosstab(data, Query("trust_police")), data.codebook)
    assert (no_by["by"] == "").all()


def test_csv_equals_api(cli, data):
    out = cli("crosstab", "trust_police", "--by", "gender", "--country", "XK,AL", "--year", "2025",
              "--filter", "settlement:urban,rural", "--format", "csv")
    assert out.exit_code == 0, out.output
    csv = pd.read_csv(io.StringIO(out.output), keep_default_na=False)
    assert tuple(csv.columns[: len(EXPORT_COLUMNS)]) == EXPORT_COLUMNS
    query = Query("trust_police", by="gender", countries=("XK", "AL"), years=(2025,),
                  filters=(("settlement", ("urban", "rural")),))
    api = tidy_table(crosstab(data, query), data.codebook)
    assert list(csv["country"]) == list(api["country"])
    assert np.allclose(csv["percent"].replace("", np.nan).astype(float), api["percent"], equal_nan=True)
    assert list(csv["flag"]) == list(api["flag"])


def test_unweighted_pool_and_percent_options(cli, data):
    out = cli("crosstab", "trust_police", "--by", "gender", "--unweighted", "--percent", "row",
              "--pool", "equal", "--include-missing", "--format", "csv")
    assert out.exit_code == 0, out.output
    csv = pd.read_csv(io.StringIO(out.output), keep_default_na=False)
    latest = int(data.frame["year"].max())  # the default wave, as in links and the API
    api = crosstab(data, Query("trust_police", by="gender", years=(latest,), weighted=False,
                               percent="row", pool="equal", include_missing=True)).table
    assert set(csv["country"]) == {"pooled"}
    percent = pd.to_numeric(csv["percent"].replace("", np.nan))
    assert np.allclose(percent, api["percent"], equal_nan=True)


def test_trend_and_frequencies(cli, data):
    out = cli("trend", "trust_police", "--category", "trust", "--format", "json")
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    assert doc["kind"] == "categorical" and doc["query"]["category"] == "trust"
    api = trend(data, Query("trust_police"), "trust").table
    assert [r["category"] for r in doc["rows"]] == ["trust"] * len(api)
    assert [r["percent"] for r in doc["rows"]] == pytest.approx(list(api["percent"]))
    # without --category a trend follows the first net, as on the web and in the API
    default = json.loads(cli("trend", "trust_police", "--format", "json").stdout)
    assert default["query"]["category"] == "trust"
    freq = cli("frequencies", "threats", "--country", "RS")
    assert freq.exit_code == 0 and "Crime" in freq.output


@pytest.mark.parametrize(
    ("args", "named", "closest"),
    [
        (("crosstab", "trust_polise"), "trust_polise", "trust_police"),
        (("crosstab", "trust_police", "--country", "KX"), "KX", "XK"),
        (("crosstab", "trust_police", "--filter", "gender=femal"), "femal", "female"),
        (("trend", "trust_police", "--category", "trustt"), "trustt", "trust"),
        (("crosstab", "trust_police", "--year", "2023"), "2023", "2024"),
    ],
)
def test_unknown_names_exit_2_with_closest(cli, args, named, closest):
    out = cli(*args)
    assert out.exit_code == 2
    message = out.output.strip()
    assert message.count("\n") == 0
    assert named in message and closest in message


def test_bad_filter_syntax_exits_2(cli):
    out = cli("crosstab", "trust_police", "--filter", "gender")
    assert out.exit_code == 2 and "indicator:code,code" in out.output


def test_filters_take_the_url_form_and_the_old_form_with_a_note(cli):
    new = cli("crosstab", "trust_police", "--filter", "gender:female", "--format", "csv")
    old = cli("crosstab", "trust_police", "--filter", "gender=female", "--format", "csv")
    assert new.exit_code == old.exit_code == 0
    assert "write it as gender:female" in old.stderr and new.stderr == ""
    assert new.stdout == old.stdout


def test_ad_hoc_sav_without_codebook(tmp_path):
    rng = np.random.default_rng(5)
    n = 120
    frame = pd.DataFrame(
        {
            "q1": rng.choice([1.0, 2.0, 3.0, 9.0], n),
            "sex": rng.choice([1.0, 2.0], n),
            "wgt": rng.gamma(4.0, 0.25, n),
        }
    )
    path = tmp_path / "survey.sav"
    pyreadstat.write_sav(
        frame,
        str(path),
        column_labels=["Trust in police", "Sex", "Weight"],
        variable_value_labels={
            "q1": {1.0: "A lot", 2.0: "Somewhat", 3.0: "Not at all", 9.0: "Don't know"},
            "sex": {1.0: "Male", 2.0: "Female"},
        },
    )
    out = CliRunner().invoke(main, ["crosstab", "--data", str(path), "q1", "--by", "sex", "--weight", "wgt",
                                    "--format", "csv"])
    assert out.exit_code == 0, out.output
    csv = pd.read_csv(io.StringIO(out.output), keep_default_na=False)
    assert tuple(csv.columns[: len(EXPORT_COLUMNS)]) == EXPORT_COLUMNS
    assert (csv["country"] == "").all()
    male = frame[(frame["sex"] == 1) & (frame["q1"] != 9)]
    expected = 100 * male.loc[male["q1"] == 1, "wgt"].sum() / male["wgt"].sum()
    row = csv[(csv["by"] == "Male") & (csv["category"] == "A lot")].iloc[0]
    assert float(row["percent"]) == pytest.approx(expected)
    assert "Don't know" not in set(csv["category"])


def _ad_hoc_file(tmp_path, n: int = 300):
    """A .sav file with a weight missing for some rows and an interview date."""
    rng = np.random.default_rng(8)
    frame = pd.DataFrame(
        {
            "q1": rng.choice([1.0, 2.0, 3.0], n),
            "sex": rng.choice([1.0, 2.0], n),
            "wgt": rng.gamma(4.0, 0.25, n),
            "intdate": rng.integers(13_000_000_000, 13_100_000_000, n).astype(float),
        }
    )
    frame.loc[[3, 50, 51, 200], "wgt"] = np.nan
    path = tmp_path / "survey.sav"
    pyreadstat.write_sav(
        frame, str(path), variable_format={"intdate": "DATETIME20"},
        variable_value_labels={"q1": {1.0: "A lot", 2.0: "Somewhat", 3.0: "Not at all"},
                               "sex": {1.0: "Male", 2.0: "Female"}},
    )
    return path, frame


def test_ad_hoc_rows_without_a_weight_are_counted_on_stderr(tmp_path):
    path, frame = _ad_hoc_file(tmp_path)
    out = CliRunner().invoke(main, ["frequencies", "--data", str(path), "q1", "--weight", "wgt",
                                    "--format", "csv"])
    assert out.exit_code == 0, out.output
    assert f"note: {path}: weight variable wgt: 4 missing" in out.stderr
    assert "note: survey.sav: 4 of 300 rows left out; the statistics use the other 296" in out.stderr
    csv = pd.read_csv(io.StringIO(out.stdout), keep_default_na=False)  # stdout: the tidy table alone
    kept = frame[frame["wgt"].notna()]
    expected = 100 * kept.loc[kept["q1"] == 2, "wgt"].sum() / kept["wgt"].sum()
    assert float(csv.loc[csv["category"] == "Somewhat", "percent"].iloc[0]) == pytest.approx(expected)
    assert int(csv["n"].sum()) == len(kept)


@pytest.mark.parametrize("args", [["intdate"], ["q1", "--by", "intdate"], ["q1", "--filter", "intdate:1"]])
def test_ad_hoc_date_variable_is_refused_saying_why(tmp_path, args):
    path, _ = _ad_hoc_file(tmp_path)
    out = CliRunner().invoke(main, ["crosstab", "--data", str(path), *args])
    assert out.exit_code == 2
    assert out.stderr.startswith("error: 'intdate' is not an indicator: intdate in survey.sav is a date variable")
    assert "dates are not analysed" in out.stderr


def test_ad_hoc_role_variable_is_refused_saying_why(tmp_path):
    path, _ = _ad_hoc_file(tmp_path)
    out = CliRunner().invoke(main, ["crosstab", "--data", str(path), "wgt", "--weight", "wgt"])
    assert out.exit_code == 2 and "it is the weight variable of survey.sav" in out.stderr
    out = CliRunner().invoke(main, ["crosstab", "--data", str(path), "nosuch"])
    assert out.exit_code == 2 and "nosuch" in out.stderr and "allowed" in out.stderr
