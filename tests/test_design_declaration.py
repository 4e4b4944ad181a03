"""Sample designs from the codebook to the statistics: the schema (with its shorthand), what
ingest builds and rejects (naming file and variable), per-country designs in a multi-country
file, the facts a Result carries, `codebook init`'s guesses and the ad hoc design options."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyreadstat
import pytest
from click.testing import CliRunner

from barometer.cli import main
from barometer.codebook import Codebook, CodebookError, SampleDesign, parse_codebook
from barometer.ingest import build_dataset, draft_codebook
from barometer.stats import Query, crosstab

YAML = """\
dataset: {id: d, title: D}
countries: {AL: {name: Albania}, XK: {name: Kosovo}}
topics: [{id: t, label: T}]
sources:
  - id: s1
    country: AL
    year: 2024
    file: s1.sav
    weight: w
DESIGN
indicators:
  - {id: q, topic: t, type: single, question: Q, categories: [{code: a, label: A}, {code: b, label: B}],
     sources: {s1: {variable: q, codes: {1: a, 2: b}}}}
"""


def codebook_text(design: str) -> str:
    return YAML.replace("DESIGN\n", design)


@pytest.mark.parametrize(("design", "fragments"), [
    ("    strata: s\n    design: {psu: p}\n", ["sources.s1", "shorthand"]),
    ("    design: {type: replicate, repweights: 'rw[0-9]+'}\n", ["sources.s1.design", "needs a method"]),
    ("    design: {psu: p, repweights: 'rw[0-9]+'}\n", ["sources.s1.design", "repweights", "only a replicate design"]),
    ("    design: {type: replicate, repweights: [a, b], method: jk1, lonely_psu: remove}\n",
     ["lonely_psu", "only a strata/PSU design"]),
    ("    design: {type: replicate, repweights: [a, b], method: jkn}\n", ["jkn needs rscales"]),
    ("    design: {psu: p, lonely_psu: drop}\n", ["sources.s1.design.lonely_psu", "adjust"]),
    ("    design: {type: replicate, repweights: [a, b], method: brr, scale: 0.5}\n", ["brr", "fixes the scale"]),
    ("    design_by_country: {RS: {psu: p}}\n", ["design_by_country.RS", "not one of the countries"]),
    ("    design_by_country: {XK: {psu: p}}\n", ["design_by_country.XK", "no country_variable"]),
])
def test_design_errors_name_the_key(design, fragments):
    text = codebook_text(design)
    with pytest.raises(CodebookError) as info:
        parse_codebook(text, source_name="codebook.yaml")
    message = str(info.value)
    assert message.startswith("codebook.yaml, line ")
    for fragment in fragments:
        assert fragment in message, message


def test_shorthand_is_the_design():
    flat = parse_codebook(codebook_text("    strata: s\n    psu: p\n")).sources[0]
    full = parse_codebook(codebook_text("    design: {strata: s, psu: p}\n")).sources[0]
    assert flat.sample_design == full.sample_design == SampleDesign(strata="s", psu="p")
    assert full.sample_design.nest and full.sample_design.lonely_psu == "adjust"
    assert parse_codebook(codebook_text("")).sources[0].sample_design is None


def test_reserved_indicator_ids():
    text = codebook_text("").replace("{id: q, topic", "{id: fpc, topic")
    text = text.replace("{s1: {variable: q, codes", "{s1: {variable: q, codes")
    with pytest.raises(CodebookError, match="fpc.*names a column of the harmonised table"):
        parse_codebook(text)


# -- ingest -------------------------------------------------------------------------------------------


def clustered(rng, strata=(3, 3, 2), per_psu=6) -> pd.DataFrame:
    rows = []
    for s, count in enumerate(strata, start=1):
        for p in range(1, count + 1):
            rows.append(pd.DataFrame({"s": float(s), "p": float(p), "q": rng.choice([1.0, 2.0], per_psu),
                                      "w": rng.uniform(0.5, 2.0, per_psu)}))
    return pd.concat(rows, ignore_index=True)


def build(tmp_path, frame: pd.DataFrame, design: dict | None, **source) -> tuple:
    """Ingest s1.sav (`frame`, with `design`) beside a plain source for XK, so that something
    always loads."""
    pyreadstat.write_sav(frame, tmp_path / "s1.sav")
    pyreadstat.write_sav(clustered(np.random.default_rng(0)), tmp_path / "s2.sav")
    raw = parse_codebook(codebook_text("")).model_dump(by_alias=True, exclude_none=True)
    raw["sources"][0].update(source)
    if design is not None:
        raw["sources"][0]["design"] = design
    if "country_variable" not in source:
        raw["sources"] = (*raw["sources"], {"id": "s2", "country": "XK", "year": 2024, "file": "s2.sav", "weight": "w"})
        raw["indicators"][0]["sources"]["s2"] = raw["indicators"][0]["sources"]["s1"]
    return build_dataset(Codebook.model_validate(raw), tmp_path)


def test_design_columns_and_contract(tmp_path):
    rng = np.random.default_rng(1)
    frame = clustered(rng)
    frame["N"] = frame["s"].map({1: 10.0, 2: 6.0, 3: 4.0})
    dataset, report = build(tmp_path, frame, {"strata": "s", "psu": "p", "fpc": "N"})
    assert not report.errors
    f = dataset.frame[dataset.frame["source"] == "s1"]
    assert f["strata"].iloc[0] == "s1:1" and f["psu"].iloc[0] == "s1:1"
    assert list(f["fpc"].iloc[[0, -1]]) == [10.0, 4.0]
    assert dataset.frame.loc[dataset.frame["source"] == "s2", "fpc"].isna().all()
    # fractions: N_h = n_h / f_h (n_h the PSUs sampled in the stratum), as R's as.fpc
    frame["f"] = frame["s"].map({1: 0.5, 2: 0.25, 3: 1.0})
    dataset, report = build(tmp_path, frame, {"strata": "s", "psu": "p", "fpc": "f"})
    assert not report.errors
    assert dataset.frame.dropna(subset=["strata"]).groupby("strata")["fpc"].first().to_dict() == {"s1:1": 6.0, "s1:2": 12.0, "s1:3": 2.0}


@pytest.mark.parametrize(("change", "design", "fragments", "skipped"), [
    (lambda f: f.assign(s=f["s"].where(f.index != 3)), {"strata": "s", "psu": "p"},
     ["s1.sav", "strata variable s", "1 row(s) without a value", "rejected"], False),
    (lambda f: f, {"strata": "s", "psu": "p", "nest": False},
     ["s1.sav", "PSU codes of p appear in more than one stratum of s", "nest: true"], True),
    (lambda f: f.assign(N=f["s"].map({1: 10.0, 2: 0.5, 3: 4.0})), {"strata": "s", "psu": "p", "fpc": "N"},
     ["fpc variable N mixes population counts"], True),
    (lambda f: f.assign(N=np.where(f.index % 2, 10.0, 11.0)), {"strata": "s", "psu": "p", "fpc": "N"},
     ["fpc variable N varies within stratum"], True),
    (lambda f: f.assign(N=2.0), {"strata": "s", "psu": "p", "fpc": "N"},
     ["more than 100% of the PSUs sampled", "stratum/strata 1"], True),
    (lambda f: f.assign(p=np.where(f["s"] == 3, 1.0, f["p"])), {"strata": "s", "psu": "p", "lonely_psu": "fail"},
     ["1 stratum/strata of s with one PSU", "lonely_psu: fail"], True),
    (lambda f: f.assign(rw1=f["w"], rw2=np.where(f.index == 5, -1.0, f["w"])),
     {"type": "replicate", "repweights": "rw[0-9]+", "method": "jk1"},
     ["s1.sav", "replicate weights missing or negative: rw2 (1 row)", "rejected"], False),
    (lambda f: f, {"type": "replicate", "repweights": "repwt[0-9]+", "method": "bootstrap"},
     ["no variable's name matches the replicate-weight pattern 'repwt[0-9]+'"], True),
    (lambda f: f.assign(rw1=f["w"], rw2=f["w"]), {"type": "replicate", "repweights": ["rw1", "rw2"],
                                                  "method": "jkn", "rscales": [0.5, 0.5, 0.5]},
     ["3 rscales for 2 replicate weights"], True),
])
def test_design_problems_name_file_and_variable(tmp_path, change, design, fragments, skipped):
    frame = change(clustered(np.random.default_rng(2)))  # PSU codes restart in each stratum
    _, report = build(tmp_path, frame, design)
    errors = " ".join(report.errors)
    for fragment in fragments:
        assert fragment in errors, errors
    assert (report.files[0].rows_loaded == 0) == skipped


def test_each_country_of_a_file_uses_its_design(tmp_path):
    """A multi-country file: XK has no PSUs of its own (design_by_country), AL the file's design;
    both are used (not only the source's nominal country)."""
    rng = np.random.default_rng(3)
    frame = pd.concat([clustered(rng).assign(c="AL"), clustered(rng, (2, 4)).assign(c="XK")], ignore_index=True)
    dataset, report = build(tmp_path, frame, {"strata": "s", "psu": "p"}, country_variable="c",
                            design_by_country={"XK": {"strata": "s"}})
    assert not report.errors
    result = crosstab(dataset, Query("q"))
    facts = {d.country: d for d in result.design.per_group}
    assert facts["AL"].method == facts["XK"].method == "design"
    assert (facts["AL"].strata, facts["AL"].psus) == (3, 8)
    assert facts["XK"].strata == 2 and facts["XK"].psus == int((frame["c"] == "XK").sum())
    assert result.design.groups == (("AL", 2024), ("XK", 2024)) and not result.design.partial


# -- codebook init and the ad hoc options --------------------------------------------------------------


@pytest.fixture()
def survey_file(tmp_path):
    rng = np.random.default_rng(4)
    frame = clustered(rng, (4, 4, 4), per_psu=10).rename(columns={"s": "shtresa", "p": "zona"})
    frame["pesha"] = frame.pop("w")
    frame["zona"] = frame["shtresa"] * 10 + frame["zona"]
    for r in range(1, 13):
        frame[f"repwt{r}"] = frame["pesha"] * rng.uniform(0.0, 2.0, len(frame))
    path = tmp_path / "al_2024.sav"
    labels = {"zona": "Pika e kampionimit", **{f"repwt{r}": f"Jackknife replicate weight {r}" for r in range(1, 13)}}
    pyreadstat.write_sav(frame, path, column_labels=labels, variable_value_labels={"q": {1: "Po", 2: "Jo"}})
    return path


def test_codebook_init_guesses_the_design(survey_file):
    codebook, notes = draft_codebook([survey_file])
    text = " ".join(notes)
    assert "strata guessed: shtresa" in text
    assert "psu guessed: zona (Pika e kampionimit)" in text
    assert "replicate weights guessed: repwt1 … repwt12 (12), method jk1 (from their labels)" in text
    assert "strata variable shtresa not declared: the replicate weights carry the design" in text
    source = codebook.sources[0]
    assert source.design == SampleDesign(type="replicate", repweights="repwt[0-9]+", method="jk1")
    assert not any(ind.id.startswith("repwt") for ind in codebook.indicators)


def test_codebook_init_notes_replicates_of_unknown_method(tmp_path):
    frame = clustered(np.random.default_rng(5)).rename(columns={"s": "stratum", "p": "psu"})
    for r in range(1, 5):
        frame[f"rep_wt_{r}"] = frame["w"]
    pyreadstat.write_sav(frame, tmp_path / "x.sav")
    codebook, notes = draft_codebook([tmp_path / "x.sav"])
    assert codebook.sources[0].sample_design == SampleDesign(strata="stratum", psu="psu")
    assert any("replicate weights found: rep_wt_1 … rep_wt_4 (4)" in n and "no replicate design is declared" in n
               for n in notes)


def ad_hoc(path, *options):
    return CliRunner().invoke(main, ["crosstab", "q", "--data", str(path), "--format", "json", *options])


def test_ad_hoc_design_options(survey_file):
    taylor = ad_hoc(survey_file, "--weight", "pesha", "--strata", "shtresa", "--psu", "zona", "--lonely-psu", "remove")
    assert taylor.exit_code == 0, taylor.output
    doc = json.loads(taylor.stdout)
    assert doc["variance"] == "taylor"
    assert any("over 3 strata and 12 PSUs of the sample design" in n for n in doc["notes"])
    replicate = ad_hoc(survey_file, "--weight", "pesha", "--repweights", "repwt1,repwt2,repwt3", "--rep-method",
                       "bootstrap")
    assert replicate.exit_code == 0, replicate.output
    doc = json.loads(replicate.stdout)
    assert doc["variance"] == "replicate"
    assert any("3 replicate weights (bootstrap)" in n for n in doc["notes"])
    guessed = json.loads(ad_hoc(survey_file, "--weight", "pesha").stdout)
    assert guessed["variance"] == "replicate"  # codebook init's guess: the jk1 replicate weights


def test_ad_hoc_file_without_weight_is_unweighted(survey_file):
    result = ad_hoc(survey_file)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["variance"] == "srs"
    assert "Unweighted." in doc["base_note"]
    assert "Unweighted counts." in doc["notes"]


@pytest.mark.parametrize(("options", "message", "status"), [
    (["--rep-method", "jk1"], "--rep-method needs --repweights", 2),
    (["--strata", "shtresa", "--repweights", "repwt[0-9]+"], "--repweights needs --rep-method", 2),
    (["--psu", "zona", "--lonely-psu", "fail"], "1 stratum/strata of shtresa with one PSU (3)", 1),
])
def test_ad_hoc_design_option_errors(tmp_path, options, message, status):
    frame = clustered(np.random.default_rng(6)).rename(columns={"s": "shtresa", "p": "zona", "w": "pesha"})
    frame["zona"] = np.where(frame["shtresa"] == 3, 1.0, frame["zona"])  # one PSU in stratum 3
    pyreadstat.write_sav(frame, tmp_path / "x.sav")
    result = ad_hoc(tmp_path / "x.sav", "--weight", "pesha", *options)
    assert result.exit_code == status
    assert message in result.output


def test_design_options_need_ad_hoc_files():
    result = CliRunner().invoke(main, ["crosstab", "trust_police", "--strata", "x"])
    assert result.exit_code == 2
    assert "--strata: design options apply to ad hoc files (--data)" in result.output
