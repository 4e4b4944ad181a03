"""Weighted frequencies, crosstabs and trends over the harmonised dataset.

Every table is built the same way: each selected respondent gets one flat cell number
(country-year group × breakdown category × answer category) from the cached integer codes, and
`np.bincount` sums counts, Σw and Σw² per cell in one pass each; everything after that works on
the small cell arrays. Respondents outside the query (other countries or years, filtered out,
missing answer or breakdown) go to a discard cell.

Percentages: `column` = within each breakdown group (default), `row` = within each answer
category across the groups, `total` = within the country-year. Don't know / refused categories
are left out of the base unless `include_missing`. Nets are sums of their categories
(multiple-response: respondents choosing any of the options). Multiple-response percentages are
of the respondents who answered the question (they may sum to more than 100). Numeric
indicators give the weighted mean (se, CI on t with the effective df) and weighted median (the
smallest value whose cumulative weight reaches half, numpy's `inverted_cdf`).

Variance, intervals and tests: see `barometer.stats.variance` and
`barometer.stats.significance`.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
from scipy.special import stdtrit

from barometer.codebook import Category, Text
from barometer.dataset import Dataset
from barometer.stats.query import Query, check_category, data_years, validate_query
from barometer.stats.result import PEARSON, RAO_SCOTT, TABLE_COLUMNS, TEST_COLUMNS, Result
from barometer.stats.selection import POOLED, Selection, country_year, ordered_countries, select
from barometer.stats.significance import (
    column_letters,
    pairwise_higher,
    pearson_chi2,
    rao_scott_many,
)
from barometer.stats.variance import Design, design_available, kish_effective_base, wilson_interval


def crosstab(dataset: Dataset, query: Query) -> Result:
    """The indicator by the breakdown (if any) per country and year; see the module docstring."""
    validate_query(dataset, query)
    return _compute(dataset, query)


def frequencies(dataset: Dataset, query: Query) -> Result:
    """The indicator's distribution per country and year (any breakdown is ignored)."""
    return crosstab(dataset, replace(query, by=None))


def trend(dataset: Dataset, query: Query, category: str | None = None) -> Result:
    """One answer (or net) category, or the mean of a numeric indicator, per country and year
    (and breakdown group), lined up across waves through the codebook."""
    validate_query(dataset, query)
    check_category(dataset, query.indicator, category)
    result = _compute(dataset, query)
    wanted = "mean" if dataset.indicator(query.indicator).type == "numeric" else category
    table = result.table[result.table["category"] == wanted].reset_index(drop=True)
    return replace(result, table=table)


# -- the engine -----------------------------------------------------------------------------------


class _Cells:
    """Per-cell sums in (group, by, category) arrays plus the respondent base per (group, by)."""

    def __init__(self, n, w, w2, base_n, base_w, base_w2):
        self.n, self.w, self.w2 = n, w, w2
        self.base_n, self.base_w, self.base_w2 = base_n, base_w, base_w2


def _row_index(
    dataset: Dataset, sel: Selection, stride: int, parts, trash: int, prefix_key: str | None = None
) -> np.ndarray:
    """Flat cell number per row: group · stride + Σ code offsets; `trash` or more = not counted.

    `parts` is a list of (codes, positions, multiplier): codes (-1 = missing) map through
    positions (-1 = left out) to position · multiplier. The country-year code and all parts'
    codes are combined into one mixed-radix int32 number, mapped by a single table look-up."""
    cy, _ = country_year(dataset)
    group = np.where(sel.group_lut >= 0, sel.group_lut * stride, trash).astype(np.intp)
    if not parts:
        idx = group.take(cy, mode="clip")
    else:
        radices = [len(positions) + 1 for _, positions, _ in parts]
        strides = [int(np.prod(radices[i + 1 :], dtype=np.int64)) for i in range(len(parts))]
        span = int(np.prod(radices, dtype=np.int64))
        # the look-up table over (country-year, code_1, ..., code_m), codes shifted to start at -1
        value = np.arange(len(group), dtype=np.int64) * span
        target = group.astype(np.int64)
        for (_, positions, multiplier), radix, step in zip(parts, radices, strides, strict=True):
            codes = np.arange(-1, radix - 1)
            offsets = np.where(codes >= 0, positions[np.maximum(codes, 0)] * multiplier, trash)
            offsets = np.where((codes >= 0) & (positions[np.maximum(codes, 0)] < 0), trash, offsets)
            value = (value[..., None] + codes * step).reshape(-1)
            target = (target[..., None] + offsets).reshape(-1)
        size = len(group) * span + span
        lut = np.full(size, trash, dtype=np.intp)
        lut[value % size] = target
        if prefix_key is not None and len(parts) > 1:
            # country-year and breakdown digits depend on the breakdown only: cached
            key = f"stats:prefix:{prefix_key}:{span}:{strides}"
            if key not in dataset._cache:
                _bounded(dataset, "stats:prefix:", 5)
                dataset._cache[key] = _mixed_radix(dataset, parts[:-1], strides[:-1], span)
            combined = np.add(dataset._cache[key], parts[-1][0], dtype=np.int32)
        else:
            combined = _mixed_radix(dataset, parts, strides, span)
        idx = lut[combined]
    if sel.filter_mask is not None:
        idx[~sel.filter_mask] = trash
    return idx


