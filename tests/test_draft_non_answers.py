"""Non-answers beyond don't know / refused, as a Caucasus Barometer-like Stata file labels them
(-3 interviewer error, -5 break-off, -7 not applicable, -9 legal skip): `codebook init` makes them
missing codes, never categories, so no statistic counts them (not even with don't know/refused
shown); labelled codes nobody chose give no empty category or breakdown group; the notes say so.
Label texts are recognised in several languages, and answers that only contain the words are not."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pyreadstat
import pytest
from click.testing import CliRunner

from barometer.cli import main
from barometer.ingest import build_dataset, draft_codebook
from barometer.ingest.labels import label_kind

N = 600
TRUST = {1.0: "Fully trust", 2.0: "Somewhat trust", 3.0: "Do not trust", 4.0: "Nobody chose this",
         -1.0: "Don@t know", -2.0: "Refuse to answer", -3.0: "Interviewer error", -5.0: "Break off",
         -7.0: "Not applicable", -9.0: "Legal skip"}
SEX = {1.0: "Male", 2.0: "Female", -5.0: "Break off", -9.0: "Legal skip"}
NON_ANSWERS = [-3.0, -7.0, -9.0]


@pytest.fixture(scope="module")
def caucasus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cb")
    rng = np.random.default_rng(17)
    frame = pd.DataFrame(
        {
            "id": np.arange(1, N + 1, dtype=float),
            "q_trust": rng.choice([1.0, 2.0, 3.0, -1.0, -2.0, -3.0, -7.0, -9.0], N,
                                  p=[0.25, 0.25, 0.2, 0.1, 0.05, 0.03, 0.07, 0.05]),
            "sex": rng.choice([1.0, 2.0], N),
            "indwt": rng.uniform(0.3, 2.8, N),
        }
    )
    path = folder / "CB_2024.dta"
    pyreadstat.write_dta(frame, path, variable_value_labels={"q_trust": TRUST, "sex": SEX},
                         column_labels=["ID", "Trust in the police", "Sex", "Weight"])
    data = path.read_bytes()
    assert data.count(b"Don@t know") == 1
    path.write_bytes(data.replace(b"Don@t know", b"Don\x92t know"))  # Windows-1252, as such files are
    book, notes = draft_codebook([path])
    return path, frame, book, notes


def test_non_answers_are_missing_codes_not_categories(caucasus):
    _, _, book, notes = caucasus
    trust = book.indicator("q_trust")
    assert [(c.code, c.label.en, c.missing) for c in trust.categories] == [
        ("1", "Fully trust", None), ("2", "Somewhat trust", None), ("3", "Do not trust", None),
        ("m1", "Don\u2019t know", "dk"), ("m2", "Refuse to answer", "refused")]
    smap = trust.sources[book.sources[0].id]
    assert sorted(smap.missing_codes) == [-9, -7, -3]
    note = next(n for n in notes if "non-answers" in n)
    assert "q_trust" in note and "-3 = Interviewer error" in note and "-7 = Not applicable" in note


def test_labelled_codes_nobody_chose_are_left_out_with_a_note(caucasus):
    _, _, book, notes = caucasus
    assert [c.label.en for c in book.indicator("sex").categories] == ["Male", "Female"]
    codes = book.indicator("q_trust").sources[book.sources[0].id].codes
    assert -5 not in codes and 4 not in codes and -5 not in book.indicator("q_trust").sources[book.sources[0].id].missing_codes
    note = next(n for n in notes if "nobody chose" in n)
    assert "-5 = Break off" in note and "4 = Nobody chose this" in note and "sex (-9 = Legal skip" in note


def test_ingest_leaves_non_answers_out_of_every_base(caucasus, tmp_path):
    path, frame, book, _ = caucasus
    dataset, report = build_dataset(book, tmp_path)
    assert report.errors == [] and len(dataset.frame) == N
    assert dataset.frame["q_trust"].isna().sum() == frame["q_trust"].isin(NON_ANSWERS).sum()


@pytest.mark.parametrize("missing", ["hide", "show"])
def test_frequencies_never_count_non_answers(caucasus, missing, monkeypatch):
    path, frame, _, _ = caucasus
    monkeypatch.chdir(path.parent)
    result = CliRunner().invoke(main, ["frequencies", "--data", str(path), "q_trust", "--weight", "indwt",
                                       "--missing", missing, "--format", "csv"])
    assert result.exit_code == 0, result.output
    csv = pd.read_csv(io.StringIO(result.stdout), keep_default_na=False)
    answers = [1.0, 2.0, 3.0] + ([-1.0, -2.0] if missing == "show" else [])
    base = frame[frame["q_trust"].isin(answers)]
    expected = base.groupby("q_trust")["indwt"].sum() / base["indwt"].sum() * 100
    labels = {**TRUST, -1.0: "Don\u2019t know"}
    got = dict(zip(csv["category"], csv["percent"].astype(float), strict=True))
    assert got == pytest.approx({labels[code]: share for code, share in expected.items()})
    assert int(csv["n"].sum()) == len(base)


def test_crosstab_by_sex_has_no_empty_groups(caucasus, monkeypatch):
    path, frame, _, _ = caucasus
    monkeypatch.chdir(path.parent)
    result = CliRunner().invoke(main, ["crosstab", "--data", str(path), "q_trust", "--by", "sex",
                                       "--weight", "indwt", "--format", "csv"])
    assert result.exit_code == 0, result.output
    csv = pd.read_csv(io.StringIO(result.stdout), keep_default_na=False)
    assert set(csv["by"]) == {"Male", "Female"}
    assert "Break off" not in set(csv["category"]) | set(csv["by"])
    men = frame[(frame["sex"] == 1.0) & frame["q_trust"].isin([1.0, 2.0, 3.0])]
    expected = 100 * men.loc[men["q_trust"] == 3.0, "indwt"].sum() / men["indwt"].sum()
    row = csv[(csv["by"] == "Male") & (csv["category"] == "Do not trust")].iloc[0]
    assert float(row["percent"]) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        # English, as real files write them (codes in front, cases, notes after)
        ("Don't know (Do not read)", "dk"), ("Do not know / Did not understand the question", "dk"),
        ("-1. Don't know", "dk"), ("(98) DK", "dk"), ("DK/RA", "dk"), ("Hard to say", "dk"),
        ("Refused to answer", "refused"), ("Decline to answer (Do not read)", "refused"),
        ("Refusal (SPONT.)", "refused"), ("-2 Refuse to answer", "refused"), ("Prefer not to say", "refused"),
        ("Not Applicable", "na"), ("Legal skip", "na"), ("Interviewer error", "na"), ("Break off", "na"),
        ("Break-off", "na"), ("Inap.", "na"), ("INAP", "na"), ("N/A", "na"), ("-7 Not applicable", "na"),
        ("-9: Legal skip", "na"), ("Not asked in this wave", "na"), ("System missing", "na"),
        # Albanian
        ("Nuk aplikohet", "na"), ("Gabim i intervistuesit", "na"), ("Refuzoi të përgjigjet", "refused"),
        ("Nuk ka përgjigje", "refused"),
        # Serbian, Latin and Cyrillic
        ("Nije primenljivo", "na"), ("Ne odnosi se", "na"), ("Greška anketara", "na"), ("Prekinut intervju", "na"),
        ("Не односи се", "na"), ("Грешка анкетара", "na"), ("Odbija da odgovori", "refused"),
        ("Без одговора", "refused"), ("Ne zna", "dk"),
        # German, French, Spanish
        ("Weiß nicht", "dk"), ("Keine Angabe", "refused"), ("Entfällt", "na"), ("Interviewerfehler", "na"),
        ("Abbruch", "na"), ("Sans objet", "na"), ("Erreur de l'enquêteur", "na"), ("Sans réponse", "refused"),
        ("No aplica", "na"), ("Error del entrevistador", "na"), ("Entrevista interrumpida", "na"),
        ("NS/NC", "dk"),
        # Russian and Georgian, in their scripts and transliterated
        ("Затрудняюсь ответить", "dk"), ("Отказ от ответа", "refused"), ("Неприменимо", "na"),
        ("Ошибка интервьюера", "na"), ("არ ვიცი", "dk"), ("უარი პასუხზე", "refused"), ("არ ეხება", "na"),
        ("ar vici", "dk"), ("uari pasukhze", "refused"), ("ar exeba", "na"), ("oshibka intervyuera", "na"),
        # answers that only contain the words (labels seen in real files) stay answers
        ("Dont know how to report / ignorance", None), ("They don't know how to take a case to court", None),
        ("People Don't know where to report it", None), ("Refuse to pay bribes", None),
        ("Palestinians would refuse", None), ("Agnostic(Do not know if there is a God)", None),
        ("I do not know of any relevant experiences", None), ("Doesn't know people", None),
        ("DK - Denmark", None), ("NA - Namibia", None), ("Missing persons", None), ("Trifft nicht zu", None),
        ("Public services work well and do not break down", None), ("No, don't own", None),
    ],
)
def test_label_kinds_in_several_languages(label, kind):
    assert label_kind(label) == kind
