"""Significance: chi-square tests of independence and column-proportion letters.

Unweighted: Pearson's X² = Σ (O - E)² / E over the non-empty rows and columns, df = (R-1)(C-1).

Weighted: Rao-Scott second-order corrected chi-square (Rao & Scott 1984). With p̂ the weighted
cell proportions of the table, n the unweighted base, X²_P = n Σ (p̂_rc - p̂_r p̂_c)² / (p̂_r p̂_c),
P = (diag(p̂) - p̂p̂')/n the multinomial covariance and V the design covariance of p̂ (Taylor
linearised: weights only, each respondent its own PSU, or over the codebook's strata/PSUs), the
generalised design effects are the eigenvalues of Δ = (X̃₂'PX̃₂)⁻¹(X̃₂'VX̃₂), where X̃₂ is the
interaction contrast of the saturated log-linear model made orthogonal to the main effects
under P. The statistic X²_RS = X²_P · tr(Δ) / tr(Δ²) is referred to χ² with the Satterthwaite
df = tr(Δ)² / tr(Δ²) (not necessarily an integer).

Column-proportion letters (as SPSS Custom Tables / Crunch): within each answer row, every pair of
breakdown columns is compared with a two-sided z-test of the column proportions; with Kish
variance the pooled test on effective bases, z = (p₁ - p₂) / sqrt(p̄(1-p̄)(1/n₁ + 1/n₂)),
p̄ = (n₁p₁ + n₂p₂)/(n₁+n₂) (statsmodels `proportions_ztest`); with Taylor variance
z = (p₁ - p₂) / sqrt(v₁ + v₂). The p-values of a row are Holm-adjusted (step-down Bonferroni over
the pairs of that row) and a cell gets the letter of each column it is significantly higher than
at 5%. Columns under the minimum base take no part. The letters always compare column
proportions (share of each breakdown group), whatever percentage base the table shows.
Multiple-response options are tested the same way; numeric means with
z = (x̄₁ - x̄₂) / sqrt(se₁² + se₂²). No chi-square is reported for multiple-response or numeric
items.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import combinations

import numpy as np
from scipy.special import chdtrc, ndtr

ALPHA = 0.05


def column_letters(count: int) -> list[str]:
    """A, B, … Z, AA, AB, … for `count` breakdown columns."""
    letters = []
    for i in range(count):
        name, j = "", i
        while True:
            name = chr(ord("A") + j % 26) + name
            j = j // 26 - 1
            if j < 0:
                break
        letters.append(name)
    return letters


def pearson_chi2(counts: np.ndarray) -> tuple[float, float, float]:
    """(X², df, p) of a two-way table of counts, ignoring empty rows and columns."""
    table = _nonempty(np.asarray(counts, dtype=np.float64))
    if min(table.shape) < 2:
        return np.nan, np.nan, np.nan
    total = table.sum()
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / total
    stat = float(((table - expected) ** 2 / expected).sum())
    df = (table.shape[0] - 1) * (table.shape[1] - 1)
    return stat, float(df), float(chdtrc(df, stat))


def _nonempty(table: np.ndarray) -> np.ndarray:
    return table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]


def rao_scott_chi2(weighted: np.ndarray, cov: np.ndarray, n: float) -> tuple[float, float, float]:
    """(X²_RS, df, p), second-order Rao-Scott, for an (R, C) table of weighted totals whose cell
    proportions (in row-major order) have design covariance `cov` (RC × RC); `n` = unweighted base."""
    stat, df, p = rao_scott_many(weighted[None], cov[None], np.array([n], dtype=np.float64))
    return float(stat[0]), float(df[0]), float(p[0])


def rao_scott_many(weighted: np.ndarray, cov: np.ndarray, n: np.ndarray):
    """`rao_scott_chi2` for a stack of tables (G, R, C) with covariances (G, RC, RC): tables with
    the same non-empty rows and columns are solved together."""
    g = weighted.shape[0]
    stat, df, pval = np.full(g, np.nan), np.full(g, np.nan), np.full(g, np.nan)
    rows_ok = weighted.sum(axis=2) > 0
    cols_ok = weighted.sum(axis=1) > 0
    patterns: dict[bytes, list[int]] = {}
    for i in range(g):
        if n[i] > 1 and rows_ok[i].sum() >= 2 and cols_ok[i].sum() >= 2:
            patterns.setdefault(rows_ok[i].tobytes() + b"|" + cols_ok[i].tobytes(), []).append(i)
    for members in patterns.values():
        idx = np.array(members)
        rows, cols = rows_ok[idx[0]], cols_ok[idx[0]]
        keep = np.outer(rows, cols).ravel()
        tables = weighted[idx][:, rows][:, :, cols]
        v = cov[idx][:, keep][:, :, keep]
        x2, t1, t2 = _rao_scott_traces(tables, v, n[idx])
        good = (t1 > 0) & (t2 > 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            stat[idx] = np.where(good, x2 * t1 / t2, np.nan)
            df[idx] = np.where(good, t1 * t1 / t2, np.nan)
    ok = ~np.isnan(stat)
    pval[ok] = chdtrc(df[ok], stat[ok])
    return stat, df, pval


@lru_cache(maxsize=64)
def _loglinear_design(r: int, c: int) -> tuple[np.ndarray, np.ndarray]:
    """Main effects (without intercept) and interaction columns of the saturated r × c
    log-linear model, treatment coding, cells in row-major order."""
    dummies_r, dummies_c = np.eye(r)[:, 1:], np.eye(c)[:, 1:]
    x1 = np.hstack([np.kron(dummies_r, np.ones((c, 1))), np.kron(np.ones((r, 1)), dummies_c)])
    return x1, np.kron(dummies_r, dummies_c)


def _rao_scott_traces(tables: np.ndarray, v: np.ndarray, n: np.ndarray):
    """(X²_P, tr Δ, tr Δ²) for tables (G, r, c) without empty rows or columns. The intercept is
    left out of the main-effect design: P·1 = V·1 = 0, so it changes nothing."""
    _, r, c = tables.shape
    total = tables.sum(axis=(1, 2))
    p = tables.reshape(len(tables), -1) / total[:, None]
    pr = tables.sum(axis=2) / total[:, None]
    pc = tables.sum(axis=1) / total[:, None]
    expected = (pr[:, :, None] * pc[:, None, :]).reshape(len(tables), -1)
    x2 = n * ((p - expected) ** 2 / expected).sum(axis=1)
    eye = np.eye(r * c)
    p_srs = (eye * p[:, None, :] - p[:, :, None] * p[:, None, :]) / n[:, None, None]
    x1, x2m = _loglinear_design(r, c)
    x1p = x1.T @ p_srs
    try:
        x2t = x2m - x1 @ np.linalg.solve(x1p @ x1, x1p @ x2m)
        m = np.swapaxes(x2t, 1, 2) @ p_srs @ x2t
        delta = np.linalg.solve(m, np.swapaxes(x2t, 1, 2) @ v @ x2t)
    except np.linalg.LinAlgError:
        x2t = x2m - x1 @ (np.linalg.pinv(x1p @ x1, hermitian=True) @ (x1p @ x2m))
        m = np.swapaxes(x2t, 1, 2) @ p_srs @ x2t
        delta = np.linalg.pinv(m, hermitian=True) @ (np.swapaxes(x2t, 1, 2) @ v @ x2t)
    t1 = np.trace(delta, axis1=1, axis2=2)
    t2 = np.einsum("gij,gji->g", delta, delta)
    return x2, t1, t2


def holm_significant(pvalues: np.ndarray, alpha: float = ALPHA) -> np.ndarray:
    """Holm step-down along the last axis (NaN = not tested); True where rejected."""
    p = np.asarray(pvalues, dtype=np.float64)
    k = p.shape[-1]
    if k == 0:
        return np.zeros(p.shape, dtype=bool)
    tested = np.sum(~np.isnan(p), axis=-1, keepdims=True)
    order = np.argsort(p, axis=-1)  # NaN sort last
    ranked = np.take_along_axis(p, order, axis=-1)
    rank = np.arange(k)
    adjusted = np.fmax.accumulate(np.minimum(ranked * (tested - rank), 1.0), axis=-1)
    rejected_sorted = (adjusted < alpha) & (rank < tested)
    rejected = np.empty_like(rejected_sorted)
    np.put_along_axis(rejected, order, rejected_sorted, axis=-1)
    return rejected


def pairwise_higher(
    p: np.ndarray, n_eff: np.ndarray, var: np.ndarray | None, eligible: np.ndarray
) -> np.ndarray:
    """higher[..., k, a, b]: column a's proportion in row k is significantly above column b's.

    `p`, `var` have shape (G, B, K) (proportions and their design variances; None or NaN: the
    pooled test on Kish's effective bases), `n_eff` and `eligible` shape (G, B)."""
    g, b, k = p.shape
    higher = np.zeros((g, k, b, b), dtype=bool)
    pairs = list(combinations(range(b), 2))
    if not pairs:
        return higher
    ia = np.array([a for a, _ in pairs])
    ib = np.array([c for _, c in pairs])
    p1, p2 = p[:, ia, :], p[:, ib, :]  # (G, P, K)
    with np.errstate(divide="ignore", invalid="ignore"):
        n1, n2 = n_eff[:, ia, None], n_eff[:, ib, None]
        pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
        se = np.sqrt(pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2))
        if var is not None:
            design_se = np.sqrt(var[:, ia, :] + var[:, ib, :])
            se = np.where(np.isnan(design_se), se, design_se)
        z = (p1 - p2) / se
    pvals = 2.0 * ndtr(-np.abs(z))
    ok = eligible[:, ia, None] & eligible[:, ib, None] & (se > 0) & np.isfinite(z)
    pvals = np.where(ok, pvals, np.nan)
    rejected = holm_significant(np.moveaxis(pvals, 1, 2))  # (G, K, P)
    z = np.moveaxis(z, 1, 2)
    higher[:, :, ia, ib] = rejected & (z > 0)
    higher[:, :, ib, ia] = rejected & (z < 0)
    return higher
