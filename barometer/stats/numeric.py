"""Numeric indicators: the weighted mean with its standard error and t interval, and the
weighted median, per (country-year group, breakdown group).

se² = s²_w / n_eff with s²_w = n/(n-1) · Σw(x - x̄)² / Σw and Kish's n_eff, or by Taylor
linearisation of u = w(x - x̄)/Σw over the design's PSUs; the interval uses t with n_eff - 1
(design: PSUs - strata) degrees of freedom. The median is the smallest value whose cumulative
weight reaches half (numpy's `inverted_cdf`).
"""

from __future__ import annotations

import numpy as np
from scipy.special import stdtrit

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
from barometer.stats.query import Query
from barometer.stats.result import Result
from barometer.stats.selection import Selection
from barometer.stats.significance import column_letters, pairwise_higher
from barometer.stats.variance import Design, kish_effective_base

MEAN = (Category(code="mean", label=Text(en="Mean")),)


def numeric_table(dataset: Dataset, query: Query, sel: Selection, design: Design | None,
                  pooled_from: np.ndarray | None = None) -> Result:
    """Mean (se, t interval), median per (group, by): se² = s²_w / n_eff with
    s²_w = n/(n-1) · Σw(x - x̄)² / Σw (Kish), or by Taylor linearisation of u = w(x - x̄)/Σw."""
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
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.bincount(cell, weights=wv * xv, minlength=trash) / w
        resid = xv - mean[cell]
        ss = np.bincount(cell, weights=wv * resid * resid, minlength=trash)
        eff = kish_effective_base(w, w2)
        var = ss / w * n / (n - 1.0) / eff
        df = eff - 1.0
        if design is not None:
            safe = np.where(w > 0, w, 1.0).reshape(g, b)
            totals = design.unit_totals(rows, cell % b, wv * resid, b) / safe[design.group_of_unit]
            use = np.repeat(design.uses, b)
            var = np.where(use, design.variance(totals).reshape(-1), var)
            df = np.where(use, np.repeat(np.maximum(design.degrees_of_freedom, 1.0), b), df)
        half = stdtrit(np.where(df >= 1, df, np.nan), 0.975) * np.sqrt(var)
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
        "small": n < thresholds.small_base,
        "sig": np.full(trash, "", dtype=object),
    }
    table = {k: np.asarray(v).reshape(g, b, 1) for k, v in table.items()}
    if query.by is not None and b >= 2:
        eligible = (n >= max(thresholds.min_base, 1)).reshape(g, b)
        higher = pairwise_higher(
            mean.reshape(g, b, 1), eff.reshape(g, b), (se * se).reshape(g, b, 1), eligible
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
