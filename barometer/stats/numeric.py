"""Numeric indicators: the weighted mean with its standard error and t interval, and the
weighted median, per (country-year group, breakdown group).

Unweighted: se² = s²/n, s² = Σ(x − x̄)²/(n − 1), t on n − 1 degrees of freedom. Weighted: the mean
is a ratio Σw·x / Σw, linearised as u = w(x − x̄)/Σw over the group's design (declared strata and
PSUs, the weights alone, or replicate weights: `barometer.stats.variance`), t on the design's
degrees of freedom among the cell's respondents (R: confint(svymean(~x, domain), df =
degf(domain))). `eff_base` = s²_w / se², s²_w = n/(n−1) · Σw(x − x̄)²/Σw. The median is the
smallest value whose cumulative weight reaches half (numpy's `inverted_cdf`).
"""

from __future__ import annotations

import numpy as np

from barometer.codebook import Category, Text
from barometer.dataset import Dataset
from barometer.stats.assemble import (
    breakdown,
    filtered_population,
    make_result,
    protect,
    sig_strings,
    tests_frame,
    tidy_frame,
)
from barometer.stats.cells import row_index
from barometer.stats.design import QueryDesign
from barometer.stats.linearise import (
    Family,
    FamilySums,
    element_sums,
    family_df,
    replicate_df,
    replicate_sums,
    unit_sums,
)
from barometer.stats.query import Query
from barometer.stats.result import Result
from barometer.stats.selection import Selection
from barometer.stats.significance import column_letters, pairwise_higher
from barometer.stats.variance import Linearised, design_variance, kish_deff, psu_gram, t_quantile

MEAN = (Category(code="mean", label=Text(en="Mean")),)


