"""Benchmark: one weighted crosstab with CIs, tests and letters (`barometer.stats.crosstab`) at
the demo size (22,500 respondents), 1 million and 10 million synthetic respondents, beside
`pandas.crosstab(values=w, aggfunc="sum")` and a raw weighted `numpy.bincount` over the integer
codes, measured in the same run; and the same crosstab over 1 million respondents whose sources
declare strata and PSUs (20 strata per country-year, about 10 respondents per PSU, PSUs in random
row order: design-based variances, degrees of freedom and Rao-Scott tests over 100,000 PSUs),
beside the same floor and the floor of a design-based table: the weighted bincount over
(PSU, breakdown, answer), the per-PSU totals no linearisation can do without. Prints median
milliseconds; the last line is one JSON object.

Usage: python benchmarks/bench_stats.py [--quick]   (--quick skips the 10M run)
"""

from __future__ import annotations

import gc
import json
import resource
import sys
import time

import numpy as np
import pandas as pd

from barometer.codebook import Codebook
from barometer.dataset import Dataset
from barometer.stats import Query, crosstab

COUNTRIES = ("AL", "BA", "XK", "ME", "MK", "RS")
YEARS = (2023, 2024, 2025)
TRUST = ("full", "some", "little", "none", "dk", "refused")
AGE = ("18-29", "30-44", "45-59", "60+")


STRATA_PER_GROUP = 20
PER_PSU = 10


def codebook(design: bool = False) -> Codebook:
    return Codebook.model_validate(
        {
            "dataset": {"id": "bench", "title": "Benchmark", "synthetic": True},
            "countries": {c: {"name": c, "adult_population": 1_000_000} for c in COUNTRIES},
            "topics": [{"id": "security", "label": "Security"}],
            "sources": [
                {"id": f"{c}{y}", "country": c, "year": y, "file": f"{c}{y}.sav", "weight": "w",
                 **({"design": {"strata": "stratum", "psu": "psu"}} if design else {})}
                for c in COUNTRIES
                for y in YEARS
            ],
            "indicators": [
                {
                    "id": "trust_police",
                    "topic": "security",
                    "type": "ordinal",
                    "question": "Trust in the police",
                    "categories": [
                        {"code": c, "label": c, **({"missing": "dk"} if c == "dk" else {}),
                         **({"missing": "refused"} if c == "refused" else {})}
                        for c in TRUST
                    ],
                    "nets": [{"code": "trust", "label": "Trust", "categories": ["full", "some"]}],
                },
                {
                    "id": "age_group",
                    "topic": "security",
                    "type": "single",
                    "demographic": True,
                    "question": "Age group",
                    "categories": [{"code": a, "label": a} for a in AGE],
                },
            ],
        }
    )


