"""Tests of independence and column letters against independent computations: scipy's Pearson
test, a Rao-Scott computation from samplics' Taylor covariance and a patsy design (as samplics
builds it; F reference from scipy), statsmodels' two-proportion z-test with Holm's correction, and
the design-based t-test from the standard errors with scipy's t. R's svychisq itself: see
tests/test_stats_r.py."""

from __future__ import annotations

import warnings
from dataclasses import replace
from itertools import combinations

import numpy as np
import pytest
from patsy import dmatrix
from scipy.stats import chi2, chi2_contingency
from scipy.stats import f as f_dist
from scipy.stats import t as t_dist
from stats_support import make_dataset
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportions_ztest

from barometer.stats import Query, crosstab
from barometer.stats.significance import column_letters, holm_significant, rao_scott

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from samplics.estimation import TaylorEstimator
    from samplics.utils.types import PopParam

ANSWERS = ["full", "some", "little", "none"]


@pytest.fixture(scope="module")
def kish_data():
    return make_dataset(n_per_source=500, seed=7)


@pytest.fixture(scope="module")
def design_data():
    return make_dataset(n_per_source=500, seed=8, design=True)


def table_rows(dataset, country, year, by="gender"):
    f = dataset.frame
    rows = f[(f["country"] == country) & (f["year"] == year)]
    return rows, rows["trust_police"].isin(ANSWERS).to_numpy() & rows[by].notna().to_numpy()


def reference_rao_scott(cells, weights, n, cov_of_cells):
    """Rao-Scott second order from the cell covariance, with the saturated log-linear design
    built by patsy (intercept included, pseudo-inverses), as samplics' CrossTabulation does."""
    levels = sorted(set(cells))
    rows_lv = sorted({c[0] for c in levels})
    cols_lv = sorted({c[1] for c in levels})
    grid = [(r, c) for r in rows_lv for c in cols_lv]
    totals = np.array([weights[[x == cell for x in cells]].sum() for cell in grid])
    p = totals / totals.sum()
    v = np.array([[cov_of_cells[a][b] for b in grid] for a in grid])
    frame = {"r": [g[0] for g in grid], "c": [g[1] for g in grid]}
    design = np.asarray(dmatrix("C(r) + C(c) + C(r):C(c)", frame))
    k1 = 1 + (len(rows_lv) - 1) + (len(cols_lv) - 1)
    x1, x2 = design[:, :k1], design[:, k1:]
    p_srs = (np.diag(p) - np.outer(p, p)) / n
    x2t = x2 - x1 @ np.linalg.pinv(x1.T @ p_srs @ x1) @ (x1.T @ p_srs @ x2)
    delta = np.linalg.pinv(x2t.T @ p_srs @ x2t) @ (x2t.T @ v @ x2t)
    pr = totals.reshape(len(rows_lv), len(cols_lv)).sum(axis=1) / totals.sum()
    pc = totals.reshape(len(rows_lv), len(cols_lv)).sum(axis=0) / totals.sum()
    x2p = n * ((p - np.outer(pr, pc).ravel()) ** 2 / np.outer(pr, pc).ravel()).sum()
    t1, t2 = np.trace(delta), np.trace(delta @ delta)
    stat, df = x2p * t1 / t2, t1**2 / t2
    return stat, df, chi2.sf(stat, df)


def test_unweighted_pearson_matches_scipy(kish_data):
    result = crosstab(kish_data, Query("trust_police", by="gender", weighted=False))
    for test in result.tests.itertuples():
        rows, in_table = table_rows(kish_data, test.country, test.year)
        sub = rows[in_table]
        observed = np.array(
            [[((sub["gender"] == g) & (sub["trust_police"] == a)).sum() for a in ANSWERS] for g in ("female", "male")]
        )
        stat, p, dof, _ = chi2_contingency(observed, correction=False)
        assert test.method == "Pearson chi-square"
        assert test.statistic == pytest.approx(stat)
        assert test.df == dof
        assert test.p_value == pytest.approx(p)


def samplics_table_covariance(rows, in_table, design):
    """samplics' Taylor covariance of the table's cell proportions, every respondent of the
    country-year in the sample and the table's respondents as the domain."""
    labels = np.where(in_table, rows["gender"].astype(str) + "|" + rows["trust_police"].astype(str), "out")
    est = TaylorEstimator(param=PopParam.mean)
    extra = ({"stratum": rows["strata"].astype(str).to_numpy(), "psu": rows["psu"].astype(str).to_numpy()}
             if design else {})
    est.estimate(y=labels, samp_weight=rows["weight"].to_numpy(), domain=np.where(in_table, "in", "out"),
                 as_factor=True, **extra)
    return {
        tuple(a.split("|")): {tuple(b.split("|")): v for b, v in row.items() if b != "out"}
        for a, row in est.covariance["in"].items()
        if a != "out"
    }


