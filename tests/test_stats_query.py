"""Query behaviour: errors naming the closest valid names, pooling rules, percentage bases,
multiple-response items, numeric breakdowns, trends."""

from __future__ import annotations

import numpy as np
import pytest
from stats_support import make_dataset

from barometer.present.labels import result_notes
from barometer.stats import Query, QueryError, crosstab, frequencies, trend

ANSWERS = ["full", "some", "little", "none"]


@pytest.fixture(scope="module")
def data():
    return make_dataset(n_per_source=300, seed=11)


@pytest.mark.parametrize(
    ("query", "param", "first"),
    [
        (Query("trust_polise"), "indicator", "trust_police"),
        (Query("trust_police", by="gendr"), "by", "gender"),
        (Query("trust_police", countries=("XX", "AL")), "country", "XK"),
        (Query("trust_police", years=(2023,)), "year", "2024"),
        (Query("trust_police", filters=(("gender", ("femal",)),)), "category", "female"),
        (Query("trust_police", filters=(("gendre", ("female",)),)), "filter", "gender"),
        (Query("trust_police", by="threats"), "by", None),
        (Query("trust_police", by="trust_police"), "by", None),
    ],
)
def test_bad_names_raise_query_error(data, query, param, first):
    with pytest.raises(QueryError) as info:
        crosstab(data, query)
    assert info.value.param == param
    if first is not None:
        assert info.value.allowed[0] == first
        assert first in str(info.value)


def test_trend_category_must_exist(data):
    with pytest.raises(QueryError) as info:
        trend(data, Query("trust_police"), "trusst")
    assert info.value.param == "category" and info.value.allowed[0] == "trust"


def pooled_expected(data, year, shares):
    f = data.frame[data.frame["year"] == year]
    w = f["weight"].to_numpy().copy()
    n_y = len(f)
    for c, share in shares.items():
        mask = (f["country"] == c).to_numpy()
        w[mask] *= n_y * share / w[mask].sum()
    answered = f["trust_police"].isin(ANSWERS).to_numpy()
    full = (f["trust_police"] == "full").to_numpy()
    return 100 * w[full].sum() / w[answered].sum()


def test_pool_equal_and_population(data):
    equal = frequencies(data, Query("trust_police", pool="equal")).table
    row = equal[(equal["year"] == 2024) & (equal["category"] == "full")].iloc[0]
    assert row["country"] == "pooled"
    assert row["percent"] == pytest.approx(pooled_expected(data, 2024, {c: 1 / 3 for c in ("XK", "AL", "RS")}))
    pops = {"XK": 1_500_000, "AL": 2_300_000, "RS": 5_500_000}
    result = frequencies(data, Query("trust_police", pool="population"))
    row = result.table[(result.table["year"] == 2025) & (result.table["category"] == "full")].iloc[0]
    shares = {c: p / sum(pops.values()) for c, p in pops.items()}
    assert row["percent"] == pytest.approx(pooled_expected(data, 2025, shares))
    assert result.pooled == tuple(data.codebook.countries)
    assert any("adult population" in note for note in result_notes(result, data.codebook, "en"))


def test_row_and_total_percentages(data):
    q = Query("trust_police", by="gender", countries=("AL",), years=(2024,))
    row = crosstab(data, Query(**{**q.__dict__, "percent": "row"})).table
    for _, rows in row.groupby("category"):
        assert rows["percent"].sum() == pytest.approx(100.0)
    total = crosstab(data, Query(**{**q.__dict__, "percent": "total"})).table
    assert total.loc[~total["is_net"], "percent"].sum() == pytest.approx(100.0)
    assert (total["base_n"] == total.loc[~total["is_net"], "n"].sum()).all()


def test_multiple_response_percent_of_answerers(data):
    table = frequencies(data, Query("threats", countries=("RS",), years=(2025,))).table.set_index("category")
    f = data.frame[(data.frame["country"] == "RS") & (data.frame["year"] == 2025)]
    answered = f["threats__crime"].notna().to_numpy()
    w = f["weight"].to_numpy()
    for option in ("crime", "cyber", "migration", "war"):
        chosen = f[f"threats__{option}"].fillna(False).to_numpy(dtype=bool)
        assert table.loc[option, "percent"] == pytest.approx(100 * w[chosen].sum() / w[answered].sum())
        assert table.loc[option, "base_n"] == answered.sum()
    either = f["threats__crime"].fillna(False).to_numpy(dtype=bool) | f["threats__war"].fillna(False).to_numpy(dtype=bool)
    assert table.loc["physical", "is_net"]
    assert table.loc["physical", "percent"] == pytest.approx(100 * w[either].sum() / w[answered].sum())
    assert table.loc[["crime", "cyber", "migration", "war"], "percent"].sum() > 100


def test_numeric_breakdown_uses_bins_and_filter_by_bin(data):
    table = crosstab(data, Query("trust_police", by="age", countries=("XK",), years=(2025,))).table
    assert list(dict.fromkeys(table["by"])) == ["18-29", "30-44", "45-64", "65+"]
    f = data.frame[(data.frame["country"] == "XK") & (data.frame["year"] == 2025)]
    young = f[(f["age"] >= 18) & (f["age"] <= 29) & f["trust_police"].isin(ANSWERS)]
    assert table[table["by"] == "18-29"]["base_n"].iloc[0] == len(young)
    filtered = frequencies(data, Query("trust_police", countries=("XK",), years=(2025,), filters=(("age", ("18-29",)),)))
    assert filtered.table["base_n"].iloc[0] == len(young)


def test_trend_one_row_per_wave(data):
    result = trend(data, Query("trust_police"), "trust")
    assert list(zip(result.table["country"], result.table["year"], strict=True)) == [
        (c, y) for c in ("XK", "AL", "RS") for y in (2024, 2025)
    ]
    assert (result.table["category"] == "trust").all() and result.table["is_net"].all()
    means = trend(data, Query("age", countries=("AL",)), None).table
    f = data.frame[data.frame["country"] == "AL"]
    for _, row in means.iterrows():
        sub = f[(f["year"] == row["year"]) & f["age"].notna()]
        assert row["percent"] == pytest.approx(np.average(sub["age"], weights=sub["weight"]))


def test_breakdown_missing_categories_follow_include_missing(data):
    without = crosstab(data, Query("trust_police", by="settlement")).table
    assert set(without["by"]) == {"urban", "rural"}
    with_dk = crosstab(data, Query("trust_police", by="settlement", include_missing=True))
    assert list(with_dk.by_letters) == ["urban", "rural", "dk"]
    assert with_dk.table["is_missing"].any()


def test_suppressed_cells_carry_no_letters():
    small = make_dataset(n_per_source=60, seed=2, min_base=25, small_base=40)
    table = crosstab(small, Query("trust_police", by="age")).table
    assert table["suppressed"].any()
    assert (table.loc[table["suppressed"], "sig"] == "").all()
    assert table.loc[table["suppressed"], ["percent", "se", "ci_low", "ci_high"]].isna().all().all()
