"""Sampling variance of estimates over a query's design (`barometer.stats.design`), their degrees
of freedom, and the intervals built on them. Checked against R's `survey` package
(tests/test_stats_r.py).

Linearisation (R's `svyrecvar`: first-stage clusters drawn with replacement): an estimate p with
linearised values u_i (a ratio Σ w·y / Σ w·d over a domain d: u_i = w_i d_i (y_i − p) / Σ w·d),
U_hj their total over PSU j of stratum h, m_h the group's PSUs in stratum h (PSUs without domain
respondents count, with U = 0):
    var(p) = Σ_h (1 − f_h) · m_h/(m_h − 1) · Σ_j (U_hj − Ū_h)²,   f_h = m_h / N_h (fpc; 0 without).
Respondents who are their own PSU enter through Σu and Σu² per stratum (the same sum in closed
form). A stratum with one PSU (lonely) follows its design's rule, as R's `survey.lonely.psu`:
`adjust` (1 − f_h)·U² (centred at the grand mean, which is 0); `remove`, `certainty` 0; `average`
0, and the estimate's variance times S_d / (S_d − L_d), S_d the strata with domain respondents and
L_d the lonely `average` ones among them (R's `onestage`).

Replicate blocks (R's `svrVar`): scale · Σ_r rscales_r (θ_r − θ̄)², θ_r the estimate with the
block's weights replaced by replicate r's (other blocks keep theirs), θ̄ the replicates' mean
(mse: the estimate itself); replicates that leave the domain empty are dropped, as R does. The
parts of a group (strata, blocks) are independent samples: their variances add.

Degrees of freedom of an estimate: PSUs − strata among its domain's respondents, plus for each
replicate block the rank of the domain's replicate weights − 1: R's `degf()` of the domain's
subset of the design (as `svyby` makes it).

Intervals for proportions: the Wilson score interval on the Korn–Graubard effective base
n* = n_eff · (t_{n−1} / t_df)², n_eff = p(1−p)/var(p), n the respondents in the base, t the 97.5%
quantiles: the df-adjusted effective sample size of R's `svyciprop(method = "beta")` (Korn &
Graubard 1998) in Wilson's score formula (Dean & Pagano 2015):
    (p + z²/2n* ± z·sqrt(p(1−p)/n* + z²/4n*²)) / (1 + z²/n*),  z = 1.959964.
Without weights or design: n* = n (the plain Wilson interval). When var(p) = 0 (p = 0 or 1) n_eff
is Kish's (Σw)²/Σw².
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.special import stdtrit
from scipy.stats import norm

from barometer.stats.design import QueryDesign

Z95 = float(norm.ppf(0.975))


def kish_effective_base(sum_w: np.ndarray, sum_w2: np.ndarray) -> np.ndarray:
    """(Σw)² / Σw², NaN for an empty base."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(sum_w2 > 0, sum_w * sum_w / np.where(sum_w2 > 0, sum_w2, 1.0), np.nan)