def _mixed_radix(dataset: Dataset, parts, strides, span: int) -> np.ndarray:
    """country-year · span + Σ code · stride as int32 per row."""
    combined = None
    for (codes, _, _), step in zip(parts, strides, strict=True):
        if combined is None:
            combined = np.multiply(codes, step, dtype=np.int32)
        elif step == 1:
            combined += codes
        else:
            combined += np.multiply(codes, step, dtype=np.int32)
    combined += country_year_scaled(dataset, span)
    return combined


def _bounded(dataset: Dataset, prefix: str, keep: int) -> None:
    """Drop the oldest cached arrays under `prefix` beyond `keep - 1` (before adding one)."""
    keys = [k for k in dataset._cache if k.startswith(prefix)]
    for old in keys[: max(0, len(keys) - keep + 1)]:
        dataset._cache.pop(old, None)


def country_year_scaled(dataset: Dataset, span: int) -> np.ndarray:
    """country-year code · span as int32 (the last few spans are cached)."""
    key = f"stats:cy*{span}"
    if key not in dataset._cache:
        _bounded(dataset, "stats:cy*", 4)
        cy, _ = country_year(dataset)
        dataset._cache[key] = np.multiply(cy, span, dtype=np.int32)
    return dataset._cache[key]


def _squared_weights(dataset: Dataset, sel: Selection, query: Query) -> np.ndarray:
    if query.pool != "separate" and sel.keys and sel.keys[0][0] == "pooled":
        return sel.weights * sel.weights
    key = "stats:w2"
    if key not in dataset._cache:
        dataset._cache[key] = sel.weights * sel.weights
    return dataset._cache[key]


