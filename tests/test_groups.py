"""Combined categories and bands on the fly (`combine`, `bins`): groups equal the sums of their
parts, their percentages equal an independent pandas computation, a grouped query equals the
same query over data recoded beforehand (bases, intervals, letters, tests, disclosure), and bad
values are refused naming the parameter and the value."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from stats_support import make_codebook, make_dataset

from barometer.codebook import Codebook
from barometer.dataset import Dataset
from barometer.params import ParamError, encode_params, parse_params
from barometer.stats import Query, crosstab
from barometer.stats.groups import grouped

YOUNG = ("trust_police", "yes", ("full", "some"))
BANDS = ("age", ((18.0, 34.0), (35.0, 54.0), (55.0, None)))


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return make_dataset(n_per_source=400, seed=3)


def _cells(result) -> pd.DataFrame:
    return result.table.set_index(["country", "year", "by", "category"])


def test_a_combined_answer_is_the_sum_of_its_parts(dataset):
    query = Query("trust_police", by="gender", countries=("XK", "AL"), years=(2024,))
    plain = _cells(crosstab(dataset, query))
    combined = _cells(crosstab(dataset, replace(query, combine=(YOUNG,))))
    for country in ("XK", "AL"):
        for by in ("female", "male"):
            parts = plain.loc[(country, 2024, by, ["full", "some"])]
            group = combined.loc[(country, 2024, by, "yes")]
            assert group["n"] == parts["n"].sum()
            assert group["weighted"] == pytest.approx(parts["weighted"].sum())
            assert group["percent"] == pytest.approx(parts["percent"].sum())
            assert group["base_n"] == plain.loc[(country, 2024, by, "full"), "base_n"]
            # the categories in no group stay as they were
            assert combined.loc[(country, 2024, by, "little"), "n"] == \
                plain.loc[(country, 2024, by, "little"), "n"]


def test_combined_percentages_equal_pandas(dataset):
    query = Query("trust_police", by="gender", countries=("RS",), years=(2025,),
                  combine=(YOUNG, ("trust_police", "no", ("little", "none"))))
    table = _cells(crosstab(dataset, query))
    frame = dataset.frame
    rows = frame[(frame["country"] == "RS") & (frame["year"] == 2025)
                 & frame["trust_police"].isin(["full", "some", "little", "none"])
                 & frame["gender"].notna()]
    group = rows["trust_police"].astype(str).map({"full": "yes", "some": "yes", "little": "no",
                                                   "none": "no"})
    weights = rows.groupby([rows["gender"].astype(str), group])["weight"].sum()
    counts = rows.groupby([rows["gender"].astype(str), group]).size()
    for (gender, answer), weight in weights.items():
        expected = 100 * weight / weights.loc[gender].sum()
        assert table.loc[("RS", 2025, gender, answer), "percent"] == pytest.approx(expected)
        assert table.loc[("RS", 2025, gender, answer), "n"] == counts.loc[(gender, answer)]


def test_banded_percentages_equal_pandas_cut(dataset):
    query = Query("trust_police", by="age", countries=("XK",), years=(2025,), bins=(BANDS,))
    table = _cells(crosstab(dataset, query))
    frame = dataset.frame
    rows = frame[(frame["country"] == "XK") & (frame["year"] == 2025)
                 & frame["trust_police"].isin(["full", "some", "little", "none"])].copy()
    rows["band"] = pd.cut(rows["age"], [17.5, 34.5, 54.5, np.inf], labels=["18-34", "35-54", "55+"])
    rows = rows[rows["band"].notna()]
    weights = rows.groupby(["band", rows["trust_police"].astype(str)], observed=True)["weight"].sum()
    assert set(table.index.get_level_values("by")) == {"18-34", "35-54", "55+"}
    for (band, answer), weight in weights.items():
        expected = 100 * weight / weights.loc[band].sum()
        assert table.loc[("XK", 2025, band, answer), "percent"] == pytest.approx(expected)
        assert table.loc[("XK", 2025, band, answer), "base_n"] == (rows["band"] == band).sum()


def _recoded(dataset: Dataset) -> Dataset:
    """The same respondents with trust_police recoded beforehand (yes = full + some) and age
    banded into an ordinal `age` column: what combining and banding on the fly must equal."""
    raw = make_codebook().model_dump(by_alias=True, exclude_none=True)
    for ind in raw["indicators"]:
        if ind["id"] == "trust_police":
            ind["categories"] = [{"code": "yes", "label": "yes"},
                                 {"code": "little", "label": "Little trust"},
                                 {"code": "none", "label": "No trust"},
                                 {"code": "dk", "label": "Don't know", "missing": "dk"},
                                 {"code": "refused", "label": "Refused", "missing": "refused"}]
            ind["nets"] = [{"code": "trust", "label": "Trust", "categories": ["yes"]},
                           {"code": "distrust", "label": "Distrust",
                            "categories": ["little", "none"]}]
        if ind["id"] == "age":
            ind["bins"] = [{"code": "18-34", "label": "18-34", "low": 18, "high": 34},
                           {"code": "35-54", "label": "35-54", "low": 35, "high": 54},
                           {"code": "55+", "label": "55+", "low": 55, "high": 1e9}]
    codebook = Codebook.model_validate(raw)
    out = dataset.frame.copy()
    out["trust_police"] = pd.Categorical(
        out["trust_police"].astype(object).map({"full": "yes", "some": "yes"}).fillna(
            out["trust_police"].astype(object)),
        categories=["yes", "little", "none", "dk", "refused"])
    return Dataset(codebook, out)


@pytest.mark.parametrize("by", ["gender", "age"])
def test_grouping_on_the_fly_equals_recoding_the_data(dataset, by):
    """Bases, intervals, letters and tests of the groups are those of a recoded file."""
    query = Query("trust_police", by=by, countries=("XK", "AL"), years=(2024, 2025),
                  combine=(YOUNG,), bins=(BANDS,))
    on_the_fly = crosstab(dataset, query)
    recoded = crosstab(_recoded(dataset), replace(query, combine=(), bins=()))
    columns = ["country", "year", "by", "category", "n", "weighted", "percent", "se", "ci_low",
               "ci_high", "base_n", "eff_base", "suppressed", "sig"]
    pd.testing.assert_frame_equal(on_the_fly.table[columns], recoded.table[columns],
                                  check_exact=False, rtol=1e-9)
    pd.testing.assert_frame_equal(on_the_fly.tests, recoded.tests, check_exact=False, rtol=1e-9)
    assert on_the_fly.by_letters == recoded.by_letters


def test_a_band_under_the_minimum_base_is_suppressed_like_any_group(dataset):
    """Disclosure control holds for bands: a narrow band is hidden (and its complement)."""
    query = Query("trust_police", by="age", countries=("XK",), years=(2024,),
                  bins=(("age", ((18.0, 19.0), (20.0, 60.0), (61.0, None))),))
    result = crosstab(dataset, query)
    by_band = result.table.groupby("by")
    assert by_band["base_n"].first().isna()["18-19"]
    assert by_band["suppressed"].all()["18-19"]
    assert ("XK", 2024, "18-19") in result.protection.small
    assert len(result.protection.complementary) == 1
    assert (result.table["sig"] == "").all()  # no letters in a table with a hidden column


def test_filters_see_the_groups(dataset):
    """A filter names a group like any category: the same respondents as filtering by its
    members."""
    by_group = crosstab(dataset, Query("gender", countries=("XK",), years=(2024,),
                                       combine=(YOUNG,), filters=(("trust_police", ("yes",)),)))
    by_members = crosstab(dataset, Query("gender", countries=("XK",), years=(2024,),
                                         filters=(("trust_police", ("full", "some")),)))
    assert list(by_group.table["n"]) == list(by_members.table["n"])


def test_group_labels_are_the_name_or_the_joined_labels(dataset):
    unnamed = grouped(dataset, Query("trust_police", combine=(("trust_police", "",
                                                                ("full", "some")),)))
    category = {c.code: c for c in unnamed.codebook.categories_of("trust_police")}["full+some"]
    assert category.label.get("sq") == "Full trust + Pak besim"
    assert category.label.get("en") == "Full trust + Some trust"
    named = grouped(dataset, Query("trust_police", combine=(YOUNG,)))
    assert {c.code: c.label.get("sr-Cyrl") for c in
            named.codebook.categories_of("trust_police")}["yes"] == "yes"


# -- the parameters -------------------------------------------------------------------------------


def _parse(query: str):
    dataset = make_dataset(n_per_source=10)
    return parse_params(query, dataset.codebook, (2024, 2025), strict=True)


def test_a_plus_in_a_query_string_is_read_as_a_plus():
    """`65+` typed into a URL arrives as `65 ` (a `+` means a space there)."""
    params = _parse("indicator=trust_police&by=age&combine=age.older:45-64,65+")
    assert params.combine == (("age", "older", ("45-64", "65+")),)
    again = _parse(encode_params(params).lstrip("?"))
    assert again.combine == params.combine
    assert _parse("indicator=trust_police&bins=age:18-39,40+").bins == \
        (("age", ((18.0, 39.0), (40.0, None))),)


def test_later_parameters_see_the_groups():
    params = _parse("indicator=trust_police&combine=trust_police.yes:full,some&category=yes"
                    "&bins=age:18-44,45-&by=age&filter=age:18-44")
    assert params.category == "yes"
    assert params.by == "age"
    assert params.filters == (("age", ("18-44",)),)
    assert params.query().bins == (("age", ((18.0, 44.0), (45.0, None))),)


ERRORS = [
    ("combine=trust_police.yes:full,sum", "combine", "'sum' is not a category of 'trust_police'"),
    ("combine=nope.x:a", "combine", "unknown indicator 'nope'"),
    ("combine=trust_police.a:full&combine=trust_police.b:full,some", "combine",
     "'full' is already in the group 'a'"),
    ("combine=trust_police.a:", "combine", "should look like indicator.group:code,code"),
    ("combine=trust_police.a:,,", "combine", "lists no categories"),
    ("combine=trust_police.a:full,dk", "combine", "don't know / refused cannot be combined"),
    ("combine=trust_police.little:full,some", "combine", "the name 'little' is already used"),
    ("combine=threats.x:crime,war", "combine", "multiple-response"),
    ("bins=age:18-40,30-50", "bins", "without overlapping (18-40 and 30-50)"),
    ("bins=age:40-30", "bins", "the band 40-30 ends before it starts"),
    ("bins=age:18-,30-40", "bins", "only the first band may be open below"),
    ("bins=gender:1-2", "bins", "'gender' is not numeric"),
    ("bins=age:young", "bins", "'young' is not a band"),
    ("bins=age", "bins", "should look like indicator:18-34,35-54,55-"),
    ("bins=age:18-30&bins=age:31-40", "bins", "bins for 'age' are given twice"),
]


@pytest.mark.parametrize(("query", "param", "message"), ERRORS)
def test_bad_groupings_are_refused_naming_the_parameter_and_value(query, param, message):
    with pytest.raises(ParamError) as caught:
        _parse("indicator=settlement&" + query)
    assert caught.value.param == param
    assert message in str(caught.value)


def test_a_lenient_link_drops_a_bad_grouping_with_a_notice():
    dataset = make_dataset(n_per_source=10)
    params = parse_params("indicator=settlement&combine=trust_police.yes:full,sum",
                          dataset.codebook, (2024, 2025))
    assert params.combine == ()
    assert any("sum" in notice for notice in params.notices)