def kish_deff(n: np.ndarray, sum_w: np.ndarray, sum_w2: np.ndarray) -> np.ndarray:
    """Kish's design effect of unequal weights, n Σw² / (Σw)² (1 unweighted), NaN for no base."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n > 0, n / kish_effective_base(sum_w, sum_w2), np.nan)


def t_quantile(df: np.ndarray, level: float = 0.975) -> np.ndarray:
    """Student's t quantile; NaN for df < 1 (too few PSUs for an interval)."""
    df = np.asarray(df, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        return stdtrit(np.where(df >= 1, df, np.nan), level)


def korn_graubard_base(n_eff: np.ndarray, n: np.ndarray, df: np.ndarray) -> np.ndarray:
    """n_eff · (t_{n−1} / t_df)²: the effective base adjusted for the design's degrees of freedom."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return n_eff * (_t_of_distinct(np.asarray(n, dtype=np.float64) - 1.0) / _t_of_distinct(df)) ** 2


def _t_of_distinct(df: np.ndarray) -> np.ndarray:
    """`t_quantile` computed once per distinct value (tables repeat a few dfs many times)."""
    values, inverse = np.unique(np.asarray(df, dtype=np.float64), return_inverse=True)
    return t_quantile(values)[inverse].reshape(np.shape(df))


def wilson_interval(p: np.ndarray, n: np.ndarray, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for proportions `p` on (effective) bases `n`; NaN where n <= 0."""
    p = np.asarray(p, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        z2n = z * z / n
        denom = 1.0 + z2n
        centre = (p + z2n / 2.0) / denom
        half = z * np.sqrt(p * (1.0 - p) / n + z2n / (4.0 * n)) / denom
        bad = ~(n > 0)
        low = np.where(bad, np.nan, np.clip(centre - half, 0.0, 1.0))
        high = np.where(bad, np.nan, np.clip(centre + half, 0.0, 1.0))
    return low, high


@dataclass
class Linearised:
    """What the variances of C estimates per group need from the data.

    PSUs: `psu_q` (G, n, n) the design covariance of the n cell totals of a PSU in each group
    (`psu_gram`), `psu_l` (G, n, C) each estimate's linearised value as a linear map of those
    totals (U = l'S), `psu_present` (units, D) which PSUs have respondents in each of D domains and
    `domain` (C,) the domain of each estimate. Own-PSU respondents: `elem_su`, `elem_su2` (element
    strata, C) Σu and Σu², `elem_rows` how many of them are in each estimate's domain. Replicate
    blocks: `thetas`, per block its replicates' estimates (R, C), `full` (G, C) the estimates,
    `replicate_df` (G, C) the replicate blocks' degrees of freedom in each domain. For covariances,
    `elem_cross` (element strata, C, C) holds Σ u_a u_b and there is one domain (the table's)."""

    psu_q: np.ndarray
    psu_l: np.ndarray
    psu_present: np.ndarray
    domain: np.ndarray
    elem_su: np.ndarray
    elem_su2: np.ndarray | None
    elem_rows: np.ndarray
    full: np.ndarray
    thetas: list[np.ndarray] = field(default_factory=list)
    replicate_df: np.ndarray | None = None
    elem_cross: np.ndarray | None = None


def _per_group(index: np.ndarray, values: np.ndarray, groups: int) -> np.ndarray:
    """Σ of `values` rows by their group `index` (sorted or not) -> (groups, ...)."""
    out = np.zeros((groups, *values.shape[1:]))
    if not len(index):
        return out
    if np.all(index[1:] >= index[:-1]):
        starts = np.flatnonzero(np.r_[True, index[1:] != index[:-1]])
        out[index[starts]] = np.add.reduceat(values, starts, axis=0)
        return out
    order = np.argsort(index, kind="stable")
    return _per_group(index[order], values[order], groups)


def _stratum_starts(qd: QueryDesign) -> np.ndarray:
    return np.flatnonzero(np.r_[True, qd.unit_stratum[1:] != qd.unit_stratum[:-1]])


def psu_gram(qd: QueryDesign, totals: np.ndarray) -> np.ndarray:
    """(G, n, n): per group Σ_h factor_h Σ_j (S_hj − S̄_h)(S_hj − S̄_h)' of the PSUs' cell totals
    S (units, n); a lonely stratum's PSU is not centred (`adjust`) or has factor 0. Any
    estimate's PSU variance is then l'Ql for its linear map l of the totals. Computed as
    Σ_j f S_j S_j' − Σ_h f_h m_h S̄_h S̄_h' (no centred copy of the totals)."""
    n = totals.shape[1]
    out = np.zeros((qd.groups, n, n))
    if qd.units == 0:
        return out
    factor = qd.stratum_factor[: qd.psu_strata]
    sizes = qd.stratum_size[: qd.psu_strata]
    cell_major = np.ascontiguousarray(totals.T)  # (n, units): no copy for cell-major totals
    scaled = cell_major * np.sqrt(factor)[qd.unit_stratum][None, :]
    bounds = np.searchsorted(qd.unit_group, np.arange(qd.groups + 1))
    for g in range(qd.groups):
        block = scaled[:, bounds[g] : bounds[g + 1]]
        if block.shape[1]:
            out[g] = block @ block.T
    sums = np.add.reduceat(cell_major, _stratum_starts(qd), axis=1).T
    centre = np.where(sizes > 1, factor / np.where(sizes > 1, sizes, 1.0), 0.0)  # f_h m_h S̄ S̄' = f_h/m_h · ΣΣ'
    weighted = sums * np.sqrt(centre)[:, None]
    out -= _per_group(qd.stratum_group[: qd.psu_strata], weighted[:, :, None] * weighted[:, None, :], qd.groups)
    return out


def _domain_counts(qd: QueryDesign, lin: Linearised, cols: int):
    """Per group and column: strata with domain respondents, lonely `average` ones among them,
    PSUs with domain respondents (own-PSU respondents count one each), replicate df."""
    g = qd.groups
    strata_present = np.zeros((g, cols))
    average_present = np.zeros((g, cols))
    units_present = np.zeros((g, cols))
    if qd.units:
        present = lin.psu_present
        units_present += _per_group(qd.unit_group, present.astype(np.float64), g)[:, lin.domain]
        hit = np.add.reduceat(present.astype(np.int64), _stratum_starts(qd), axis=0) > 0
        psu_group = qd.stratum_group[: qd.psu_strata]
        strata_present += _per_group(psu_group, hit.astype(np.float64), g)[:, lin.domain]
        average = hit & qd.stratum_average[: qd.psu_strata, None]
        average_present += _per_group(psu_group, average.astype(np.float64), g)[:, lin.domain]
    if qd.strata > qd.psu_strata:
        rows = lin.elem_rows.reshape(qd.strata - qd.psu_strata, cols)
        eg = qd.stratum_group[qd.psu_strata :]
        units_present += _per_group(eg, rows, g)
        strata_present += _per_group(eg, (rows > 0).astype(np.float64), g)
        average = (rows > 0) & qd.stratum_average[qd.psu_strata :, None]
        average_present += _per_group(eg, average.astype(np.float64), g)
    replicate_df = np.zeros((g, cols))
    if qd.blocks and lin.replicate_df is not None:
        replicate_df = lin.replicate_df.reshape(g, cols)
    return strata_present, average_present, units_present, replicate_df


def design_variance(qd: QueryDesign, lin: Linearised) -> tuple[np.ndarray, np.ndarray]:
    """(variance, degrees of freedom), each (G, C), of the estimates of every group."""
    g, cols = lin.full.shape
    var = np.zeros((g, cols))
    if qd.units:
        var += np.einsum("gic,gij,gjc->gc", lin.psu_l, lin.psu_q, lin.psu_l, optimize=True)
    if qd.strata > qd.psu_strata:
        sizes = qd.stratum_size[qd.psu_strata :, None]
        su, su2 = lin.elem_su, lin.elem_su2
        contrib = np.where(sizes > 1, su2 - su * su / sizes, su2) * qd.stratum_factor[qd.psu_strata :, None]
        var += _per_group(qd.stratum_group[qd.psu_strata :], contrib, g)
    strata_p, average_p, units_p, replicate_df = _domain_counts(qd, lin, cols)
    with np.errstate(divide="ignore", invalid="ignore"):
        var = np.where(average_p > 0, var * strata_p / (strata_p - average_p), var)
    for k, theta in enumerate(lin.thetas):
        var[qd.block_group[k]] += _replicate_spread(qd, k, theta, lin.full[qd.block_group[k]])
    df = units_p - strata_p + replicate_df
    return var, df


def _replicate_spread(qd: QueryDesign, block: int, theta: np.ndarray, full: np.ndarray) -> np.ndarray:
    """scale · Σ_r rscales_r (θ_r − θ̄)² per column, NaN replicates dropped (R's na.omit)."""
    spec = qd.specs[qd.block_spec[block]]
    rscales = np.asarray(spec.rscales)[: len(theta), None]
    ok = ~np.isnan(theta)
    if spec.mse:
        centre = full
    else:
        use = ok & (rscales > 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            centre = np.where(use, theta, 0.0).sum(axis=0) / use.sum(axis=0)
    dev = np.where(ok, theta - centre, 0.0)
    return spec.scale * (rscales * dev * dev).sum(axis=0)


def design_covariance(qd: QueryDesign, lin: Linearised) -> tuple[np.ndarray, np.ndarray]:
    """(covariances (G, C, C), degrees of freedom (G,)) of each group's C estimates."""
    g, cols = lin.full.shape
    cov = np.zeros((g, cols, cols))
    if qd.units:
        cov += np.swapaxes(lin.psu_l, 1, 2) @ lin.psu_q @ lin.psu_l
    if qd.strata > qd.psu_strata:
        sizes = qd.stratum_size[qd.psu_strata :]
        su = lin.elem_su
        outer = su[:, :, None] * su[:, None, :]
        per = np.where((sizes > 1)[:, None, None], lin.elem_cross - outer / sizes[:, None, None], lin.elem_cross)
        cov += _per_group(qd.stratum_group[qd.psu_strata :], per * qd.stratum_factor[qd.psu_strata :, None, None], g)
    strata_p, average_p, units_p, replicate_df = _domain_counts(qd, lin, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(average_p > 0, strata_p / (strata_p - average_p), 1.0)[:, 0]
    cov *= scale[:, None, None]
    for k, theta in enumerate(lin.thetas):
        spec = qd.specs[qd.block_spec[k]]
        rscales = np.asarray(spec.rscales)[: len(theta)]
        keep = ~np.isnan(theta).any(axis=1)
        centre = lin.full[qd.block_group[k]] if spec.mse else theta[keep & (rscales > 0)].mean(axis=0)
        dev = theta[keep] - centre
        cov[qd.block_group[k]] += spec.scale * (dev * rscales[keep, None]).T @ dev
    return cov, (units_p - strata_p + replicate_df)[:, 0]
