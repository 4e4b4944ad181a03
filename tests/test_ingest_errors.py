"""Bad deliveries: each problem is reported naming the file, the variable and the offending codes
with counts; by default the bad source (or rows) is skipped and the rest loads; strict mode fails."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyreadstat
import pytest
from click.testing import CliRunner
from test_ingest_fixtures import write_deliveries

from barometer.cli import main
from barometer.codebook import load_codebook
from barometer.ingest import (
    BadWeightError,
    DuplicateIdError,
    MissingVariableError,
    NothingLoadedError,
    StrictIngestError,
    UnmappedCodeError,
    UnreadableFileError,
    build_dataset,
)


@pytest.fixture
def deliveries(tmp_path):
    return tmp_path, write_deliveries(tmp_path)


def _build(folder, path, **kw):
    return build_dataset(load_codebook(path), folder, **kw)


def _file(report, source):
    return next(f for f in report.files if f.source == source)


def _rewrite_sav(path, change):
    frame, meta = pyreadstat.read_sav(str(path), user_missing=True)
    frame = change(frame)
    pyreadstat.write_sav(frame, path, variable_value_labels=meta.variable_value_labels)


def test_truncated_file_is_reported_and_others_load(deliveries):
    folder, path = deliveries
    target = folder / "raw/rs_2023.sav"
    data = target.read_bytes()
    target.write_bytes(data[: len(data) // 2])
    dataset, report = _build(folder, path)
    bad = _file(report, "RS-2023")
    assert bad.status == "skipped" and bad.rows_loaded == 0
    assert "rs_2023.sav" in bad.errors[0] and "cannot read" in bad.errors[0]
    assert set(dataset.frame["source"].unique()) == {"AL-2021", "RS-2021", "AL-2023"}
    assert len(dataset.frame) == 600
    with pytest.raises(StrictIngestError) as info:
        _build(folder, path, strict=True)
    assert any(isinstance(e, UnreadableFileError) for e in info.value.errors)


def test_missing_variable_names_file_variable_and_indicator(deliveries):
    folder, path = deliveries
    _rewrite_sav(folder / "raw/al_2021.sav", lambda f: f.drop(columns=["q1"]))
    dataset, report = _build(folder, path)
    message = _file(report, "AL-2021").errors[0]
    assert "al_2021.sav" in message and "q1 (indicator trust_police)" in message
    assert "AL-2021" not in set(dataset.frame["source"].astype(str))
    assert len(dataset.frame) == 600
    with pytest.raises(StrictIngestError) as info:
        _build(folder, path, strict=True)
    assert isinstance(info.value.errors[0], MissingVariableError)


def test_unmapped_codes_listed_with_counts(deliveries):
    folder, path = deliveries

    def add_codes(frame):
        frame.loc[:4, "p1"] = 7
        frame.loc[5:6, "p1"] = 55
        return frame

    _rewrite_sav(folder / "raw/rs_2023.sav", add_codes)
    _, report = _build(folder, path)
    bad = _file(report, "RS-2023")
    assert bad.status == "skipped" and bad.rows_rejected == bad.rows_read == 200
    message = bad.errors[0]
    assert "rs_2023.sav" in message and "variable p1" in message and "trust_police" in message
    assert "7 (5 rows)" in message and "55 (2 rows)" in message
    with pytest.raises(StrictIngestError) as info:
        _build(folder, path, strict=True)
    assert isinstance(info.value.errors[0], UnmappedCodeError)


def test_unusual_option_codes_warned_and_counted_as_not_chosen(deliveries):
    folder, path = deliveries

    def odd_codes(frame):
        frame.loc[10:14, "t_2"] = 2  # 1/2 coding: read as not chosen, but said
        frame.loc[20:21, "t_3"] = 7
        return frame

    _rewrite_sav(folder / "raw/al_2021.sav", odd_codes)
    dataset, report = _build(folder, path)
    al = _file(report, "AL-2021")
    assert al.status == "ok" and al.rows_loaded == 200
    assert [w for w in al.warnings if "threats" in w] == [
        "al_2021.sav: variable t_2 (indicator threats, option corruption): values other than the "
        "selected code 1, 0 and missing codes, counted as not chosen: 2 (5 rows)",
        "al_2021.sav: variable t_3 (indicator threats, option poverty): values other than the "
        "selected code 1, 0 and missing codes, counted as not chosen: 7 (2 rows)",
    ]
    rows = dataset.frame[dataset.frame["source"] == "AL-2021"].reset_index(drop=True)
    assert rows.loc[10:14, "threats__corruption"].eq(False).all()
    assert rows.loc[20:21, "threats__poverty"].eq(False).all()
    # t_1 holds only 0, 1 and its missing code 9; the other files only 0 and 1: no warning
    assert not [w for f in report.files for w in f.warnings if "t_1" in w or f.source != "AL-2021"]


def test_duplicate_ids_rejected_with_counts(deliveries):
    folder, path = deliveries

    def duplicate(frame):
        frame.loc[[1, 2], "resp"] = frame.loc[0, "resp"]  # three rows share one id
        frame.loc[10, "resp"] = frame.loc[11, "resp"]  # two rows share another
        return frame

    _rewrite_sav(folder / "raw/rs_2023.sav", duplicate)
    dataset, report = _build(folder, path)
    rs = _file(report, "RS-2023")
    assert (rs.rows_read, rs.rows_loaded, rs.rows_rejected) == (200, 195, 5)
    assert rs.status == "partial"
    assert "resp" in rs.errors[0] and "1 (3 rows)" in rs.errors[0] and "2 id(s)" in rs.errors[0]
    assert (dataset.frame["source"] == "RS-2023").sum() == 195
    with pytest.raises(StrictIngestError) as info:
        _build(folder, path, strict=True)
    assert isinstance(info.value.errors[0], DuplicateIdError)


def test_missing_and_nonpositive_weights_rejected(deliveries):
    folder, path = deliveries

    def spoil(frame):
        frame.loc[[0, 1], "ponder"] = np.nan
        frame.loc[2, "ponder"] = 0.0
        frame.loc[[3, 4, 5], "ponder"] = -1.0
        return frame

    _rewrite_sav(folder / "raw/rs_2023.sav", spoil)
    dataset, report = _build(folder, path)
    rs = _file(report, "RS-2023")
    assert (rs.rows_loaded, rs.rows_rejected) == (194, 6)
    message = rs.errors[0]
    assert "weight variable ponder" in message and "2 missing" in message
    assert "0 (1 row)" in message and "-1 (3 rows)" in message
    assert (dataset.frame["weight"] > 0).all()
    with pytest.raises(StrictIngestError) as info:
        _build(folder, path, strict=True)
    assert isinstance(info.value.errors[0], BadWeightError)


def test_nothing_loaded_raises(deliveries):
    folder, path = deliveries
    for f in (folder / "raw").iterdir():
        f.write_bytes(b"not a survey file")
    with pytest.raises(NothingLoadedError, match="no source could be loaded"):
        _build(folder, path)


def test_row_accounting_holds_with_rejections(deliveries):
    folder, path = deliveries
    _rewrite_sav(folder / "raw/rs_2023.sav", lambda f: f.assign(ponder=np.where(f.index < 7, 0.0, f["ponder"])))
    dataset, report = _build(folder, path)
    for f in report.files:
        assert f.rows_loaded + f.rows_rejected == f.rows_read
    assert report.rows_loaded == len(dataset.frame) == 800 - 7


def test_cli_reports_and_strict_exit_codes(deliveries):
    folder, path = deliveries
    _rewrite_sav(folder / "raw/al_2021.sav", lambda f: f.drop(columns=["q1"]))
    runner = CliRunner()
    result = runner.invoke(main, ["ingest", "--codebook", str(path)])
    assert result.exit_code == 0, result.output
    assert re.search(r"AL-2021\s+raw/al_2021.sav\s+200\s+0\s+200\s+skipped", result.output)
    assert "q1 (indicator trust_police)" in result.output
    strict = runner.invoke(main, ["ingest", "--codebook", str(path), "--strict", "--rebuild"])
    assert strict.exit_code == 1
    assert "q1 (indicator trust_police)" in strict.output


def test_cli_one_line_error_when_nothing_loads(deliveries):
    folder, path = deliveries
    for f in (folder / "raw").iterdir():
        f.unlink()
    result = CliRunner().invoke(main, ["ingest", "--codebook", str(path)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and "file not found" in lines[0]


def test_undeclared_value_as_string_column_codes(tmp_path):
    """A CSV source: codes matched whether the file holds numbers or strings."""
    (tmp_path / "raw").mkdir()
    pd.DataFrame({"q": [1, 2, 2, 9], "w": [1.0, 1.0, 2.0, 0.5]}).to_csv(tmp_path / "raw/a.csv", index=False)
    (tmp_path / "codebook.yaml").write_text(
        "dataset: {id: t, title: T}\ncountries: {AL: {name: Albania}}\ntopics: [{id: t, label: T}]\n"
        "sources: [{id: a, country: AL, year: 2020, file: raw/a.csv, weight: w}]\n"
        "indicators:\n  - id: q\n    topic: t\n    type: single\n    question: Q\n"
        "    categories: [{code: 'y', label: 'Yes'}, {code: 'n', label: 'No'}, {code: dk, label: DK, missing: dk}]\n"
        "    sources: {a: {variable: q, codes: {'1': 'y', 2: 'n', 9: dk}}}\n",
        encoding="utf-8",
    )
    dataset, report = build_dataset(load_codebook(tmp_path / "codebook.yaml"), tmp_path)
    assert dataset.frame["q"].value_counts().to_dict() == {"n": 2, "y": 1, "dk": 1}
