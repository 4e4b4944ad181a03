"""Weighted frequencies, crosstabs and trends over the harmonised dataset.

Every table is built the same way: each selected respondent gets one flat cell number
(country-year group × breakdown category × answer category; `barometer.stats.cells`), and
`np.bincount` sums counts, Σw and Σw² per cell in one pass each; everything after that works on
the small cell arrays. This module holds the public functions and the categorical path;
numeric indicators are in `barometer.stats.numeric`.

Percentages: `column` = within each breakdown group (default), `row` = within each answer
category across the groups, `total` = within the country-year. Don't know / refused categories
are left out of the base unless `include_missing`. Nets are sums of their categories
(multiple-response: respondents choosing any of the options). Multiple-response percentages are
of the respondents who answered the question (they may sum to more than 100).

Variance, intervals and tests: see `barometer.stats.variance` and
`barometer.stats.significance`.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

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
from barometer.stats.cells import row_index, squared_weights, sums
from barometer.stats.comparisons import country_letters, wave_changes
from barometer.stats.disclosure import TooFewRespondents
from barometer.stats.numeric import numeric_table
from barometer.stats.query import (
    Query,
    check_category,
    data_years,
    default_category,
    validate_query,
)
from barometer.stats.result import PEARSON, RAO_SCOTT, Result
from barometer.stats.selection import Selection, country_year, ordered_countries, select
from barometer.stats.significance import (
    column_letters,
    pairwise_higher,
    pearson_chi2,
    rao_scott_many,
)
from barometer.stats.variance import Design, design_available, kish_effective_base, wilson_interval


def crosstab(dataset: Dataset, query: Query) -> Result:
    """The indicator by the breakdown (if any) per country and year; see the module docstring.
    Without a breakdown, countries side by side get letters of significant differences
    (`barometer.stats.comparisons`)."""
    validate_query(dataset, query)
    result = _compute(dataset, query)
    if query.by is None and not result.pooled:
        countries = list(dict.fromkeys(result.table["country"]))
        if len(countries) >= 2:
            sig, letters = country_letters(result.table, countries)
            table = result.table.copy()
            table["sig"] = sig
            result = replace(result, table=table, country_letters=letters)
    return result


def frequencies(dataset: Dataset, query: Query) -> Result:
    """The indicator's distribution per country and year (any breakdown is ignored)."""
    return crosstab(dataset, replace(query, by=None))


def trend(dataset: Dataset, query: Query, category: str | None = None) -> Result:
    """One answer (or net) category, or the mean of a numeric indicator, per country and year
    (and breakdown group), lined up across waves through the codebook. Without a `category`:
    `default_category` (the first net, else the first answer). Each wave carries its change from
    the previous and the first wave and whether it is significant (`wave_changes`)."""
    validate_query(dataset, query)
    if category is None:
        category = default_category(dataset.codebook, query.indicator)
    check_category(dataset, query.indicator, category)
    result = _compute(dataset, query)
    wanted = "mean" if dataset.indicator(query.indicator).type == "numeric" else category
    table = result.table[result.table["category"] == wanted].reset_index(drop=True)
    return replace(result, table=wave_changes(table))


# -- the engine -----------------------------------------------------------------------------------


class _Cells:
    """Per-cell sums in (group, by, category) arrays plus the respondent base per (group, by)."""

    def __init__(self, n, w, w2, base_n, base_w, base_w2):
        self.n, self.w, self.w2 = n, w, w2
        self.base_n, self.base_w, self.base_w2 = base_n, base_w, base_w2


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
    uses = np.array([any((c, y) in named for c in countries) if sel.pooled else (c, y) in named
                     for c, y in sel.keys])
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
    pooled_from = _hidden_per_country(dataset, query, sel) if sel.pooled and query.disclosure \
        else None
    if ind.type == "numeric":
        return numeric_table(dataset, query, sel, design, pooled_from)
    return _categorical(dataset, query, sel, design, pooled_from)


