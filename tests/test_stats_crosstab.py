"""Crosstab shape, ordering and hand-worked weighted percentages."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from stats_support import make_codebook, make_dataset, with_frame

from barometer.dataset import Dataset
from barometer.stats import TABLE_COLUMNS, Query, crosstab


@pytest.fixture(scope="module")
def dataset():
    return make_dataset(n_per_source=200, seed=1)


def tiny_dataset() -> Dataset:
    """Six XK-2024 respondents, worked by hand below."""
    codebook = make_codebook(min_base=1, small_base=3)
    frame = pd.DataFrame(
        {
            "country": pd.Categorical(["XK"] * 6, categories=["XK", "AL", "RS"]),
            "year": np.array([2024] * 6, dtype=np.int16),
            "weight": [1.0, 2.0, 1.0, 3.0, 1.0, 0.5],
            "source": pd.Categorical(["XK2024"] * 6, categories=[s.id for s in codebook.sources]),
            "strata": pd.array([pd.NA] * 6, dtype="string"),
            "psu": pd.array([pd.NA] * 6, dtype="string"),
            "trust_police": pd.Categorical(
                ["full", "some", "full", "none", "dk", "some"],
                categories=[c.code for c in codebook.categories_of("trust_police")],
            ),
            "gender": pd.Categorical(
                ["female", "female", "male", "male", "male", "female"], categories=["female", "male"]
            ),
        }
    )
    return Dataset(codebook, frame)


def test_columns_and_order(dataset):
    result = crosstab(dataset, Query("trust_police", by="gender"))
    table = result.table
    assert tuple(table.columns) == TABLE_COLUMNS
    assert list(dict.fromkeys(table["country"])) == ["XK", "AL", "RS"]
    first = table[(table.country == "XK") & (table.year == 2024)]
    assert list(first["by"]) == ["female"] * 6 + ["male"] * 6
    assert list(first["category"][:6]) == ["full", "some", "little", "none", "trust", "distrust"]
    assert list(first["is_net"][:6]) == [False] * 4 + [True] * 2
    assert result.by_letters == {"female": "A", "male": "B"}


def test_hand_worked_weighted_percentages():
    result = crosstab(tiny_dataset(), Query("trust_police", by="gender"))
    t = result.table.set_index(["by", "category"])
    # female: full w=1, some w=2+0.5 -> base 3.5; male (dk excluded): full 1, none 3 -> base 4
    assert t.loc[("female", "full"), "percent"] == pytest.approx(100 * 1 / 3.5)
    assert t.loc[("female", "some"), "percent"] == pytest.approx(100 * 2.5 / 3.5)
    assert t.loc[("male", "none"), "percent"] == pytest.approx(75.0)
    assert t.loc[("female", "trust"), "percent"] == pytest.approx(100.0)
    assert t.loc[("female", "some"), "n"] == 2
    assert t.loc[("female", "some"), "weighted"] == pytest.approx(2.5)
    assert t.loc[("male", "full"), "base_n"] == 2
    # the linearisation of the weights (R: svydesign(ids=~1, weights=~w) over the six): the
    # women's u = w(y - p)/3.5 for "full" with p = 2/7: 1·(5/7), 2·(-2/7), 0.5·(-2/7) over 3.5,
    # var = 6/5 Σu² (six PSUs, one stratum; the men's u are 0)
    p = 1 / 3.5
    u = np.array([1 * (1 - p), 2 * (0 - p), 0.5 * (0 - p)]) / 3.5
    var = 6 / 5 * (u**2).sum()
    assert t.loc[("female", "full"), "se"] == pytest.approx(100 * np.sqrt(var))
    assert t.loc[("female", "full"), "eff_base"] == pytest.approx(p * (1 - p) / var)
    # Kish's design effect of the women's weights: n Σw² / (Σw)² = 3 · 5.25 / 3.5²
    assert t.loc[("female", "full"), "deff"] == pytest.approx(3 * 5.25 / 3.5**2)


def test_include_missing_adds_dk_to_base():
    result = crosstab(tiny_dataset(), Query("trust_police", by="gender", include_missing=True))
    t = result.table.set_index(["by", "category"])
    assert t.loc[("male", "dk"), "is_missing"]
    assert t.loc[("male", "dk"), "percent"] == pytest.approx(100 * 1 / 5)
    assert t.loc[("male", "none"), "percent"] == pytest.approx(100 * 3 / 5)


def test_suppression_and_small_flags(dataset):
    codebook = make_codebook(min_base=80, small_base=95)
    ds = with_frame(Dataset(codebook, dataset.frame), dataset.frame)
    table = crosstab(ds, Query("trust_police", by="gender")).table
    assert (table["suppressed"] == (table["base_n"] < 80)).all()
    assert (table["small"] == (table["base_n"] < 95)).all()
    assert table.loc[table["suppressed"], "percent"].isna().all()
    assert table.loc[~table["suppressed"], "percent"].notna().all()
