"""Chi-square tests and column letters against independent computations: scipy's Pearson test,
a Rao-Scott computation from samplics' Taylor covariance and a patsy design (as samplics
builds it), and statsmodels' two-proportion z-test with Holm's correction."""

from __future__ import annotations

import warnings
from itertools import combinations

import numpy as np
import pytest
from patsy import dmatrix
from scipy.stats import chi2, chi2_contingency
from stats_support import make_dataset
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportions_ztest

from barometer.stats import Query, crosstab
from barometer.stats.significance import column_letters, holm_significant, rao_scott_chi2

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


def test_rao_scott_weights_only_matches_samplics_covariance(kish_data):
    result = crosstab(kish_data, Query("trust_police", by="gender", countries=("AL",), years=(2025,)))
    test = result.tests.iloc[0]
    assert test.method == "Rao-Scott chi-square"
    rows, in_table = table_rows(kish_data, "AL", 2025)
    sub = rows[in_table]
    cells = list(zip(sub["gender"].astype(str), sub["trust_police"].astype(str), strict=True))
    labels = np.array([f"{g}|{a}" for g, a in cells])
    est = TaylorEstimator(param=PopParam.mean)
    est.estimate(y=labels, samp_weight=sub["weight"].to_numpy(), as_factor=True)
    cov = {tuple(a.split("|")): {tuple(b.split("|")): v for b, v in row.items()} for a, row in est.covariance.items()}
    stat, df, p = reference_rao_scott(cells, sub["weight"].to_numpy(), len(sub), cov)
    assert test.statistic == pytest.approx(stat, rel=1e-8)
    assert test.df == pytest.approx(df, rel=1e-8)
    assert test.p_value == pytest.approx(p, rel=1e-6)


def test_rao_scott_with_strata_and_psus_matches_samplics_covariance(design_data):
    result = crosstab(design_data, Query("trust_police", by="gender", countries=("RS",), years=(2024,)))
    test = result.tests.iloc[0]
    rows, in_table = table_rows(design_data, "RS", 2024)
    labels = np.where(
        in_table, rows["gender"].astype(str) + "|" + rows["trust_police"].astype(str), "out"
    )
    est = TaylorEstimator(param=PopParam.mean)
    est.estimate(
        y=labels,
        samp_weight=rows["weight"].to_numpy(),
        stratum=rows["strata"].astype(str).to_numpy(),
        psu=rows["psu"].astype(str).to_numpy(),
        domain=np.where(in_table, "in", "out"),
        as_factor=True,
    )
    cov = {
        tuple(a.split("|")): {tuple(b.split("|")): v for b, v in row.items() if b != "out"}
        for a, row in est.covariance["in"].items()
        if a != "out"
    }
    sub = rows[in_table]
    cells = list(zip(sub["gender"].astype(str), sub["trust_police"].astype(str), strict=True))
    stat, df, p = reference_rao_scott(cells, sub["weight"].to_numpy(), len(sub), cov)
    assert test.statistic == pytest.approx(stat, rel=1e-8)
    assert test.df == pytest.approx(df, rel=1e-8)
    assert test.p_value == pytest.approx(p, rel=1e-6)


def test_rao_scott_under_simple_random_sampling_is_scaled_pearson():
    counts = np.array([[30.0, 20.0, 10.0], [15.0, 25.0, 30.0]])
    n = counts.sum()
    p = (counts / n).ravel()
    cov = (np.diag(p) - np.outer(p, p)) / (n - 1)  # the weights-only linearisation with w = 1
    stat, df, pval = rao_scott_chi2(counts, cov, n)
    pearson = chi2_contingency(counts, correction=False)
    assert stat == pytest.approx(pearson.statistic * (n - 1) / n)
    assert df == pytest.approx(2.0)
    assert pval == pytest.approx(chi2.sf(pearson.statistic * (n - 1) / n, 2))


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


def test_column_letters_match_statsmodels_ztest_with_holm(kish_data):
    result = crosstab(kish_data, Query("trust_police", by="age", countries=("XK",), years=(2024,)))
    table = result.table
    groups = list(result.by_letters)
    assert groups == ["18-29", "30-44", "45-64", "65+"]
    letters = dict(zip(groups, column_letters(4), strict=True))
    assert result.by_letters == letters
    found = 0
    for category in table["category"].unique():
        rows = table[table["category"] == category].set_index("by")
        pairs = list(combinations(groups, 2))
        pvals, zs = [], []
        for a, b in pairs:
            n_a, n_b = rows.loc[a, "eff_base"], rows.loc[b, "eff_base"]
            p_a, p_b = rows.loc[a, "weighted"] / rows.loc[a, "base_weighted"], rows.loc[b, "weighted"] / rows.loc[b, "base_weighted"]
            z, pv = proportions_ztest([p_a * n_a, p_b * n_b], [n_a, n_b])
            pvals.append(pv)
            zs.append(z)
        reject = multipletests(pvals, alpha=0.05, method="holm")[0]
        expected = {g: "" for g in groups}
        for (a, b), z, rej in zip(pairs, zs, reject, strict=True):
            if rej:
                winner, loser = (a, b) if z > 0 else (b, a)
                expected[winner] += letters[loser]
        expected = {g: "".join(sorted(v)) for g, v in expected.items()}
        assert {g: rows.loc[g, "sig"] for g in groups} == expected
        found += sum(len(v) for v in expected.values())
    assert found > 0  # the synthetic data has age differences to find


def test_tests_table_columns(kish_data):
    result = crosstab(kish_data, Query("trust_police", by="gender"))
    assert list(result.tests.columns) == ["country", "year", "statistic", "df", "p_value", "method"]
    assert len(result.tests) == 6