def _categorical(dataset: Dataset, query: Query, sel: Selection, design: Design | None,
                 pooled_from: np.ndarray | None) -> Result:
    ind = dataset.indicator(query.indicator)
    multiple = ind.type == "multiple"
    by_codes, _, by_raw, by_pos = breakdown(dataset, query)
    cats, cat_pos, nets = _answer_categories(dataset, query)
    g, b, k = len(sel.keys), len(by_codes), len(cats)
    kx = k + len(nets)
    weights = sel.weights
    weights2 = squared_weights(dataset, sel) if weights is not None else None
    extend = _net_matrix(k, nets)
    by_part = [(by_raw, by_pos, 1 if multiple else k)] if by_raw is not None else []

    answered = None
    if not multiple:
        trash = g * b * k
        parts = [*by_part, (dataset.codes(ind.id), cat_pos, 1)]
        idx = row_index(dataset, sel, b * k, parts, trash, prefix_key=query.by)
        n, w, w2 = (a.reshape(g, b, k) for a in sums(idx, trash, weights, weights2))
        cells = _Cells(n @ extend, w @ extend, w2 @ extend, n.sum(-1), w.sum(-1), w2.sum(-1))
        rows = np.flatnonzero(idx < trash) if design is not None else None
        row_cells = idx[rows] if rows is not None else None
    else:
        chosen, answered = dataset.option_matrix(ind.id)
        trash = g * b
        idx = row_index(dataset, sel, b, by_part, trash)
        idx[~answered] = trash
        base_n, base_w, base_w2 = (a.reshape(g, b) for a in sums(idx, trash, weights, weights2))
        rows = np.flatnonzero(idx < trash)
        picked = chosen[rows]
        if nets:
            picked = np.hstack([picked] + [picked[:, m].any(axis=1, keepdims=True) for _, m in nets])
        ri, ki = np.nonzero(picked)
        cell_of_choice = idx[rows][ri] * kx + ki
        wv = weights[rows][ri] if weights is not None else None
        n, w, w2 = (
            a.reshape(g, b, kx)
            for a in sums(cell_of_choice, g * b * kx, wv, None if wv is None else wv * wv)
        )
        cells = _Cells(n, w, w2, base_n, base_w, base_w2)
        row_cells = (rows, ri, cell_of_choice, idx[rows])

    taylor = _categorical_taylor(design, sel, cells, rows, row_cells, multiple, extend,
                                 (g, b, k, kx)) if design is not None else None

    table = _proportion_table(query, cells, taylor, dataset.codebook.dataset.thresholds)
    thresholds = dataset.codebook.dataset.thresholds
    if query.by is not None and b >= 2:
        p_col, var_col = _column_proportions(cells, taylor)
        eligible = cells.base_n >= max(thresholds.min_base, 1)
        n_eff = kish_effective_base(cells.base_w, cells.base_w2)
        higher = pairwise_higher(p_col, n_eff, var_col, eligible)
        table["sig"] = sig_strings(higher, column_letters(b), np.zeros(table["n"].shape, bool))
    tests = _chi_square_tests(sel, query, cells, taylor, multiple, k) if b >= 2 else None
    answered_rows = answered if multiple else np.append(cat_pos, -1)[dataset.codes(ind.id)] >= 0
    population = (cells.base_n.sum(axis=1) if query.by is None
                  else filtered_population(dataset, sel, answered_rows))
    table, columns, protection = protect(query, sel, table, cells.base_n, population, by_codes,
                                         thresholds.min_base, pooled_from)
    present = (cells.base_n.sum(axis=1) > 0) & ~columns.withheld
    keep_category = cells.n[present].sum(axis=(0, 1)) > 0  # answers somebody gave
    tested = present & ~columns.tables_with_hidden if query.disclosure else present
    return make_result(dataset, query, sel, design, kind="multiple" if multiple else "categorical",
                       table=tidy_frame(sel, present, by_codes, cats, nets, table,
                                        keep_column=cells.base_n > 0, keep_category=keep_category),
                       tests=tests_frame(sel, tested, tests), by_codes=by_codes,
                       protection=protection)


def _hidden_per_country(dataset: Dataset, query: Query, sel: Selection) -> np.ndarray:
    """For a pooled query: the (years, B) columns hidden in the same view per country (a pooled
    column that pools a hidden one is hidden too, and every column of a year that pools a
    withheld country)."""
    by_codes = breakdown(dataset, query)[0]
    try:
        separate = _compute(dataset, replace(query, pool="separate")).protection
    except TooFewRespondents:  # every country withheld: so is every pooled figure
        return np.ones((len(sel.keys), len(by_codes)), dtype=bool)
    hidden = {(y, by) for _, y, by in separate.small + separate.complementary}
    withheld = {y for _, y in separate.withheld}
    return np.array([[int(y) in withheld or (int(y), by) in hidden for by in by_codes]
                     for _, y in sel.keys], dtype=bool).reshape(len(sel.keys), len(by_codes))


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
    small = base_n < thresholds.small_base
    withheld = np.isnan(p)
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
        "sig": np.full(shape, "", dtype=object),
    }


def _column_proportions(cells: _Cells, taylor):
    base_w = cells.base_w[:, :, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(base_w > 0, cells.w / np.where(base_w > 0, base_w, 1.0), np.nan)
    if taylor is None:
        return p, None
    return p, np.where(taylor.uses[:, None, None], taylor("column", p), np.nan)


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