def _sums(idx: np.ndarray, size: int, weights, weights2) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Counts, Σw and Σw² per cell below `size` (indices from `size` up are discarded rows)."""
    n = np.bincount(idx, minlength=size)[:size].astype(np.float64)
    if weights is None:
        return n, n, n
    w = np.bincount(idx, weights=weights, minlength=size)[:size]
    w2 = np.bincount(idx, weights=weights2, minlength=size)[:size]
    return n, w, w2


def _breakdown(dataset: Dataset, query: Query):
    if query.by is None:
        return [None], [], None, None
    cats = dataset.codebook.categories_of(query.by)
    keep = [i for i, c in enumerate(cats) if query.include_missing or c.missing is None]
    positions = np.full(len(cats), -1)
    positions[keep] = np.arange(len(keep))
    return [cats[i].code for i in keep], [cats[i] for i in keep], dataset.codes(query.by), positions


def _answer_categories(dataset: Dataset, query: Query):
    """(kept categories, positions lut, nets as (code, member positions))."""
    ind = dataset.indicator(query.indicator)
    cats = dataset.codebook.categories_of(ind)
    multiple = ind.type == "multiple"
    keep = [i for i, c in enumerate(cats) if multiple or query.include_missing or c.missing is None]
    positions = np.full(len(cats), -1)
    positions[keep] = np.arange(len(keep))
    kept_codes = {cats[i].code: j for j, i in enumerate(keep)}
    nets = []
    for net in ind.nets:
        members = [kept_codes[c] for c in net.categories if c in kept_codes]
        if members:
            nets.append((net.code, members))
    return [cats[i] for i in keep], positions, nets


def _net_matrix(k: int, nets) -> np.ndarray:
    extend = np.zeros((k, k + len(nets)))
    extend[np.arange(k), np.arange(k)] = 1.0
    for j, (_, members) in enumerate(nets):
        extend[members, k + j] = 1.0
    return extend


def _in_play_design(dataset: Dataset, query: Query, sel: Selection) -> Design | None:
    """The strata/PSU design when weighted and the codebook names one for a source in play."""
    if not query.weighted:
        return None
    countries = {c for c in ordered_countries(dataset, query.countries)}
    years = set(query.years) if query.years else set(data_years(dataset))
    if not any(
        (s.strata or s.psu) and s.country in countries and s.year in years
        for s in dataset.codebook.sources
    ):
        return None
    if not design_available(dataset):
        return None
    # groups whose sources name strata/PSUs use the design; the others keep Kish's formula
    named = {(s.country, s.year) for s in dataset.codebook.sources if s.strata or s.psu}
    pooled = bool(sel.keys) and sel.keys[0][0] == POOLED
    uses = np.array(
        [any((c, y) in named for c in countries) if pooled else (c, y) in named for c, y in sel.keys]
    )
    if not uses.any():
        return None
    lut = np.where(sel.group_lut >= 0, sel.group_lut, len(uses))
    lut = np.where(np.append(uses, False)[lut], sel.group_lut, -1)
    cy, _ = country_year(dataset)
    return Design.of_groups(dataset, lut, cy, len(sel.keys))


def _compute(dataset: Dataset, query: Query) -> Result:
    ind = dataset.indicator(query.indicator)
    sel = select(dataset, query)
    design = _in_play_design(dataset, query, sel)
    if ind.type == "numeric":
        return _numeric(dataset, query, sel, design)
    return _categorical(dataset, query, sel, design)


def _categorical(dataset: Dataset, query: Query, sel: Selection, design: Design | None) -> Result:
    ind = dataset.indicator(query.indicator)
    multiple = ind.type == "multiple"
    by_codes, by_cats, by_raw, by_pos = _breakdown(dataset, query)
    cats, cat_pos, nets = _answer_categories(dataset, query)
    g, b, k = len(sel.keys), len(by_codes), len(cats)
    kx = k + len(nets)
    weights = sel.weights
    weights2 = _squared_weights(dataset, sel, query) if weights is not None else None
    extend = _net_matrix(k, nets)
    by_part = [(by_raw, by_pos, 1 if multiple else k)] if by_raw is not None else []

    if not multiple:
        trash = g * b * k
        parts = [*by_part, (dataset.codes(ind.id), cat_pos, 1)]
        idx = _row_index(dataset, sel, b * k, parts, trash, prefix_key=query.by)
        n, w, w2 = (a.reshape(g, b, k) for a in _sums(idx, trash, weights, weights2))
        cells = _Cells(n @ extend, w @ extend, w2 @ extend, n.sum(-1), w.sum(-1), w2.sum(-1))
        rows = np.flatnonzero(idx < trash) if design is not None else None
        row_cells = idx[rows] if rows is not None else None
    else:
        chosen, answered = dataset.option_matrix(ind.id)
        trash = g * b
        idx = _row_index(dataset, sel, b, by_part, trash)
        idx[~answered] = trash
        base_n, base_w, base_w2 = (a.reshape(g, b) for a in _sums(idx, trash, weights, weights2))
        rows = np.flatnonzero(idx < trash)
        picked = chosen[rows]
        if nets:
            picked = np.hstack([picked] + [picked[:, m].any(axis=1, keepdims=True) for _, m in nets])
        ri, ki = np.nonzero(picked)
        cell_of_choice = idx[rows][ri] * kx + ki
        wv = weights[rows][ri] if weights is not None else None
        n, w, w2 = (
            a.reshape(g, b, kx)
            for a in _sums(cell_of_choice, g * b * kx, wv, None if wv is None else wv * wv)
        )
        cells = _Cells(n, w, w2, base_n, base_w, base_w2)
        row_cells = (rows, ri, cell_of_choice, idx[rows])

    present = cells.base_n.sum(axis=1) > 0
    taylor = _categorical_taylor(design, sel, cells, rows, row_cells, multiple, extend,
                                 (g, b, k, kx)) if design is not None else None

    table = _proportion_table(query, cells, taylor, dataset.codebook.dataset.thresholds)
    letters = column_letters(b) if query.by is not None else []
    thresholds = dataset.codebook.dataset.thresholds
    if query.by is not None and b >= 2:
        p_col, var_col = _column_proportions(cells, taylor)
        eligible = cells.base_n >= max(thresholds.min_base, 1)
        n_eff = kish_effective_base(cells.base_w, cells.base_w2)
        higher = pairwise_higher(p_col, n_eff, var_col, eligible)
        table["sig"] = _sig_strings(higher, letters, table["suppressed"])
    tests = _chi_square_tests(sel, query, cells, taylor, multiple, k) if b >= 2 else None

    frame = _assemble(
        sel, present, by_codes, cats, nets, table, query.by is not None
    )
    tests_frame = _tests_frame(sel, present, tests)
    kind = "multiple" if multiple else "categorical"
    notes = sel.notes + (_variance_note(design, query, sel.keys),)
    return Result(
        query=query,
        kind=kind,
        table=frame,
        tests=tests_frame,
        by_letters=dict(zip(by_codes, letters, strict=False)) if query.by is not None else {},
        thresholds=thresholds,
        variance="taylor" if design is not None else ("kish" if query.weighted else "srs"),
        notes=notes,
    )


def _variance_note(design: Design | None, query: Query, keys=()) -> str:
    if design is not None:
        uses = design.uses
        where = ""
        if keys and not uses.all():
            named = ", ".join(f"{c} {y}" for (c, y), u in zip(keys, uses, strict=True) if u)
            where = f" for {named} (Kish's effective base elsewhere)"
        return (
            f"Standard errors by Taylor linearisation over {design.strata} strata and "
            f"{design.psus} PSUs{where}; intervals Wilson on the design-effective base."
        )
    if query.weighted:
        return (
            "Standard errors from Kish's effective base (Σw)²/Σw²; intervals Wilson on that base."
        )
    return "Standard errors as for a simple random sample; intervals Wilson."


def _bases(query: Query, cells: _Cells):
    """(base_n, base_w, base_w2) broadcast to the (G, B, K+nets) cells for the percent base."""
    if query.percent == "row":
        return (cells.n.sum(axis=1, keepdims=True), cells.w.sum(axis=1, keepdims=True),
                cells.w2.sum(axis=1, keepdims=True))
    if query.percent == "total":
        return (cells.base_n.sum(axis=1)[:, None, None], cells.base_w.sum(axis=1)[:, None, None],
                cells.base_w2.sum(axis=1)[:, None, None])
    return cells.base_n[:, :, None], cells.base_w[:, :, None], cells.base_w2[:, :, None]


def _proportion_table(query: Query, cells: _Cells, taylor, thresholds) -> dict[str, np.ndarray]:
    shape = cells.n.shape
    base_n, base_w, base_w2 = (np.broadcast_to(a, shape) for a in _bases(query, cells))
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(base_w > 0, cells.w / np.where(base_w > 0, base_w, 1.0), np.nan)
        eff = kish_effective_base(base_w, base_w2)
        var = p * (1.0 - p) / eff
        design_eff = eff
        if taylor is not None:
            use = taylor.uses[:, None, None]
            var_design = taylor(query.percent, p)
            design_eff = np.where(use & (var_design > 0), p * (1.0 - p) / var_design, eff)
            var = np.where(use, var_design, var)
    low, high = wilson_interval(p, design_eff)
    suppressed = base_n < thresholds.min_base
    small = base_n < thresholds.small_base
    withheld = suppressed | np.isnan(p)
    return {
        "n": cells.n,
        "weighted": cells.w,
        "percent": np.where(withheld, np.nan, 100.0 * p),
        "se": np.where(withheld, np.nan, 100.0 * np.sqrt(var)),
        "ci_low": np.where(withheld, np.nan, 100.0 * low),
        "ci_high": np.where(withheld, np.nan, 100.0 * high),
        "base_n": base_n,
        "base_weighted": base_w,
        "eff_base": eff,
        "small": small,
        "suppressed": suppressed,
        "sig": np.full(shape, "", dtype=object),
    }


def _column_proportions(cells: _Cells, taylor):
    base_w = cells.base_w[:, :, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(base_w > 0, cells.w / np.where(base_w > 0, base_w, 1.0), np.nan)
    if taylor is None:
        return p, None
    return p, np.where(taylor.uses[:, None, None], taylor("column", p), np.nan)


def _sig_strings(higher: np.ndarray, letters: list[str], suppressed: np.ndarray) -> np.ndarray:
    """higher (G, K, B, B) -> the (G, B, K) strings of letters each cell is above."""
    g, k, b, _ = higher.shape
    sig = np.full((g, b, k), "", dtype=object)
    for lo, letter in enumerate(letters):
        above = np.transpose(higher[:, :, :, lo], (0, 2, 1))
        sig = np.where(above, sig + letter, sig)
    return np.where(suppressed, "", sig)


def _categorical_taylor(design, sel, cells, rows, row_cells, multiple, extend, dims):
    """A function (percent base, p) -> design variances (G, B, K+nets) of the proportions p.

    Unit totals are kept per within-group cell (units nest in groups): S[j, b, k] = Σw over
    unit j's respondents in breakdown b choosing k, and the base totals likewise."""
    g, b, k, kx = dims
    weights = sel.weights
    m = design.psus
    if not multiple:
        s = design.unit_totals(rows, row_cells % (b * k), weights[rows], b * k).reshape(m, b, k)
        resp = s.sum(-1)
        s = s @ extend
    else:
        answer_rows, ri, cell_of_choice, resp_cells = row_cells
        choice_rows = answer_rows[ri]
        s = design.unit_totals(choice_rows, cell_of_choice % (b * kx), weights[choice_rows], b * kx)
        s = s.reshape(m, b, kx)
        resp = design.unit_totals(answer_rows, resp_cells % b, weights[answer_rows], b)
    gu = design.group_of_unit

    def variance(percent: str, p: np.ndarray) -> np.ndarray:
        if percent == "row":
            base_unit = s.sum(axis=1, keepdims=True)
            base_w = cells.w.sum(axis=1, keepdims=True)
        elif percent == "total":
            base_unit = resp.sum(axis=1)[:, None, None]
            base_w = cells.base_w.sum(axis=1)[:, None, None]
        else:
            base_unit = resp[:, :, None]
            base_w = cells.base_w[:, :, None]
        base_w = np.broadcast_to(np.where(base_w > 0, base_w, 1.0), p.shape)
        u = (s - np.nan_to_num(p)[gu] * base_unit) / base_w[gu]
        return design.variance(u.reshape(m, -1)).reshape(p.shape)

    def covariances(p_tables: np.ndarray, totals: np.ndarray) -> np.ndarray:
        """(G, B·K, B·K) covariance of the overall cell proportions of each group's table."""
        safe = np.where(totals > 0, totals, 1.0)
        u = (s[:, :, :k].reshape(m, -1) - p_tables[gu] * resp.sum(axis=1)[:, None]) / safe[gu][:, None]
        return design.covariances(u)

    variance.covariances = covariances  # used by the Rao-Scott test
    variance.uses = design.uses
    return variance


