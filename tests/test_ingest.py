"""Harmonisation of the generated test deliveries, checked against the raw files read
independently with pyreadstat (not through barometer's readers)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyreadstat
import pytest
from test_ingest_fixtures import write_deliveries

from barometer.codebook import load_codebook
from barometer.dataset import BASE_COLUMNS
from barometer.ingest import build_dataset


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("deliveries")
    path = write_deliveries(folder)
    dataset, report = build_dataset(load_codebook(path), folder)
    return folder, dataset, report


def _rows(dataset, source):
    return dataset.frame[dataset.frame["source"] == source]


def _raw_counts(path, variable, reader=pyreadstat.read_sav):
    frame, _ = reader(str(path), usecols=[variable], user_missing=True)
    return frame[variable].value_counts(dropna=False).to_dict()


# (source, file, reader, variable, source code -> canonical category)
TRUST_CASES = [
    ("AL-2021", "raw/al_2021.sav", pyreadstat.read_sav, "q1",
     {1: "full", 2: "some", 3: "little", 4: "none", 8: "dk", 9: "ra"}),
    ("RS-2021", "raw/rs_2021.dta", pyreadstat.read_dta, "p1",
     {4: "full", 3: "some", 2: "little", 1: "none", 98: "dk", 99: "ra"}),
    ("AL-2023", "raw/al_2023.zsav", pyreadstat.read_sav, "Q1",
     {1: "full", 2: "some", 3: "little", 4: "none", -1: "dk", -2: "ra"}),
    ("RS-2023", "raw/rs_2023.sav", pyreadstat.read_sav, "p1",
     {4: "full", 3: "some", 2: "little", 1: "none", 98: "dk", 99: "ra"}),
]


@pytest.mark.parametrize(("source", "file", "reader", "variable", "mapping"), TRUST_CASES)
def test_trust_codes_land_on_canonical_categories(built, source, file, reader, variable, mapping):
    folder, dataset, _ = built
    raw = _raw_counts(folder / file, variable, reader)
    got = _rows(dataset, source)["trust_police"].value_counts().to_dict()
    expected = {mapping[int(code)]: n for code, n in raw.items()}
    assert got == {cat: expected.get(cat, 0) for cat in got}
    assert sum(got.values()) == sum(raw.values())


def test_columns_follow_the_dataset_contract(built):
    _, dataset, _ = built
    frame = dataset.frame
    assert list(frame.columns[: len(BASE_COLUMNS)]) == list(BASE_COLUMNS)
    assert list(frame["trust_police"].cat.categories) == ["full", "some", "little", "none", "dk", "ra"]
    assert list(frame["country"].cat.categories) == ["AL", "RS"]
    assert frame["year"].dtype == np.int16
    assert frame["weight"].dtype == np.float64 and (frame["weight"] > 0).all()
    assert str(frame["threats__crime"].dtype) == "boolean"
    assert frame["age"].dtype == np.float64


def test_item_added_later_is_missing_in_earlier_waves(built):
    _, dataset, _ = built
    frame = dataset.frame
    assert frame.loc[frame["year"] == 2021, "trust_eu"].isna().all()
    assert frame.loc[frame["year"] == 2023, "trust_eu"].notna().all()


def test_age_bands_map_directly_and_years_are_binned(built):
    folder, dataset, _ = built
    bands, _ = pyreadstat.read_sav(str(folder / "raw/al_2023.zsav"), usecols=["age_band"])
    expected = bands["age_band"].map({1: "18-34", 2: "35-54", 3: "55+"}).value_counts().to_dict()
    got = _rows(dataset, "AL-2023")["age_group"].value_counts().to_dict()
    assert got == expected
    assert _rows(dataset, "AL-2023")["age"].isna().all()

    ages, _ = pyreadstat.read_dta(str(folder / "raw/rs_2021.dta"), usecols=["godine"])
    years = ages["godine"].to_numpy()
    binned = pd.cut(years, [17, 34, 54, 120], labels=["18-34", "35-54", "55+"])
    assert _rows(dataset, "RS-2021")["age_group"].value_counts().to_dict() == pd.Series(binned).value_counts().to_dict()


def test_numeric_missing_code_becomes_nan(built):
    folder, dataset, _ = built
    raw, _ = pyreadstat.read_sav(str(folder / "raw/al_2021.sav"), usecols=["age"])
    age = _rows(dataset, "AL-2021")["age"].to_numpy()
    assert int(np.isnan(age).sum()) == int((raw["age"] == 999).sum()) == 1
    assert np.nanmax(age) < 120


def test_multiple_response_na_when_unanswered(built):
    folder, dataset, _ = built
    raw, _ = pyreadstat.read_sav(str(folder / "raw/al_2021.sav"), usecols=["t_1", "t_2", "t_3"])
    rows = _rows(dataset, "AL-2021")
    crime = rows["threats__crime"]
    unanswered = raw[["t_1", "t_2", "t_3"]].isin([9]).where(raw.notna(), True).all(axis=1).to_numpy()
    assert crime.isna().to_numpy().tolist() == unanswered.tolist()
    answered = ~unanswered
    assert int(crime[answered].sum()) == int((raw["t_1"][answered] == 1).sum())
    # options a respondent left at 9 while answering others count as not chosen
    assert not crime[answered & (raw["t_1"] == 9).to_numpy()].any()


def test_strata_prefixed_with_source_and_missing_elsewhere(built):
    _, dataset, _ = built
    frame = dataset.frame
    al = frame.loc[frame["source"] == "AL-2021", "strata"]
    assert set(al) == {"AL-2021:1", "AL-2021:2", "AL-2021:3"}
    assert frame.loc[frame["source"] != "AL-2021", "strata"].isna().all()


def test_row_accounting(built):
    _, dataset, report = built
    assert report.rows_read == 800 == len(dataset.frame)
    for f in report.files:
        assert f.rows_loaded + f.rows_rejected == f.rows_read