@pytest.mark.parametrize("design", [False, True], ids=["weights only", "strata and PSUs"])
def test_rao_scott_matches_samplics_covariance(kish_data, design_data, design):
    data = design_data if design else kish_data
    country, year = ("RS", 2024) if design else ("AL", 2025)
    query = Query("trust_police", by="gender", countries=(country,), years=(year,))
    rows, in_table = table_rows(data, country, year)
    cov = samplics_table_covariance(rows, in_table, design)
    sub = rows[in_table]
    cells = list(zip(sub["gender"].astype(str), sub["trust_police"].astype(str), strict=True))
    stat, df, p = reference_rao_scott(cells, sub["weight"].to_numpy(), len(sub), cov)
    chisq = crosstab(data, replace(query, rao_scott="chisq")).tests.iloc[0]
    assert chisq.method == "Rao-Scott chi-square"
    assert chisq.statistic == pytest.approx(stat, rel=1e-8)
    assert chisq.df == pytest.approx(df, rel=1e-8)
    assert np.isnan(chisq.ddf)
    assert chisq.p_value == pytest.approx(p, rel=1e-6)
    # the default F reference: F = X²_RS / ndf on ndf and ndf·ν, ν = PSUs - strata of the table
    nu = (sub["psu"].nunique() - sub["strata"].nunique()) if design else len(sub) - 1
    test = crosstab(data, query).tests.iloc[0]
    assert test.method == "Rao-Scott F"
    assert test.statistic == pytest.approx(stat / df, rel=1e-8)
    assert test.df == pytest.approx(df, rel=1e-8)
    assert test.ddf == pytest.approx(df * nu, rel=1e-8)
    assert test.p_value == pytest.approx(f_dist.sf(stat / df, df, df * nu), rel=1e-6)


def test_rao_scott_under_simple_random_sampling_is_scaled_pearson():
    counts = np.array([[30.0, 20.0, 10.0], [15.0, 25.0, 30.0]])
    n = counts.sum()
    p = (counts / n).ravel()
    cov = (np.diag(p) - np.outer(p, p)) / (n - 1)  # the weights-only linearisation with w = 1
    pearson = chi2_contingency(counts, correction=False).statistic * (n - 1) / n
    stat, df, ddf, pval = rao_scott(counts, cov, n - 1, "chisq")
    assert stat == pytest.approx(pearson)
    assert df == pytest.approx(2.0) and np.isnan(ddf)
    assert pval == pytest.approx(chi2.sf(pearson, 2))
    f, ndf, ddf, pval = rao_scott(counts, cov, n - 1)
    assert (f, ndf, ddf) == pytest.approx((pearson / 2, 2.0, 2 * (n - 1)))
    assert pval == pytest.approx(f_dist.sf(pearson / 2, 2, 2 * (n - 1)))


def test_holm_matches_statsmodels():
    rng = np.random.default_rng(0)
    pvals = rng.random((50, 6)) ** 3
    pvals[::7, 2] = np.nan
    ours = holm_significant(pvals)
    for row, got in zip(pvals, ours, strict=True):
        tested = ~np.isnan(row)
        expected = np.zeros(len(row), dtype=bool)
        expected[tested] = multipletests(row[tested], alpha=0.05, method="holm")[0]
        assert (got == expected).all()


def expected_letters(groups, letters, pvalue):
    """The letters of one answer row from the pair p-values (Holm within the row)."""
    pairs = list(combinations(groups, 2))
    zs, pvals = zip(*(pvalue(a, b) for a, b in pairs), strict=True)
    reject = multipletests(pvals, alpha=0.05, method="holm")[0]
    expected = {g: "" for g in groups}
    for (a, b), z, rej in zip(pairs, zs, reject, strict=True):
        if rej:
            winner, loser = (a, b) if z > 0 else (b, a)
            expected[winner] += letters[loser]
    return {g: "".join(sorted(v)) for g, v in expected.items()}


def test_unweighted_column_letters_match_statsmodels_ztest_with_holm(kish_data):
    result = crosstab(kish_data, Query("trust_police", by="age", countries=("XK",), years=(2024,), weighted=False))
    table = result.table
    groups = list(result.by_letters)
    assert groups == ["18-29", "30-44", "45-64", "65+"]
    letters = dict(zip(groups, column_letters(4), strict=True))
    assert result.by_letters == letters
    found = 0
    for category in table["category"].unique():
        rows = table[table["category"] == category].set_index("by")

        def pvalue(a, b, rows=rows):
            counts = [rows.loc[a, "n"], rows.loc[b, "n"]]
            return proportions_ztest(counts, [rows.loc[a, "base_n"], rows.loc[b, "base_n"]])

        expected = expected_letters(groups, letters, pvalue)
        assert {g: rows.loc[g, "sig"] for g in groups} == expected
        found += sum(len(v) for v in expected.values())
    assert found > 0  # the synthetic data has age differences to find


def test_weighted_column_letters_are_design_t_tests_with_holm(kish_data):
    result = crosstab(kish_data, Query("trust_police", by="age", countries=("XK",), years=(2024,)))
    table = result.table
    groups = list(result.by_letters)
    letters = dict(zip(groups, column_letters(4), strict=True))
    rows_all, _ = table_rows(kish_data, "XK", 2024, by="age")
    in_table = rows_all["trust_police"].isin(ANSWERS) & rows_all["age"].notna()
    df = int(in_table.sum()) - 1  # each respondent a PSU, one stratum: the table's df
    found = 0
    for category in table["category"].unique():
        rows = table[table["category"] == category].set_index("by")

        def pvalue(a, b, rows=rows):
            z = (rows.loc[a, "percent"] - rows.loc[b, "percent"]) / np.hypot(rows.loc[a, "se"], rows.loc[b, "se"])
            return z, 2 * t_dist.sf(abs(z), df)

        expected = expected_letters(groups, letters, pvalue)
        assert {g: rows.loc[g, "sig"] for g in groups} == expected
        found += sum(len(v) for v in expected.values())
    assert found > 0


def test_tests_table_columns(kish_data):
    result = crosstab(kish_data, Query("trust_police", by="gender"))
    assert list(result.tests.columns) == ["country", "year", "statistic", "df", "ddf", "p_value", "method"]
    assert len(result.tests) == 6