def _chi_square_tests(sel, query, cells, taylor, multiple, k):
    """Per group: (statistic, df, p, method) or None; single-choice crosstabs only."""
    if multiple or query.by is None:
        return None
    n_tab = cells.n[:, :, :k]
    if not query.weighted:
        return [(*pearson_chi2(n_tab[gi]), PEARSON) for gi in range(len(sel.keys))]
    w_tab = cells.w[:, :, :k]
    g = len(w_tab)
    total = w_tab.sum(axis=(1, 2))
    n = n_tab.sum(axis=(1, 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        p = (w_tab / np.where(total > 0, total, 1.0)[:, None, None]).reshape(g, -1)
    if True:  # weights-only linearisation; groups with a design replace it below
        s2 = cells.w2[:, :, :k].reshape(g, -1)
        eye = np.eye(s2.shape[1])
        cov = (
            eye * s2[:, None, :]
            - s2[:, :, None] * p[:, None, :]
            - p[:, :, None] * s2[:, None, :]
            + s2.sum(axis=1)[:, None, None] * p[:, :, None] * p[:, None, :]
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            cov *= (n / (n - 1.0) / (total * total))[:, None, None]
    if taylor is not None:
        cov = np.where(taylor.uses[:, None, None], taylor.covariances(p, total), cov)
    stat, df, pval = rao_scott_many(w_tab, cov, n)
    return [(stat[i], df[i], pval[i], RAO_SCOTT) for i in range(g)]


def _assemble(sel, present, by_codes, cats, nets, table, has_by) -> pd.DataFrame:
    groups = np.flatnonzero(present)
    b = len(by_codes)
    kx = len(cats) + len(nets)
    per_group = b * kx
    countries = np.array([sel.keys[i][0] for i in groups], dtype=object)
    years = np.array([sel.keys[i][1] for i in groups], dtype=np.int64)
    cat_codes = np.array([c.code for c in cats] + [code for code, _ in nets], dtype=object)
    is_net = np.array([False] * len(cats) + [True] * len(nets))
    is_missing = np.array([c.missing is not None for c in cats] + [False] * len(nets))
    ng = len(groups)
    columns = {
        "country": np.repeat(countries, per_group),
        "year": np.repeat(years, per_group),
        "by": np.tile(np.repeat(np.array(by_codes, dtype=object), kx), ng),
        "category": np.tile(cat_codes, ng * b),
        "is_net": np.tile(is_net, ng * b),
        "is_missing": np.tile(is_missing, ng * b),
    }
    for name in TABLE_COLUMNS[6:]:
        column = np.asarray(table[name])[groups].reshape(-1)
        columns[name] = column.astype(np.int64) if name in ("n", "base_n") else column
    return pd.DataFrame(columns, copy=False)


def _tests_frame(sel, present, tests) -> pd.DataFrame:
    if tests is None:
        return pd.DataFrame({c: [] for c in TEST_COLUMNS}).astype(
            {"year": np.int64, "statistic": float, "df": float, "p_value": float, "method": object}
        )
    groups = np.flatnonzero(present)
    return pd.DataFrame(
        {
            "country": [sel.keys[i][0] for i in groups],
            "year": np.array([sel.keys[i][1] for i in groups], dtype=np.int64),
            "statistic": np.array([tests[i][0] for i in groups], dtype=np.float64),
            "df": np.array([tests[i][1] for i in groups], dtype=np.float64),
            "p_value": np.array([tests[i][2] for i in groups], dtype=np.float64),
            "method": [tests[i][3] for i in groups],
        },
        copy=False,
    )


def _numeric(dataset: Dataset, query: Query, sel: Selection, design: Design | None) -> Result:
    """Mean (se, t interval), median per (group, by): se² = s²_w / n_eff with
    s²_w = n/(n-1) · Σw(x - x̄)² / Σw (Kish), or by Taylor linearisation of u = w(x - x̄)/Σw."""
    by_codes, _, by_raw, by_pos = _breakdown(dataset, query)
    g, b = len(sel.keys), len(by_codes)
    trash = g * b
    parts = [(by_raw, by_pos, 1)] if by_raw is not None else []
    idx = _row_index(dataset, sel, b, parts, trash)
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
    suppressed = n < thresholds.min_base
    withheld = suppressed | (n == 0)
    se = np.sqrt(var)
    table = {
        "n": n,
        "weighted": w,
        "percent": np.where(withheld, np.nan, mean),
        "se": np.where(withheld, np.nan, se),
        "ci_low": np.where(withheld, np.nan, mean - half),
        "ci_high": np.where(withheld, np.nan, mean + half),
        "base_n": n,
        "base_weighted": w,
        "eff_base": eff,
        "small": n < thresholds.small_base,
        "suppressed": suppressed,
        "sig": np.full(trash, "", dtype=object),
    }
    table = {k: np.asarray(v).reshape(g, b, 1) for k, v in table.items()}
    letters = column_letters(b) if query.by is not None else []
    if query.by is not None and b >= 2:
        eligible = (n >= max(thresholds.min_base, 1)).reshape(g, b)
        higher = pairwise_higher(
            mean.reshape(g, b, 1), eff.reshape(g, b), (se * se).reshape(g, b, 1), eligible
        )
        table["sig"] = _sig_strings(higher, letters, table["suppressed"])
    present = n.reshape(g, b).sum(axis=1) > 0
    mean_category = [Category(code="mean", label=Text(en="Mean"))]
    frame = _assemble(sel, present, by_codes, mean_category, [], table, query.by is not None)
    frame["median"] = np.where(withheld, np.nan, median).reshape(g, b)[present].reshape(-1)
    return Result(
        query=query,
        kind="numeric",
        table=frame,
        tests=_tests_frame(sel, present, None),
        by_letters=dict(zip(by_codes, letters, strict=False)) if query.by is not None else {},
        thresholds=thresholds,
        variance="taylor" if design is not None else ("kish" if query.weighted else "srs"),
        notes=sel.notes + (_variance_note(design, query, sel.keys),),
    )


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


