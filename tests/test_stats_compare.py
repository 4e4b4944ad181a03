"""Compare: each country, then the pooled figure of one wave; the pooled percentages checked
against a pandas computation of the pooling rule written out by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from barometer.ingest import load_dataset
from barometer.stats import Query, QueryError, compare, crosstab
from barometer.stats.query import data_years


@pytest.fixture(scope="module")
def dataset():
    return load_dataset()


def pooled_shares(dataset, indicator: str, countries: list[str], year: int, pool: str) -> pd.Series:
    """Each country's weights rescaled to its share (1/K, or its adult population's share) of
    the pooled total over all its respondents that year; then the weighted shares of the
    substantive answers (don't know and refused out of the base)."""
    frame = dataset.frame
    wave = frame[(frame["year"] == year) & frame["country"].isin(countries)].copy()
    wave["country"] = wave["country"].astype(str)
    totals = wave.groupby("country")["weight"].sum()
    if pool == "population":
        pops = pd.Series({c: dataset.codebook.countries[c].adult_population for c in countries})
        shares = pops / pops.sum()
    else:
        shares = pd.Series({c: 1 / len(countries) for c in countries})
    wave["w"] = wave["weight"] * wave["country"].map(shares / totals)
    missing = {c.code for c in dataset.codebook.categories_of(indicator) if c.missing}
    answered = wave[wave[indicator].notna() & ~wave[indicator].astype(str).isin(missing)]
    by_answer = answered.groupby(answered[indicator].astype(str))["w"].sum()
    return 100 * by_answer / answered["w"].sum()


@pytest.mark.parametrize("pool", ["equal", "population"])
def test_pooled_row_follows_the_pooling_rule(dataset, pool):
    result = compare(dataset, Query("trust_eu", countries=("AL", "RS"), years=(2024,), pool=pool))
    table = result.table
    assert list(dict.fromkeys(table["country"])) == ["AL", "RS", "pooled"]
    pooled = table[(table["country"] == "pooled") & ~table["is_net"]].set_index("category")
    expected = pooled_shares(dataset, "trust_eu", ["AL", "RS"], 2024, pool)
    for code, share in expected.items():
        assert pooled.loc[code, "percent"] == pytest.approx(share, rel=1e-9)
    assert result.pooled == ("AL", "RS")


def test_separate_rows_are_the_countries_own_crosstabs(dataset):
    query = Query("safe_at_night", countries=("XK", "RS"), years=(2023,), pool="equal")
    result = compare(dataset, query)
    alone = crosstab(dataset, Query("safe_at_night", countries=("XK", "RS"), years=(2023,)))
    separate = result.table[result.table["country"] != "pooled"].reset_index(drop=True)
    pd.testing.assert_frame_equal(separate, alone.table)


def test_without_pooling_there_is_no_pooled_row_and_the_wave_defaults_to_the_latest(dataset):
    result = compare(dataset, Query("trust_eu"))
    assert "pooled" not in set(result.table["country"])
    assert set(result.table["year"]) == {data_years(dataset)[-1]}


@pytest.mark.parametrize(("query", "param"), [
    (Query("trust_eu", years=(2023, 2024)), "year"),
    (Query("trust_eu", by="gender"), "by"),
])
def test_compare_refuses_several_waves_and_breakdowns(dataset, query, param):
    with pytest.raises(QueryError) as caught:
        compare(dataset, query)
    assert caught.value.param == param


def test_what_disclosure_control_hid_in_either_table_is_told(dataset):
    """A filter leaving Albania 2025 under the minimum base: the countries' table withholds it,
    and the comparison's facts say so (not only the pooled table's)."""
    query = Query("trust_police", countries=("AL", "XK"), years=(2025,), pool="equal",
                  filters=(("region", ("al_gjirokaster", "xk_prizren")),))
    separate = crosstab(dataset, Query(**{**query.__dict__, "pool": "separate"}))
    pooled = crosstab(dataset, query)
    assert separate.protection.withheld == (("AL", 2025),)
    facts = compare(dataset, query).protection
    assert facts.withheld == separate.protection.withheld + pooled.protection.withheld
    assert facts.small == separate.protection.small + pooled.protection.small
    assert facts.min_base == pooled.protection.min_base
