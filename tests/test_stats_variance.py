"""Standard errors and intervals against independent computations: statsmodels' Wilson
interval, scipy's standard error of the mean and t interval, numpy's weighted quantile, and
samplics' Taylor linearisation."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy import stats as sps
from stats_support import make_dataset
from statsmodels.stats.proportion import proportion_confint

from barometer.stats import Query, crosstab, frequencies
from barometer.stats.variance import wilson_interval

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from samplics.estimation import TaylorEstimator
    from samplics.utils.types import PopParam


@pytest.fixture(scope="module")
def kish_data():
    return make_dataset(n_per_source=300, seed=3)


@pytest.fixture(scope="module")
def design_data():
    return make_dataset(n_per_source=400, seed=4, design=True)


def group_rows(dataset, country="XK", year=2024):
    f = dataset.frame
    return f[(f["country"] == country) & (f["year"] == year)]


@pytest.mark.parametrize(("count", "nobs"), [(0, 10), (3, 10), (10, 10), (17, 40), (250, 1000)])
def test_wilson_matches_statsmodels(count, nobs):
    low, high = wilson_interval(np.array([count / nobs]), np.array([float(nobs)]))
    ref_low, ref_high = proportion_confint(count, nobs, alpha=0.05, method="wilson")
    assert low[0] == pytest.approx(ref_low, abs=1e-12)
    assert high[0] == pytest.approx(ref_high, abs=1e-12)


def test_unweighted_percent_ci_is_wilson_on_counts(kish_data):
    table = frequencies(kish_data, Query("trust_police", countries=("AL",), years=(2025,), weighted=False)).table
    rows = group_rows(kish_data, "AL", 2025)
    answered = rows["trust_police"].isin(["full", "some", "little", "none"])
    nobs = int(answered.sum())
    for _, row in table.iterrows():
        if row["is_net"]:
            continue
        count = int((rows["trust_police"] == row["category"]).sum())
        assert row["n"] == count and row["base_n"] == nobs
        low, high = proportion_confint(count, nobs, method="wilson")
        assert row["ci_low"] == pytest.approx(100 * low)
        assert row["ci_high"] == pytest.approx(100 * high)
        p = count / nobs
        assert row["se"] == pytest.approx(100 * np.sqrt(p * (1 - p) / nobs))


def korn_graubard_wilson(p, se, n, df):
    """statsmodels' Wilson interval on n_eff (t_{n-1}/t_df)², n_eff = p(1-p)/se² (scipy's t)."""
    n_eff = p * (1 - p) / se**2
    n_star = n_eff * (sps.t.ppf(0.975, n - 1) / sps.t.ppf(0.975, df)) ** 2
    return proportion_confint(p * n_star, n_star, alpha=0.05, method="wilson")


def test_weighted_percent_without_design_linearises_the_weights(kish_data):
    """A weighted file without a declared design: each respondent a PSU of one stratum
    (samplics over every respondent of the country-year, the question's base as the domain)."""
    table = frequencies(kish_data, Query("trust_police", countries=("RS",), years=(2024,))).table
    rows = group_rows(kish_data, "RS", 2024)
    answered = rows["trust_police"].isin(["full", "some", "little", "none"]).to_numpy()
    est = TaylorEstimator(param=PopParam.mean)
    est.estimate(y=rows["trust_police"].astype(str).to_numpy(), samp_weight=rows["weight"].to_numpy(),
                 domain=np.where(answered, "in", "out"), as_factor=True)
    w = rows["weight"].to_numpy()[answered]
    deff = len(w) * (w**2).sum() / w.sum() ** 2
    checked = 0
    for _, row in table[~table["is_net"]].iterrows():
        ref_p, ref_se = est.point_est["in"][row["category"]], est.stderror["in"][row["category"]]
        assert row["percent"] == pytest.approx(100 * ref_p)
        assert row["se"] == pytest.approx(100 * ref_se, rel=1e-9)
        assert row["eff_base"] == pytest.approx(ref_p * (1 - ref_p) / ref_se**2, rel=1e-9)
        assert row["deff"] == pytest.approx(deff)
        # one stratum, each respondent a PSU: df = respondents in the base - 1, so n* = n_eff
        low, high = korn_graubard_wilson(ref_p, ref_se, answered.sum(), answered.sum() - 1)
        assert (row["ci_low"], row["ci_high"]) == pytest.approx((100 * low, 100 * high))
        checked += 1
    assert checked == 4


def test_numeric_mean_unweighted_matches_scipy(kish_data):
    table = frequencies(kish_data, Query("age", countries=("XK",), years=(2025,), weighted=False)).table
    ages = group_rows(kish_data, "XK", 2025)["age"].dropna().to_numpy()
    row = table.iloc[0]
    assert row["category"] == "mean"
    assert row["percent"] == pytest.approx(ages.mean())
    assert row["se"] == pytest.approx(sps.sem(ages))
    low, high = sps.t.interval(0.95, len(ages) - 1, loc=ages.mean(), scale=sps.sem(ages))
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high))
    assert row["median"] == np.quantile(ages, 0.5, method="inverted_cdf")


