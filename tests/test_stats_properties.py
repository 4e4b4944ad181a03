"""Properties that hold for any data (hypothesis): weighted counts add up to the base, column
percentages to 100, row order does not matter, a weighted query of files without weights = an
unweighted one, a filter = subsetting for the estimates and a domain for the variance."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stats_support import TRUST, make_codebook

from barometer.dataset import Dataset
from barometer.stats import Query, crosstab

CODEBOOK = make_codebook(min_base=0, small_base=1)
NUMBERS = ["n", "weighted", "percent", "se", "ci_low", "ci_high", "base_n", "base_weighted", "eff_base", "deff"]


@st.composite
def frames(draw):
    n = draw(st.integers(min_value=1, max_value=60))
    country = draw(st.lists(st.sampled_from(["XK", "AL"]), min_size=n, max_size=n))
    year = draw(st.lists(st.sampled_from([2024, 2025]), min_size=n, max_size=n))
    trust = draw(st.lists(st.integers(-1, len(TRUST) - 1), min_size=n, max_size=n))
    gender = draw(st.lists(st.integers(-1, 1), min_size=n, max_size=n))
    weight = draw(st.lists(st.floats(0.1, 5.0, allow_nan=False), min_size=n, max_size=n))
    return pd.DataFrame(
        {
            "country": pd.Categorical(country, categories=list(CODEBOOK.countries)),
            "year": np.array(year, dtype=np.int16),
            "weight": np.array(weight),
            "source": pd.Categorical([f"{c}{y}" for c, y in zip(country, year, strict=True)],
                                     categories=[s.id for s in CODEBOOK.sources]),
            "strata": pd.array([pd.NA] * n, dtype="string"),
            "psu": pd.array([pd.NA] * n, dtype="string"),
            "trust_police": pd.Categorical.from_codes(trust, categories=TRUST),
            "gender": pd.Categorical.from_codes(gender, categories=["female", "male"]),
        }
    )


def dataset(frame: pd.DataFrame) -> Dataset:
    return Dataset(CODEBOOK, frame.reset_index(drop=True))


def numbers(result) -> pd.DataFrame:
    return result.table[["country", "year", "by", "category", *NUMBERS]].reset_index(drop=True)


SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(frames())
def test_weighted_counts_sum_to_the_base_weight(frame):
    result = crosstab(dataset(frame), Query("trust_police", by="gender"))
    answered = frame["trust_police"].isin(["full", "some", "little", "none"]) & frame["gender"].notna()
    for (country, year), rows in result.table[~result.table["is_net"]].groupby(["country", "year"]):
        mask = answered & (frame["country"] == country) & (frame["year"] == year)
        assert np.isclose(rows["weighted"].sum(), frame.loc[mask, "weight"].sum())
        assert rows["n"].sum() == mask.sum()


@SETTINGS
@given(frames(), st.booleans())
def test_column_percentages_sum_to_100(frame, include_missing):
    result = crosstab(dataset(frame), Query("trust_police", by="gender", include_missing=include_missing))
    single = result.table[~result.table["is_net"] & (result.table["base_n"] > 0)]
    for _, rows in single.groupby(["country", "year", "by"]):
        assert np.isclose(rows["percent"].sum(), 100.0)


@SETTINGS
@given(frames(), st.randoms(use_true_random=False))
def test_row_order_does_not_matter(frame, rnd):
    order = list(range(len(frame)))
    rnd.shuffle(order)
    query = Query("trust_police", by="gender")
    a = numbers(crosstab(dataset(frame), query))
    b = numbers(crosstab(dataset(frame.iloc[order]), query))
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-9)


NO_WEIGHTS = CODEBOOK.model_copy(
    update={"sources": tuple(src.model_copy(update={"weight": None}) for src in CODEBOOK.sources)})
POINTS = ["n", "weighted", "percent", "base_n", "base_weighted"]


@SETTINGS
@given(frames())
def test_weighted_query_of_files_without_weights_is_unweighted(frame):
    ones = Dataset(NO_WEIGHTS, frame.assign(weight=1.0).reset_index(drop=True))
    a = crosstab(dataset(frame), Query("trust_police", by="gender", weighted=False))
    b = crosstab(ones, Query("trust_police", by="gender"))
    pd.testing.assert_frame_equal(numbers(a), numbers(b), check_exact=False, rtol=1e-9)
    assert not b.query.weighted and b.variance == "srs" and b.design is None
    assert list(b.tests["method"]) == list(a.tests["method"])


def _group_factor(frame: pd.DataFrame) -> pd.Series:
    """N/(N - 1) per (country, year) of the rows (1 for a single row: a lonely PSU, adjusted)."""
    n = frame.groupby(["country", "year"], observed=True).size()
    return (n / (n - 1)).where(n > 1, 1.0)


@SETTINGS
@given(frames())
def test_filter_equals_subsetting_first(frame):
    """The estimates of a filtered table are those of the subset; its variance is that of a
    domain: the same linearised values over all N of the group's respondents (N/(N-1))."""
    filtered = crosstab(dataset(frame), Query("trust_police", filters=(("gender", ("female",)),)))
    subset = frame[frame["gender"] == "female"]
    if len(subset) == 0:
        assert len(filtered.table) == 0
        return
    direct = crosstab(dataset(subset), Query("trust_police"))
    a, b = numbers(filtered), numbers(direct)
    pd.testing.assert_frame_equal(a[POINTS], b[POINTS], check_exact=False, rtol=1e-9)
    ratio = (_group_factor(frame) / _group_factor(subset)).rename("ratio").reset_index()
    ratio["country"] = ratio["country"].astype(object)
    ratio["year"] = ratio["year"].astype(np.int64)
    merged = a.merge(ratio, on=["country", "year"], how="left")
    np.testing.assert_allclose(merged["se"] ** 2, b["se"] ** 2 * merged["ratio"], rtol=1e-9, atol=1e-12)
