"""Small in-memory Datasets for the statistics tests: a Python-built codebook and a frame that
follows `barometer.dataset`'s conventions (no ingest, no files)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from barometer.codebook import Codebook
from barometer.dataset import Dataset, option_column

TRUST = ["full", "some", "little", "none", "dk", "refused"]
GENDER = ["female", "male"]
SETTLEMENT = ["urban", "rural", "dk"]
THREATS = ["crime", "cyber", "migration", "war"]
AGE_BINS = [("18-29", 18, 29), ("30-44", 30, 44), ("45-64", 45, 64), ("65+", 65, 120)]
COUNTRIES = {"XK": 1_500_000, "AL": 2_300_000, "RS": 5_500_000}
YEARS = (2024, 2025)


def make_codebook(*, design: bool = False, min_base: int = 30, small_base: int = 50) -> Codebook:
    """A codebook with ordinal trust (nets, DK/refused), gender, settlement (with DK), binned age
    and a multiple-response threats item; `design` names strata and PSUs for every source."""
    sources = [
        {
            "id": f"{c}{y}",
            "country": c,
            "year": y,
            "file": f"{c}{y}.sav",
            "weight": "w",
            **({"strata": "stratum", "psu": "psu"} if design else {}),
        }
        for c in COUNTRIES
        for y in YEARS
    ]
    raw = {
        "dataset": {
            "id": "test",
            "title": "Test barometer",
            "synthetic": True,
            "thresholds": {"min_base": min_base, "small_base": small_base},
        },
        "countries": {
            c: {"name": {"en": c}, "adult_population": pop} for c, pop in COUNTRIES.items()
        },
        "topics": [{"id": "security", "label": "Security"}, {"id": "people", "label": "People"}],
        "scales": {
            "trust": [
                {"code": "full", "label": "Full trust"},
                {"code": "some", "label": {"en": "Some trust", "sq": "Pak besim"}},
                {"code": "little", "label": "Little trust"},
                {"code": "none", "label": "No trust"},
                {"code": "dk", "label": "Don't know", "missing": "dk"},
                {"code": "refused", "label": "Refused", "missing": "refused"},
            ]
        },
        "sources": sources,
        "indicators": [
            {
                "id": "trust_police",
                "topic": "security",
                "type": "ordinal",
                "question": "How much do you trust the police?",
                "categories": "trust",
                "nets": [
                    {"code": "trust", "label": "Trust", "categories": ["full", "some"]},
                    {"code": "distrust", "label": "Distrust", "categories": ["little", "none"]},
                ],
            },
            {
                "id": "gender",
                "topic": "people",
                "type": "single",
                "demographic": True,
                "question": "Gender",
                "categories": [
                    {"code": "female", "label": {"en": "Female", "sq": "Femër"}},
                    {"code": "male", "label": {"en": "Male", "sq": "Mashkull"}},
                ],
            },
            {
                "id": "settlement",
                "topic": "people",
                "type": "single",
                "demographic": True,
                "question": "Settlement",
                "categories": [
                    {"code": "urban", "label": "Urban"},
                    {"code": "rural", "label": "Rural"},
                    {"code": "dk", "label": "Don't know", "missing": "dk"},
                ],
            },
            {
                "id": "age",
                "topic": "people",
                "type": "numeric",
                "demographic": True,
                "question": "Age",
                "bins": [{"code": c, "label": c, "low": lo, "high": hi} for c, lo, hi in AGE_BINS],
            },
            {
                "id": "threats",
                "topic": "security",
                "type": "multiple",
                "question": "Which are the main threats?",
                "categories": [{"code": t, "label": t.title()} for t in THREATS],
                "nets": [{"code": "physical", "label": "Physical", "categories": ["crime", "war"]}],
            },
        ],
    }
    return Codebook.model_validate(raw)


def make_frame(
    codebook: Codebook,
    n_per_source: int = 200,
    seed: int = 0,
    *,
    countries: tuple[str, ...] = tuple(COUNTRIES),
    years: tuple[int, ...] = YEARS,
    weights: bool = True,
    design: bool = False,
) -> pd.DataFrame:
    """Random respondents whose answers depend on gender, so tests have something to find."""
    rng = np.random.default_rng(seed)
    parts = []
    for c in countries:
        for y in years:
            n = n_per_source
            gender = rng.integers(0, 2, n)
            age = rng.integers(18, 90, n).astype(np.float64)
            # trust leans on gender and age: women and the young trust more in this synthetic world
            probs = np.where(gender[:, None] == 0, [0.3, 0.3, 0.15, 0.15, 0.07, 0.03],
                             [0.15, 0.25, 0.25, 0.25, 0.07, 0.03])
            probs = np.where(age[:, None] < 30, [0.55, 0.3, 0.05, 0.05, 0.03, 0.02], probs)
            trust = (rng.random(n)[:, None] > np.cumsum(probs, axis=1)).sum(axis=1)
            trust = np.where(rng.random(n) < 0.03, -1, trust)  # not asked / no answer
            settlement = rng.choice([0, 1, 2, -1], size=n, p=[0.5, 0.4, 0.05, 0.05])
            age[rng.random(n) < 0.04] = np.nan
            threats = rng.random((n, len(THREATS))) < np.array([0.5, 0.2, 0.3, 0.1])
            answered = rng.random(n) > 0.08
            part = {
                "country": c,
                "year": y,
                "weight": rng.gamma(4.0, 0.25, n) if weights else np.ones(n),
                "source": f"{c}{y}",
                "strata": [f"{c}{y}:s{k}" for k in rng.integers(0, 3, n)] if design else None,
                "psu": None,
                "trust_police": trust,
                "gender": gender,
                "settlement": settlement,
                "age": age,
            }
            if design:
                strata_ids = np.array([int(s.rsplit("s", 1)[1]) for s in part["strata"]])
                part["psu"] = [f"{c}{y}:s{s}p{p}" for s, p in zip(strata_ids, rng.integers(0, 6, n), strict=True)]
            for j, t in enumerate(THREATS):
                part[option_column("threats", t)] = np.where(answered, threats[:, j], -1)
            parts.append(pd.DataFrame(part))
    raw = pd.concat(parts, ignore_index=True)
    return frame_from_codes(codebook, raw)


def frame_from_codes(codebook: Codebook, raw: pd.DataFrame) -> pd.DataFrame:
    """Turn integer codes (-1 = missing) and plain columns into the dataset's dtypes."""
    frame = pd.DataFrame(
        {
            "country": pd.Categorical(raw["country"], categories=list(codebook.countries)),
            "year": raw["year"].astype(np.int16),
            "weight": raw["weight"].astype(np.float64),
            "source": pd.Categorical(raw["source"], categories=[s.id for s in codebook.sources]),
            "strata": raw["strata"].astype("string") if "strata" in raw else pd.NA,
            "psu": raw["psu"].astype("string") if "psu" in raw else pd.NA,
        }
    )
    for ind in codebook.indicators:
        if ind.type == "multiple":
            for cat in codebook.categories_of(ind):
                col = option_column(ind.id, cat.code)
                if col in raw:
                    values = raw[col].to_numpy()
                    frame[col] = pd.array(np.where(values < 0, None, values == 1), dtype="boolean")
        elif ind.type == "numeric":
            if ind.id in raw:
                frame[ind.id] = raw[ind.id].astype(np.float64)
        elif ind.id in raw:
            codes = [c.code for c in codebook.categories_of(ind)]
            frame[ind.id] = pd.Categorical.from_codes(raw[ind.id].to_numpy().astype(int), categories=codes)
    return frame


def make_dataset(
    n_per_source: int = 200, seed: int = 0, *, design: bool = False, weights: bool = True, **codebook_args
) -> Dataset:
    codebook = make_codebook(design=design, **codebook_args)
    return Dataset(codebook, make_frame(codebook, n_per_source, seed, weights=weights, design=design))


def with_frame(dataset: Dataset, frame: pd.DataFrame) -> Dataset:
    """The same codebook over another frame (fresh caches)."""
    return Dataset(dataset.codebook, frame.reset_index(drop=True))
