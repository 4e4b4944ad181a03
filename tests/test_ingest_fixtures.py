"""Small generated survey deliveries and a codebook describing them, shared by the ingest tests.

Two countries, two waves, each file with its own quirks (like real deliveries): AL 2021 .sav with
trust coded 1 = full ... 4 = none and DK/RA as 8/9 declared user-missing; RS 2021 .dta with trust
reversed (4 = full) and DK/RA as 98/99 undeclared, Cyrillic labels; AL 2023 .zsav with -1/-2 for
DK/RA, age only in bands and an item added that year; RS 2023 .sav with Latin labels. This module
holds no tests: it is imported by the test modules.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat

TRUST_AL = {1: "Besim i plotë", 2: "Disi", 3: "Pak", 4: "Aspak", 8: "Nuk e di", 9: "Refuzoj"}
TRUST_RS_CYR = {4: "Потпуно", 3: "Донекле", 2: "Мало", 1: "Нимало", 98: "Не знам", 99: "Одбија"}
TRUST_RS_LAT = {4: "Potpuno", 3: "Donekle", 2: "Malo", 1: "Nimalo", 98: "Ne znam", 99: "Odbija"}
TRUST_AL23 = {1: "Besim i plotë", 2: "Disi", 3: "Pak", 4: "Aspak", -1: "Nuk e di", -2: "Refuzoj"}

CODEBOOK = """\
dataset:
  id: test_barometer
  title: {en: Test barometer}
  synthetic: true
countries:
  AL: {name: {en: Albania, sq: Shqipëria}}
  RS: {name: {en: Serbia}}
topics:
  - {id: trust, label: Trust}
  - {id: demo, label: Demographics}
