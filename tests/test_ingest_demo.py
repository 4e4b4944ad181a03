"""End to end on the shipped demonstration deliveries: all 22,500 rows load without problems, and
every categorical indicator's canonical counts equal the counts of the matching source codes in the
raw files, read independently with pyreadstat and mapped with the codebook as plain YAML."""

from __future__ import annotations

import math

import numpy as np
import pyreadstat
import pytest
import yaml

from barometer.codebook import load_codebook
from barometer.ingest import build_dataset
from barometer.paths import PROJECT_ROOT

DATA = PROJECT_ROOT / "data"


@pytest.fixture(scope="module")
def shipped():
    book = load_codebook(DATA / "codebook.yaml")
    dataset, report = build_dataset(book, DATA)
    raw_yaml = yaml.safe_load((DATA / "codebook.yaml").read_text(encoding="utf-8"))
    files = {}
    for source in raw_yaml["sources"]:
        path = DATA / source["file"]
        reader = pyreadstat.read_dta if path.suffix == ".dta" else pyreadstat.read_sav
        files[source["id"]] = reader(str(path), user_missing=True)[0]
    return dataset, report, raw_yaml, files


def test_all_rows_load_without_problems(shipped):
    dataset, report, _, files = shipped
    assert len(dataset.frame) == 22_500 == sum(len(f) for f in files.values())
    assert report.rows_read == report.rows_loaded == 22_500 and report.rows_rejected == 0
    assert report.errors == [] and report.warnings == []
    assert dataset.frame.groupby(["country", "year"], observed=True).size().eq(1500).all()


def _cases(raw_yaml):
    for ind in raw_yaml["indicators"]:
        if ind["type"] not in ("single", "ordinal"):
            continue
        for sid, smap in (ind.get("sources") or {}).items():
            codes = smap["codes"]
            mapping = raw_yaml["codemaps"][codes] if isinstance(codes, str) else codes
            yield ind["id"], sid, smap["variable"], {float(k): v for k, v in mapping.items()}, set(
                map(float, smap.get("missing_codes", []))
            )


def test_every_categorical_count_matches_the_raw_file(shipped):
    dataset, _, raw_yaml, files = shipped
    frame = dataset.frame
    checked = 0
    for ind_id, sid, variable, mapping, missing in _cases(raw_yaml):
        raw = files[sid][variable]
        values = [float(v) for v in raw if not (isinstance(v, float) and math.isnan(v))]
        assert all(v in mapping or v in missing for v in values), (ind_id, sid)
        expected: dict[str, int] = {}
        for v in values:
            if v in mapping:
                expected[mapping[v]] = expected.get(mapping[v], 0) + 1
        got = frame.loc[frame["source"] == sid, ind_id].value_counts()
        assert {k: int(n) for k, n in got.items() if n} == expected, (ind_id, sid)
        checked += 1
    assert checked > 500


def test_serbian_reversed_trust_codes(shipped):
    dataset, _, raw_yaml, files = shipped
    rs = next(s for s in raw_yaml["sources"] if s["country"] == "RS")
    smap = next(i for i in raw_yaml["indicators"] if i["id"] == "trust_police")["sources"][rs["id"]]
    mapping = raw_yaml["codemaps"][smap["codes"]] if isinstance(smap["codes"], str) else smap["codes"]
    full_code = next(k for k, v in mapping.items() if v == "full")
    assert full_code != 1  # reversed: 1 is not "full trust" in the Serbian files
    raw = files[rs["id"]][smap["variable"]]
    rows = dataset.frame[dataset.frame["source"] == rs["id"]]
    assert (rows["trust_police"] == "full").sum() == (raw == full_code).sum() > 0


def test_numeric_and_weights_match(shipped):
    dataset, _, raw_yaml, files = shipped
    for source in raw_yaml["sources"]:
        rows = dataset.frame[dataset.frame["source"] == source["id"]]
        if source.get("weight"):
            np.testing.assert_allclose(rows["weight"].to_numpy(), files[source["id"]][source["weight"]].to_numpy())
    age = next(i for i in raw_yaml["indicators"] if i["id"] == "age")
    for sid, smap in age["sources"].items():
        raw = files[sid][smap["variable"]].astype(float)
        raw = raw[~raw.isin([float(c) for c in smap.get("missing_codes", [])])]
        got = dataset.frame.loc[dataset.frame["source"] == sid, "age"]
        assert got.notna().sum() == raw.notna().sum()
        assert got.sum() == pytest.approx(raw.sum())
