"""Files whose labels are Windows-1252 (as real Stata and SPSS deliveries often are) open: the
reader falls back from the declared encoding to UTF-8, cp1252 and latin-1 with a warning naming the
file and the encoding; `--encoding` and a source's `encoding:` choose one and are used as given.

pyreadstat writes only UTF-8, so the fixtures are written with an ASCII stand-in of the same length
and their bytes patched to cp1252 afterwards (as tests/test_draft_codebook.py does)."""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd
import pyreadstat
import pytest
from click.testing import CliRunner

from barometer.cli import main
from barometer.codebook import load_codebook
from barometer.ingest import UnreadableFileError, build_dataset, draft_codebook
from barometer.ingest.readers import WarningNote, read_survey

N = 400
DK_BYTES = b"Don\x92t know"  # cp1252: 0x92 is the right single quotation mark
DK = DK_BYTES.decode("cp1252")
QUESTION_BYTES = b"Trust in the \x93police\x94"
QUESTION = QUESTION_BYTES.decode("cp1252")


def _frame(seed: int = 11) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "q1": rng.choice([1.0, 2.0, 3.0, 8.0], N, p=[0.35, 0.3, 0.2, 0.15]),
            "sex": rng.choice([1.0, 2.0], N),
            "wgt": rng.uniform(0.4, 2.5, N),
        }
    )


def _patch(path, pairs: list[tuple[bytes, bytes]]) -> None:
    data = path.read_bytes()
    for stand_in, real in pairs:
        assert len(stand_in) == len(real) and data.count(stand_in) == 1
        data = data.replace(stand_in, real)
    path.write_bytes(data)


def write_cp1252(path, frame: pd.DataFrame, **kw) -> None:
    """`frame` as .sav or .dta with its DK label and question text in cp1252 bytes."""
    labels = {"q1": {1.0: "A lot", 2.0: "Somewhat", 3.0: "Not at all", 8.0: "Don@t know"},
              "sex": {1.0: "Male", 2.0: "Female"}}
    questions = ["Trust in the @police@", "Sex", "Weight"]
    if path.suffix == ".dta":
        pyreadstat.write_dta(frame, path, variable_value_labels=labels, column_labels=questions, **kw)
    else:
        pyreadstat.write_sav(frame, path, variable_value_labels=labels, column_labels=questions, **kw)
    _patch(path, [(b"Don@t know", DK_BYTES), (b"Trust in the @police@", QUESTION_BYTES)])


@pytest.fixture(params=["survey.dta", "survey.sav"])
def cp1252_file(request, tmp_path):
    path = tmp_path / request.param
    frame = _frame()
    write_cp1252(path, frame)
    return path, frame


def test_the_file_is_not_valid_in_its_declared_encoding(cp1252_file):
    """The fixture is what real files are: pyreadstat alone cannot read it."""
    path, _ = cp1252_file
    read = pyreadstat.read_dta if path.suffix == ".dta" else pyreadstat.read_sav
    with pytest.raises(Exception, match="utf-8|encoding"):
        read(str(path))