scales:
  trust4:
    - {code: full, label: Full trust}
    - {code: some, label: Some trust}
    - {code: little, label: Little trust}
    - {code: none, label: No trust}
    - {code: dk, label: Don't know, missing: dk}
    - {code: ra, label: Refused, missing: refused}
codemaps:
  trust_al: {1: full, 2: some, 3: little, 4: none, 8: dk, 9: ra}
  trust_rs: {4: full, 3: some, 2: little, 1: none, 98: dk, 99: ra}
sources:
  - {id: AL-2021, country: AL, year: 2021, file: raw/al_2021.sav, weight: weight, respondent_id: id, strata: region}
  - {id: RS-2021, country: RS, year: 2021, file: raw/rs_2021.dta, weight: ponder, respondent_id: resp}
  - {id: AL-2023, country: AL, year: 2023, file: raw/al_2023.zsav, weight: pesha, respondent_id: id}
  - {id: RS-2023, country: RS, year: 2023, file: raw/rs_2023.sav, weight: ponder, respondent_id: resp}
indicators:
  - id: trust_police
    topic: trust
    type: ordinal
    question: {en: "How much do you trust the police?"}
    categories: trust4
    sources:
      AL-2021: {variable: q1, codes: trust_al}
      RS-2021: {variable: p1, codes: trust_rs}
      AL-2023: {variable: Q1, codes: {1: full, 2: some, 3: little, 4: none, -1: dk, -2: ra}}
      RS-2023: {variable: p1, codes: trust_rs}
  - id: trust_eu
    topic: trust
    type: ordinal
    question: {en: "How much do you trust the EU?"}
    categories: trust4
    sources:
      AL-2023: {variable: Q9, codes: {1: full, 2: some, 3: little, 4: none, -1: dk, -2: ra}}
      RS-2023: {variable: p9, codes: trust_rs}
  - id: threats
    topic: trust
    type: multiple
    question: {en: Biggest threats}
    categories:
      - {code: crime, label: Organised crime}
      - {code: corruption, label: Corruption}
      - {code: poverty, label: Poverty}
    sources:
      AL-2021: {variable: null, variables: {crime: t_1, corruption: t_2, poverty: t_3}, missing_codes: [9]}
      RS-2021: {variables: {crime: t1, corruption: t2, poverty: t3}}
  - id: age
    topic: demo
    type: numeric
    demographic: true
    question: {en: Age}
    sources:
      AL-2021: {variable: age, missing_codes: [999]}
      RS-2021: {variable: godine}
      RS-2023: {variable: godine}
  - id: age_group
    topic: demo
    type: ordinal
    demographic: true
    question: {en: Age group}
    derive_from: age
    bins:
      - {code: "18-34", label: 18 to 34, low: 18, high: 34}
      - {code: "35-54", label: 35 to 54, low: 35, high: 54}
      - {code: "55+", label: 55 and over, low: 55, high: 120}
    sources:
      AL-2023: {variable: age_band, codes: {1: "18-34", 2: "35-54", 3: "55+"}}
"""


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def _weights(rng: np.random.Generator, n: int) -> np.ndarray:
    w = rng.uniform(0.3, 3.0, n)
    return w / w.mean()


def write_deliveries(folder: Path, n: int = 200) -> Path:
    """Write the four test deliveries and the codebook into `folder`; return the codebook path."""
    raw = folder / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    rng = _rng(7)

    al21 = pd.DataFrame(
        {
            "id": np.arange(1, n + 1, dtype=float),
            "q1": rng.choice([1, 2, 3, 4, 8, 9], n, p=[0.2, 0.3, 0.2, 0.1, 0.15, 0.05]).astype(float),
            "t_1": rng.choice([0, 1, 9], n, p=[0.5, 0.4, 0.1]).astype(float),
            "t_2": rng.choice([0, 1], n).astype(float),
            "t_3": rng.choice([0, 1], n).astype(float),
            "age": rng.integers(18, 90, n).astype(float),
            "region": rng.choice([1, 2, 3], n).astype(float),
            "weight": _weights(rng, n),
        }
    )
    al21.loc[3, "age"] = 999
    al21.loc[[0, 1], ["t_1", "t_2", "t_3"]] = np.nan  # did not answer the question
    al21.loc[5, ["t_1", "t_2", "t_3"]] = [9, 9, 9]  # refused everywhere
    pyreadstat.write_sav(
        al21,
        raw / "al_2021.sav",
        column_labels={"q1": "Sa i besoni policisë?", "age": "Mosha"},
        variable_value_labels={"q1": TRUST_AL},
        missing_ranges={"q1": [8, 9]},
    )

    rs21 = pd.DataFrame(
        {
            "resp": np.arange(1001, 1001 + n, dtype=float),
            "p1": rng.choice([1, 2, 3, 4, 98, 99], n).astype(float),
            "t1": rng.choice([0, 1], n).astype(float),
            "t2": rng.choice([0, 1], n).astype(float),
            "t3": rng.choice([0, 1], n).astype(float),
            "godine": rng.integers(18, 90, n).astype(float),
            "ponder": _weights(rng, n),
        }
    )
    pyreadstat.write_dta(
        rs21, raw / "rs_2021.dta", variable_value_labels={"p1": TRUST_RS_CYR}, column_labels={"p1": "Поверење у полицију"}
    )

    al23 = pd.DataFrame(
        {
            "id": np.arange(1, n + 1, dtype=float),
            "Q1": rng.choice([1, 2, 3, 4, -1, -2], n).astype(float),
            "Q9": rng.choice([1, 2, 3, 4, -1, -2], n).astype(float),
            "age_band": rng.choice([1, 2, 3], n).astype(float),
            "pesha": _weights(rng, n),
        }
    )
    pyreadstat.write_sav(
        al23,
        raw / "al_2023.zsav",
        compress=True,
        variable_value_labels={"Q1": TRUST_AL23, "Q9": TRUST_AL23, "age_band": {1: "18-34", 2: "35-54", 3: "55+"}},
    )

    rs23 = pd.DataFrame(
        {
            "resp": np.arange(1, n + 1, dtype=float),
            "p1": rng.choice([1, 2, 3, 4, 98, 99], n).astype(float),
            "p9": rng.choice([1, 2, 3, 4, 98, 99], n).astype(float),
            "godine": rng.integers(18, 90, n).astype(float),
            "ponder": _weights(rng, n),
        }
    )
    pyreadstat.write_sav(
        rs23,
        raw / "rs_2023.sav",
        variable_value_labels={"p1": TRUST_RS_LAT, "p9": TRUST_RS_LAT},
        missing_ranges={"p1": [98, 99]},
    )
    path = folder / "codebook.yaml"
    path.write_text(CODEBOOK, encoding="utf-8")
    return path
