"""Significance: tests of independence and column-proportion letters.

Unweighted (or a group without weights): Pearson's X² = Σ (O - E)² / E over the non-empty rows
and columns, df = (R-1)(C-1).

Weighted: the Rao-Scott second-order correction exactly as R's `svychisq` computes it (Rao &
Scott 1984). Over the rows and columns with respondents, p̂ the weighted cell proportions, D =
diag(p̂) with 1/p̂ taken as 0 for an empty cell (a sampling zero), V the design covariance of p̂
(`barometer.stats.variance.design_covariance`), C the interaction contrasts of the saturated
log-linear model (a basis of the tables whose rows and columns sum to 0):
    Δ = (C'D⁻¹C)⁻¹ (C'D⁻¹VD⁻¹C),  X²_P = Σ (p̂_rc − p̂_r p̂_c)² / (p̂_r p̂_c)  (per unit of base),
    F = X²_P / tr Δ on ndf = (tr Δ)² / tr Δ² and ddf = ndf · ν degrees of freedom,
ν the design's degrees of freedom among the table's respondents (PSUs − strata; replicate
designs: the rank of the replicate weights − 1). The "chisq" reference refers X²_RS = F · ndf to
χ² on ndf degrees of freedom instead (the F reference with ν = ∞). A table whose C'D⁻¹C is
singular (too many sampling zeros) gets no test, as R stops there.

Column-proportion letters (as SPSS Custom Tables / Crunch): within each answer row, every pair of
breakdown columns is compared. Unweighted: the pooled two-proportion z-test, z = (p₁ − p₂) /
sqrt(p̄(1−p̄)(1/n₁ + 1/n₂)), p̄ = (n₁p₁ + n₂p₂)/(n₁+n₂) (statsmodels `proportions_ztest`);
weighted: t = (p₁ − p₂) / sqrt(v₁ + v₂) with the design variances, referred to Student's t on the
group's design degrees of freedom. The p-values of a row are Holm-adjusted (step-down Bonferroni
over the pairs of that row) and a cell gets the letter of each column it is significantly higher
than at 5%. Columns under the minimum base take no part. The letters always compare column
proportions (share of each breakdown group), whatever percentage base the table shows.
Multiple-response options are tested the same way; numeric means with (x̄₁ − x̄₂) /
sqrt(se₁² + se₂²). No test of independence is reported for multiple-response or numeric items.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import combinations

import numpy as np
from scipy.special import chdtrc, fdtrc, ndtr, stdtr

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


@lru_cache(maxsize=64)
def interaction_contrasts(r: int, c: int) -> np.ndarray:
    """An orthonormal basis (rc × (r−1)(c−1)) of the r × c tables (row-major) whose rows and
    columns all sum to 0: the span of the saturated model's interaction columns made
    orthogonal to its main effects (R's qr.resid(qr(X1), X12))."""
    return np.kron(_contrasts(r), _contrasts(c))


def _contrasts(k: int) -> np.ndarray:
    """k × (k−1) orthonormal columns orthogonal to the ones vector."""
    q, _ = np.linalg.qr(np.hstack([np.ones((k, 1)), np.eye(k)[:, : k - 1]]))
    return q[:, 1:]


def rao_scott(weighted: np.ndarray, cov: np.ndarray, nu: float,
              reference: str = "F") -> tuple[float, float, float, float]:
    """(statistic, df, ddf, p) of the second-order Rao-Scott test of an (R, C) table of weighted
    totals whose cell proportions (row-major) have design covariance `cov`; `nu` the design's
    degrees of freedom. reference "F": (F, ndf, ddf, p) as R's svychisq; "chisq": (X²_RS, ndf,
    NaN, p). NaNs when the table has fewer than two non-empty rows or columns."""
    out = rao_scott_many(np.asarray(weighted)[None], np.asarray(cov)[None], np.array([nu], dtype=np.float64),
                         reference)
    return tuple(float(a[0]) for a in out)


def rao_scott_many(weighted: np.ndarray, cov: np.ndarray, nu: np.ndarray, reference: str = "F"):
    """`rao_scott` for a stack of tables (G, R, C) with covariances (G, RC, RC): tables with the
    same non-empty rows and columns are solved together. Returns (statistic, df, ddf, p), each (G,)."""
    g = weighted.shape[0]
    stat, ndf, ddf, pval = (np.full(g, np.nan) for _ in range(4))
    rows_ok = weighted.sum(axis=2) > 0
    cols_ok = weighted.sum(axis=1) > 0
    patterns: dict[bytes, list[int]] = {}
    for i in range(g):
        if rows_ok[i].sum() >= 2 and cols_ok[i].sum() >= 2:
            patterns.setdefault(rows_ok[i].tobytes() + b"|" + cols_ok[i].tobytes(), []).append(i)
    for members in patterns.values():
        idx = np.array(members)
        rows, cols = rows_ok[idx[0]], cols_ok[idx[0]]
        keep = np.outer(rows, cols).ravel()
        tables = weighted[idx][:, rows][:, :, cols]
        x2, t1, t2 = _traces(tables, cov[idx][:, keep][:, :, keep])
        with np.errstate(divide="ignore", invalid="ignore"):
            good = (t1 > 0) & (t2 > 0)
            d0 = np.where(good, t1 * t1 / t2, np.nan)
            f = np.where(good, x2 / t1, np.nan)
        ndf[idx] = d0
        if reference == "chisq":
            stat[idx] = f * d0
        else:
            stat[idx] = f
            ddf[idx] = d0 * nu[idx]
    ok = ~np.isnan(stat)
    if reference == "chisq":
        pval[ok] = chdtrc(ndf[ok], stat[ok])
    else:
        ok &= ddf > 0
        pval[ok] = fdtrc(ndf[ok], ddf[ok], stat[ok])
    return stat, ndf, ddf, pval


def _traces(tables: np.ndarray, v: np.ndarray):
    """(X²_P per unit of base, tr Δ, tr Δ²) of tables (G, r, c) without empty rows or columns;
    NaN where C'D⁻¹C is singular (R's solve() stops there)."""
    n, r, c = tables.shape
    total = tables.sum(axis=(1, 2))
    p = tables.reshape(n, -1) / total[:, None]
    expected = (tables.sum(axis=2)[:, :, None] * tables.sum(axis=1)[:, None, :]).reshape(n, -1) / (total * total)[:, None]
    x2 = ((p - expected) ** 2 / expected).sum(axis=1)
    inv_p = np.where(p > 0, 1.0 / np.where(p > 0, p, 1.0), 0.0)
    contrasts = interaction_contrasts(r, c)
    scaled = contrasts[None] * inv_p[:, :, None]  # D⁻¹C
    denom = np.swapaxes(scaled, 1, 2) @ contrasts[None]
    numer = np.swapaxes(scaled, 1, 2) @ v @ scaled
    t1, t2 = np.full(n, np.nan), np.full(n, np.nan)
    try:
        delta = np.linalg.solve(denom, numer)
        t1 = np.trace(delta, axis1=1, axis2=2)
        t2 = np.einsum("gij,gji->g", delta, delta)
    except np.linalg.LinAlgError:  # one singular table: solve them one by one
        for i in range(n):
            try:
                delta = np.linalg.solve(denom[i], numer[i])
            except np.linalg.LinAlgError:
                continue
            t1[i], t2[i] = np.trace(delta), np.einsum("ij,ji->", delta, delta)
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
    p: np.ndarray, n_eff: np.ndarray, var: np.ndarray | None, eligible: np.ndarray,
    df: np.ndarray | None = None,
) -> np.ndarray:
    """higher[..., k, a, b]: column a's proportion in row k is significantly above column b's.

    `p`, `var` have shape (G, B, K) (proportions and their design variances; None or NaN: the
    pooled test on the bases `n_eff`), `n_eff` and `eligible` shape (G, B); `df` (G,) the
    design degrees of freedom of the t reference of design-variance comparisons (None: normal)."""
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
        pvals = None
        if var is not None:
            design_se = np.sqrt(var[:, ia, :] + var[:, ib, :])
            design = ~np.isnan(design_se)
            se = np.where(design, design_se, se)
        z = (p1 - p2) / se
        pvals = 2.0 * ndtr(-np.abs(z))
        if var is not None and df is not None:
            dfs = np.broadcast_to(np.asarray(df, dtype=np.float64)[:, None, None], z.shape)
            t_p = 2.0 * stdtr(np.where(dfs >= 1, dfs, np.nan), -np.abs(z))
            pvals = np.where(design, t_p, pvals)
    ok = eligible[:, ia, None] & eligible[:, ib, None] & (se > 0) & np.isfinite(z) & ~np.isnan(pvals)
    pvals = np.where(ok, pvals, np.nan)
    rejected = holm_significant(np.moveaxis(pvals, 1, 2))  # (G, K, P)
    z = np.moveaxis(z, 1, 2)
    higher[:, :, ia, ib] = rejected & (z > 0)
    higher[:, :, ib, ia] = rejected & (z < 0)
    return higher