def numeric_table(dataset: Dataset, query: Query, sel: Selection, design: QueryDesign | None,
                  pooled_from: np.ndarray | None = None) -> Result:
    """Mean (se, t interval), median per (group, by); see the module docstring."""
    by_codes, _, by_raw, by_pos = breakdown(dataset, query)
    g, b = len(sel.keys), len(by_codes)
    trash = g * b
    parts = [(by_raw, by_pos, 1)] if by_raw is not None else []
    idx = row_index(dataset, sel, b, parts, trash)
    x = dataset.values(query.indicator)
    idx[np.isnan(x)] = trash
    rows = np.flatnonzero(idx < trash)
    cell = idx[rows]
    xv = x[rows]
    wv = sel.weights[rows] if sel.weights is not None else np.ones(len(rows))
    n = np.bincount(cell, minlength=trash).astype(np.float64)
    w = np.bincount(cell, weights=wv, minlength=trash)
    w2 = np.bincount(cell, weights=wv * wv, minlength=trash)
    group_df = None
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.bincount(cell, weights=wv * xv, minlength=trash) / w
        resid = xv - mean[cell]
        ss = np.bincount(cell, weights=wv * resid * resid, minlength=trash)
        s2 = ss / w * n / (n - 1.0)
        var = s2 / n
        df = n - 1.0
        if design is not None:
            fam = Family(rows, cell // b, cell % b, wv, b)
            var_d, df_d = _design_variance(dataset, design, fam, resid, mean.reshape(g, b), w.reshape(g, b))
            use = np.repeat(~design.srs, b)
            var = np.where(use, var_d.reshape(-1), var)
            df = np.where(use, df_d.reshape(-1), df)
            sums = FamilySums(dataset, design, lambda: fam, (w.reshape(g, b), w2.reshape(g, b), n.reshape(g, b)), b)
            group_df = np.where(design.srs, np.nan, family_df(design, sums))
        half = t_quantile(df) * np.sqrt(var)
        eff = s2 / var
    median = _weighted_median(cell, xv, wv, w, trash)
    thresholds = dataset.codebook.dataset.thresholds
    empty = n == 0
    se = np.sqrt(var)
    table = {
        "n": n,
        "weighted": w,
        "percent": np.where(empty, np.nan, mean),
        "se": np.where(empty, np.nan, se),
        "ci_low": np.where(empty, np.nan, mean - half),
        "ci_high": np.where(empty, np.nan, mean + half),
        "base_n": n,
        "base_weighted": w,
        "eff_base": eff,
        "deff": kish_deff(n, w, w2),
        "small": n < thresholds.small_base,
        "sig": np.full(trash, "", dtype=object),
    }
    table = {k: np.asarray(v).reshape(g, b, 1) for k, v in table.items()}
    if query.by is not None and b >= 2:
        eligible = (n >= max(thresholds.min_base, 1)).reshape(g, b)
        higher = pairwise_higher(
            mean.reshape(g, b, 1), n.reshape(g, b), (se * se).reshape(g, b, 1), eligible, group_df
        )
        table["sig"] = sig_strings(higher, column_letters(b), np.zeros((g, b, 1), dtype=bool))
    column_base = n.reshape(g, b)
    population = (column_base.sum(axis=1) if query.by is None
                  else filtered_population(dataset, sel, ~np.isnan(x)))
    table, columns, protection = protect(query, sel, table, column_base, population, by_codes,
                                         thresholds.min_base, pooled_from)
    present = (column_base.sum(axis=1) > 0) & ~columns.withheld
    frame = tidy_frame(sel, present, by_codes, MEAN, [], table, keep_column=column_base > 0)
    median = np.where(columns.hidden | empty.reshape(g, b), np.nan, median.reshape(g, b))
    frame["median"] = median[present][column_base[present] > 0]
    return make_result(dataset, query, sel, design, kind="numeric", table=frame,
                       tests=tests_frame(sel, present, None), by_codes=by_codes,
                       protection=protection)


def _design_variance(dataset: Dataset, design: QueryDesign, fam: Family, resid: np.ndarray,
                     mean: np.ndarray, total: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(variance, df), each (G, B), of the means linearised as u = w(x − x̄)/Σw."""
    g, b = mean.shape
    safe = np.where(total > 0, total, 1.0)
    if design.units:
        q = psu_gram(design, unit_sums(design, fam, resid))
        lmap = np.eye(b)[None] / safe[:, None, :]
        present = unit_sums(design, fam) > 0
    else:
        q, lmap, present = np.zeros((g, 1, 1)), np.zeros((g, 1, b)), np.zeros((0, b), dtype=bool)
    eg = design.stratum_group[design.psu_strata :]
    wr = fam.weights * resid
    su = element_sums(design, fam, wr) / safe[eg]
    su2 = element_sums(design, fam, wr * wr) / (safe[eg] * safe[eg])
    lin = Linearised(q, lmap, present, np.arange(b), su, su2, element_sums(design, fam, None), full=mean)
    if design.blocks:
        for k in range(design.blocks):
            gk = design.block_group[k]
            full_w, reps_w = replicate_sums(dataset, design, k, fam)
            full_r, reps_r = replicate_sums(dataset, design, k, fam, resid)
            with np.errstate(divide="ignore", invalid="ignore"):
                bottom = total[gk] - full_w + reps_w
                lin.thetas.append(np.where(bottom > 0, mean[gk] + (reps_r - full_r) / bottom, np.nan))
        lin.replicate_df = replicate_df(dataset, design, fam, np.eye(fam.ncell))
    return design_variance(design, lin)


def _weighted_median(cell, xv, wv, w, size) -> np.ndarray:
    """Per cell, the smallest value whose cumulative weight reaches half the cell's weight."""
    out = np.full(size, np.nan)
    if len(cell) == 0:
        return out
    order = np.lexsort((xv, cell))
    cum = np.cumsum(wv[order])
    before = np.concatenate([[0.0], np.cumsum(w)[:-1]])
    target = before + w / 2.0
    pos = np.searchsorted(cum, target - 1e-9 * np.maximum(w, 1.0), side="left")
    has = w > 0
    out[has] = xv[order][np.minimum(pos[has], len(order) - 1)]
    return out