def test_codebook_init_falls_back_to_cp1252_and_ingest_reads_it_the_same_way(cp1252_file):
    path, frame = cp1252_file
    out = path.parent / "codebook.yaml"
    result = CliRunner().invoke(main, ["codebook", "init", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and path.name in warnings[0] and "read as cp1252" in warnings[0]
    book = load_codebook(out)
    assert book.sources[0].encoding == "cp1252"
    q1 = book.indicator("q1")
    assert q1.question.en == QUESTION
    assert [(c.label.en, c.missing) for c in q1.categories] == [
        ("A lot", None), ("Somewhat", None), ("Not at all", None), (DK, "dk")]
    dataset, report = build_dataset(book, out.parent)
    assert report.errors == [] and report.warnings == []  # the recorded encoding is used as given
    counts = dataset.frame["q1"].astype(str).value_counts().to_dict()
    assert counts == frame["q1"].map({1: "1", 2: "2", 3: "3", 8: "8"}).value_counts().to_dict()


def test_crosstab_data_reads_the_file_and_warns_naming_it(cp1252_file, monkeypatch):
    path, frame = cp1252_file
    monkeypatch.chdir(path.parent)
    result = CliRunner().invoke(main, ["frequencies", "--data", str(path), "q1", "--weight", "wgt",
                                       "--missing", "show", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert f"warning: {path.name}: text is not valid" in result.stderr and "read as cp1252" in result.stderr
    csv = pd.read_csv(io.StringIO(result.stdout), keep_default_na=False)
    shares = frame.groupby("q1")["wgt"].sum() / frame["wgt"].sum() * 100
    got = dict(zip(csv["category"], csv["percent"].astype(float), strict=True))
    assert got == pytest.approx({"A lot": shares[1.0], "Somewhat": shares[2.0], "Not at all": shares[3.0],
                                 DK: shares[8.0]})


def test_an_encoding_asked_for_is_used_as_given(cp1252_file):
    path, _ = cp1252_file
    book, notes = draft_codebook([path], encoding="latin-1")
    assert book.sources[0].encoding == "iso8859-1"
    assert not any(isinstance(n, WarningNote) for n in notes)
    assert book.indicator("q1").categories[-1].label.en == DK_BYTES.decode("latin-1")  # what was asked
    book, _ = draft_codebook([path], encoding="windows-1252")
    assert book.indicator("q1").categories[-1].label.en == DK


@pytest.mark.parametrize(("encoding", "said"), [("utf-8", "cannot read the file as utf-8"),
                                                 ("klingon", "unknown encoding 'klingon'")])
def test_a_wrong_encoding_is_a_one_line_error_naming_file_and_encoding(cp1252_file, encoding, said):
    path, _ = cp1252_file
    for args in (["codebook", "init", str(path)], ["crosstab", "--data", str(path), "q1"]):
        result = CliRunner().invoke(main, [*args, "--encoding", encoding])
        assert result.exit_code == 1, result.output
        assert result.stderr.startswith("error: ") and len(result.stderr.strip().splitlines()) == 1
        assert str(path) in result.stderr and said in result.stderr


def test_encoding_without_data_files_is_refused():
    result = CliRunner().invoke(main, ["crosstab", "trust_police", "--encoding", "cp1252"])
    assert result.exit_code == 2 and "--encoding applies to --data files" in result.stderr


def test_the_codebook_encoding_is_honoured(tmp_path):
    path = tmp_path / "raw" / "survey.dta"
    path.parent.mkdir()
    frame = _frame(5)
    write_cp1252(path, frame)
    book_text = """\
dataset: {id: enc, title: {en: Encodings}}
countries: {GE: {name: {en: Georgia}}}
topics: [{id: t, label: {en: T}}]
sources:
  - {id: GE-2024, country: GE, year: 2024, file: raw/survey.dta, weight: wgt, encoding: ENCODING}
indicators:
  - id: trust
    topic: t
    type: single
    question: {en: Trust}
    categories:
      - {code: lot, label: {en: A lot}}
      - {code: some, label: {en: Somewhat}}
      - {code: not, label: {en: Not at all}}
      - {code: dk, label: {en: "Don't know"}, missing: dk}
    sources:
      GE-2024: {variable: q1, codes: {1: lot, 2: some, 3: not, 8: dk}}
"""
    good = tmp_path / "good.yaml"
    good.write_text(book_text.replace("ENCODING", "cp1252"), encoding="utf-8")
    dataset, report = build_dataset(load_codebook(good), tmp_path)
    assert report.errors == [] and report.warnings == [] and len(dataset.frame) == N
    unset = tmp_path / "unset.yaml"
    unset.write_text(book_text.replace(", encoding: ENCODING", ""), encoding="utf-8")
    dataset, report = build_dataset(load_codebook(unset), tmp_path)
    assert report.errors == [] and len(dataset.frame) == N
    assert len(report.warnings) == 1 and "survey.dta" in report.warnings[0] and "read as cp1252" in report.warnings[0]
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(book_text.replace("ENCODING", "utf-8"), encoding="utf-8")
    result = CliRunner().invoke(main, ["ingest", "--codebook", str(wrong)])
    assert result.exit_code == 1
    assert f"{path}: cannot read the file as utf-8, the encoding asked for" in result.stderr


def test_stata_before_14_declares_no_encoding_and_reads_as_cp1252(tmp_path):
    """Stata 13 and older files carry no encoding; readstat reads them as Windows-1252, with no
    fallback needed and no warning."""
    path = tmp_path / "old.dta"
    write_cp1252(path, _frame(), version=13)
    frame, meta = read_survey(path)
    assert meta.value_labels["q1"][8.0] == DK and meta.variable_labels["q1"] == QUESTION
    assert meta.notes == () and meta.chosen_encoding is None


def test_a_truncated_file_is_not_mistaken_for_an_encoding_problem(cp1252_file):
    path, _ = cp1252_file
    path.write_bytes(path.read_bytes()[:300])
    with pytest.raises(UnreadableFileError, match=f"^{re.escape(str(path))}: cannot read the file \\("):
        read_survey(path)


def test_csv_in_cp1252(tmp_path):
    path = tmp_path / "poll.csv"
    path.write_bytes(b"q1,comment\n1,\x93yes\x94\n2,no\n")
    frame, meta = read_survey(path)
    assert frame["comment"].tolist() == ["\u201cyes\u201d", "no"]
    assert isinstance(meta.notes[0], WarningNote) and "poll.csv" in meta.notes[0] and "cp1252" in meta.notes[0]
    with pytest.raises(UnreadableFileError, match="as utf-8, the encoding asked for"):
        read_survey(path, encoding="utf8")