def synthetic(n: int, seed: int = 0, design: bool = False) -> Dataset:
    cb = codebook(design)
    rng = np.random.default_rng(seed)
    group = rng.integers(0, len(COUNTRIES) * len(YEARS), n)
    strata, psu = _design_columns(rng, group, n) if design else (
        pd.Categorical.from_codes(np.full(n, -1, dtype=np.int8), categories=["s"]),
        pd.Categorical.from_codes(np.full(n, -1, dtype=np.int8), categories=["p"]))
    country = (group // len(YEARS)).astype(np.int8)
    year = np.asarray(YEARS, dtype=np.int16)[group % len(YEARS)]
    sources = [s.id for s in cb.sources]
    frame = pd.DataFrame(
        {
            "country": pd.Categorical.from_codes(country, categories=list(COUNTRIES)),
            "year": year,
            "weight": rng.gamma(4.0, 0.25, n),
            "source": pd.Categorical.from_codes(group.astype(np.int16), categories=sources),
            "strata": strata,
            "psu": psu,
            "trust_police": pd.Categorical.from_codes(
                rng.choice(np.arange(-1, 6, dtype=np.int8), n, p=[0.02, 0.25, 0.3, 0.2, 0.15, 0.06, 0.02]),
                categories=list(TRUST),
            ),
            "age_group": pd.Categorical.from_codes(
                rng.integers(0, len(AGE), n, dtype=np.int8), categories=list(AGE)
            ),
        }
    )
    del group
    return Dataset(cb, frame)


def _design_columns(rng: np.random.Generator, group: np.ndarray, n: int):
    """Stratum and PSU codes ("source:code", PSUs nested in strata) as the dataset contract has them."""
    groups = len(COUNTRIES) * len(YEARS)
    psus_per_stratum = max(2, n // (groups * STRATA_PER_GROUP * PER_PSU))
    stratum = group * STRATA_PER_GROUP + rng.integers(0, STRATA_PER_GROUP, n)
    psu = stratum * psus_per_stratum + rng.integers(0, psus_per_stratum, n)
    strata_labels = [f"g{s // STRATA_PER_GROUP}:{s % STRATA_PER_GROUP}" for s in range(groups * STRATA_PER_GROUP)]
    psu_labels = [f"g{p // (STRATA_PER_GROUP * psus_per_stratum)}:{p}" for p in range(groups * STRATA_PER_GROUP * psus_per_stratum)]
    return (pd.Categorical.from_codes(stratum.astype(np.int32), categories=strata_labels),
            pd.Categorical.from_codes(psu.astype(np.int32), categories=psu_labels))


def median_ms(fn, repeats: int) -> float:
    return interleaved_ms([fn], repeats)[0]


def interleaved_ms(fns, repeats: int) -> list[float]:
    """Median milliseconds of each function, timed in turn within every repeat so that all of
    them see the same machine load."""
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeats):
        for fn, out in zip(fns, times, strict=True):
            start = time.perf_counter()
            fn()
            out.append(time.perf_counter() - start)
    return [1000.0 * float(np.median(t)) for t in times]


def measure(n: int, repeats: int, with_pandas: bool = True) -> dict[str, float]:
    dataset = synthetic(n)
    query = Query("trust_police", by="age_group")
    crosstab(dataset, query)  # warm the integer-code caches, as the app does once per dataset
    y = dataset.codes("trust_police")
    b = dataset.codes("age_group")
    w = dataset.array("weight")
    ours, floor = interleaved_ms(
        [
            lambda: crosstab(dataset, query),
            # codes + 1 so that missing (-1) gets a slot: the least any weighted crosstab must do
            lambda: np.bincount(
                (b.astype(np.intp) + 1) * (len(TRUST) + 1) + y + 1,
                weights=w,
                minlength=(len(AGE) + 1) * (len(TRUST) + 1),
            ),
        ],
        repeats,
    )
    out = {"n": n, "ours_ms": ours, "bincount_ms": floor}
    if with_pandas:
        f = dataset.frame
        out["pandas_ms"] = median_ms(
            lambda: pd.crosstab(
                [f["country"], f["year"], f["age_group"]], f["trust_police"], values=f["weight"], aggfunc="sum"
            ),
            max(1, repeats // 5),
        )
    return out


def measure_design(n: int, repeats: int) -> dict[str, float]:
    """The crosstab over a design with strata and PSUs, the plain floor and the per-PSU floor."""
    dataset = synthetic(n, design=True)
    query = Query("trust_police", by="age_group")
    crosstab(dataset, query)
    y = dataset.codes("trust_police")
    b = dataset.codes("age_group")
    w = dataset.array("weight")
    psu = dataset.frame["psu"].cat.codes.to_numpy().astype(np.intp)
    cells = (len(AGE) + 1) * (len(TRUST) + 1)
    psus = len(dataset.frame["psu"].cat.categories)
    ours, floor, psu_floor = interleaved_ms(
        [
            lambda: crosstab(dataset, query),
            lambda: np.bincount((b.astype(np.intp) + 1) * (len(TRUST) + 1) + y + 1, weights=w, minlength=cells),
            lambda: np.bincount(psu * cells + (b.astype(np.intp) + 1) * (len(TRUST) + 1) + y + 1, weights=w,
                                minlength=psus * cells),
        ],
        repeats,
    )
    return {"n": n, "ours_ms": ours, "bincount_ms": floor, "psu_bincount_ms": psu_floor, "design": True}


def report(row: dict[str, float]) -> None:
    label = "rows, strata and PSUs" if row.get("design") else "rows"
    parts = [f"{row['n']:>10,d} {label}: crosstab {row['ours_ms']:8.2f} ms", f"bincount {row['bincount_ms']:7.2f} ms"]
    if "pandas_ms" in row:
        parts.append(f"pandas.crosstab {row['pandas_ms']:8.2f} ms")
    parts.append(f"x bincount {row['ours_ms'] / row['bincount_ms']:.2f}")
    if "psu_bincount_ms" in row:
        parts.append(f"PSU bincount {row['psu_bincount_ms']:7.2f} ms | x PSU bincount "
                     f"{row['ours_ms'] / row['psu_bincount_ms']:.2f}")
    if "pandas_ms" in row:
        parts.append(f"pandas / ours {row['pandas_ms'] / row['ours_ms']:.1f}")
    print(" | ".join(parts), flush=True)


def main() -> None:
    quick = "--quick" in sys.argv
    demo = measure(22_500, 200)
    gc.collect()
    report(demo)
    m1 = measure(1_000_000, 30)
    report(m1)
    gc.collect()
    m1_design = measure_design(1_000_000, 30)
    report(m1_design)
    gc.collect()
    result = {
        "demo_ms": round(demo["ours_ms"], 3),
        "m1_ms": round(m1["ours_ms"], 3),
        "m1_vs_bincount": round(m1["ours_ms"] / m1["bincount_ms"], 2),
        "m1_vs_pandas": round(m1["pandas_ms"] / m1["ours_ms"], 1),
        "m1_design_ms": round(m1_design["ours_ms"], 3),
        "m1_design_vs_bincount": round(m1_design["ours_ms"] / m1_design["bincount_ms"], 2),
        "m1_design_vs_psu_bincount": round(m1_design["ours_ms"] / m1_design["psu_bincount_ms"], 2),
        "m10_ms": None,
        "m10_peak_mb": None,
    }
    if not quick:
        m10 = measure(10_000_000, 7, with_pandas=False)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
        report(m10)
        print(f"10M: process peak memory {peak_mb:.0f} MB (data included)")
        result["m10_ms"] = round(m10["ours_ms"], 1)
        result["m10_peak_mb"] = round(peak_mb)
    print("m1_vs_bincount = our time / raw bincount; m1_design_vs_psu_bincount = our design-based time / "
          "the per-PSU bincount (target <= 4); m1_vs_pandas = pandas time / our time")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