def test_numeric_weighted_mean_and_median(kish_data):
    table = crosstab(kish_data, Query("age", by="gender", countries=("AL",), years=(2024,))).table
    rows = group_rows(kish_data, "AL", 2024)
    gender = rows["gender"].astype(str).to_numpy()
    domain = np.where(rows["age"].notna().to_numpy() & (gender != "nan"), gender, "out")
    est = TaylorEstimator(param=PopParam.mean)
    est.estimate(y=rows["age"].fillna(1.0).to_numpy(), samp_weight=rows["weight"].to_numpy(), domain=domain)
    for _, row in table.iterrows():
        sub = rows[(rows["gender"] == row["by"]) & rows["age"].notna()]
        x, w = sub["age"].to_numpy(), sub["weight"].to_numpy()
        assert row["percent"] == pytest.approx(np.average(x, weights=w))
        assert row["se"] == pytest.approx(est.stderror[row["by"]], rel=1e-9)
        low, high = sps.t.interval(0.95, len(x) - 1, loc=est.point_est[row["by"]], scale=est.stderror[row["by"]])
        assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high))
        assert row["median"] == np.quantile(x, 0.5, weights=w, method="inverted_cdf")


def test_taylor_proportions_match_samplics(design_data):
    result = crosstab(design_data, Query("trust_police", by="gender", countries=("XK",), years=(2024,)))
    assert result.variance == "taylor"
    rows = group_rows(design_data, "XK", 2024)
    answered = rows["trust_police"].isin(["full", "some", "little", "none"]).to_numpy()
    gender = rows["gender"].astype(str).to_numpy()
    domain = np.where(answered & (gender != "nan"), gender, "out")
    est = TaylorEstimator(param=PopParam.mean)
    est.estimate(
        y=rows["trust_police"].astype(str).to_numpy(),
        samp_weight=rows["weight"].to_numpy(),
        stratum=rows["strata"].astype(str).to_numpy(),
        psu=rows["psu"].astype(str).to_numpy(),
        domain=domain,
        as_factor=True,
    )
    checked = 0
    for _, row in result.table[~result.table["is_net"]].iterrows():
        ref_p = est.point_est[row["by"]][row["category"]]
        ref_se = est.stderror[row["by"]][row["category"]]
        assert row["percent"] == pytest.approx(100 * ref_p)
        assert row["se"] == pytest.approx(100 * ref_se, rel=1e-9)
        # df: PSUs - strata among the respondents of the column (its domain)
        base = rows[answered & (gender == row["by"])]
        df = base["psu"].nunique() - base["strata"].nunique()
        low, high = korn_graubard_wilson(ref_p, ref_se, len(base), df)
        assert (row["ci_low"], row["ci_high"]) == pytest.approx((100 * low, 100 * high))
        checked += 1
    assert checked == 8


def test_taylor_mean_matches_samplics(design_data):
    result = crosstab(design_data, Query("age", by="gender", countries=("RS",), years=(2025,)))
    rows = group_rows(design_data, "RS", 2025)
    gender = rows["gender"].astype(str).to_numpy()
    domain = np.where(rows["age"].notna().to_numpy() & (gender != "nan"), gender, "out")
    est = TaylorEstimator(param=PopParam.mean)
    est.estimate(
        y=rows["age"].fillna(1.0).to_numpy(),  # outside the domain: any non-zero value
        samp_weight=rows["weight"].to_numpy(),
        stratum=rows["strata"].astype(str).to_numpy(),
        psu=rows["psu"].astype(str).to_numpy(),
        domain=domain,
    )
    for _, row in result.table.iterrows():
        assert row["percent"] == pytest.approx(est.point_est[row["by"]])
        assert row["se"] == pytest.approx(est.stderror[row["by"]], rel=1e-9)


def test_taylor_multiple_response_matches_samplics(design_data):
    result = frequencies(design_data, Query("threats", countries=("AL",), years=(2025,)))
    rows = group_rows(design_data, "AL", 2025)
    answered = rows["threats__crime"].notna().to_numpy()
    for option in ("crime", "war"):
        est = TaylorEstimator(param=PopParam.mean)
        est.estimate(
            # outside the domain any non-zero value (samplics divides by each domain's estimate)
            y=rows[f"threats__{option}"].astype("Float64").fillna(1.0).to_numpy(dtype=float),
            samp_weight=rows["weight"].to_numpy(),
            stratum=rows["strata"].astype(str).to_numpy(),
            psu=rows["psu"].astype(str).to_numpy(),
            domain=np.where(answered, "in", "out"),
        )
        row = result.table.set_index("category").loc[option]
        assert row["percent"] == pytest.approx(100 * est.point_est["in"])
        assert row["se"] == pytest.approx(100 * est.stderror["in"], rel=1e-9)
