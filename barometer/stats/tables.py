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

Variance, intervals and tests: see `barometer.stats.design` (which design each group uses),
`barometer.stats.variance` and `barometer.stats.significance`. A weighted query whose groups have
no weights (every weight 1, no design, no pooling) is computed and reported as unweighted.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

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
from barometer.stats.design import QueryDesign, query_design
from barometer.stats.disclosure import TooFewRespondents
from barometer.stats.groups import grouped
from barometer.stats.linearise import Family, FamilySums, family_df, ratio_linearised
from barometer.stats.numeric import numeric_table
from barometer.stats.query import Query, check_category, default_category, validate_query
from barometer.stats.result import PEARSON, RAO_SCOTT, RAO_SCOTT_F, Result
from barometer.stats.selection import Selection, select
from barometer.stats.significance import (
    column_letters,
    pairwise_higher,
    pearson_chi2,
    rao_scott_many,
)
from barometer.stats.variance import (
    Linearised,
    design_covariance,
    design_variance,
    kish_deff,
    korn_graubard_base,
    wilson_interval,
)


def crosstab(dataset: Dataset, query: Query) -> Result:
    """The indicator by the breakdown (if any) per country and year; see the module docstring.
    Without a breakdown, countries side by side get letters of significant differences
    (`barometer.stats.comparisons`)."""
    dataset = grouped(dataset, query)
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
    dataset = grouped(dataset, query)
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


def _compute(dataset: Dataset, query: Query) -> Result:
    ind = dataset.indicator(query.indicator)
    sel = select(dataset, query)
    design = query_design(dataset, sel, True) if query.weighted else None
    if design is not None and design.srs.all():  # nothing weighted: an unweighted table
        query = replace(query, weighted=False)
        sel, design = select(dataset, query), None
    pooled_from = _hidden_per_country(dataset, query, sel) if sel.pooled and query.disclosure \
        else None
    if ind.type == "numeric":
        return numeric_table(dataset, query, sel, design, pooled_from)
    return _categorical(dataset, query, sel, design, pooled_from)


@dataclass(frozen=True)
class _Families:
    """What a categorical table counts, for its design variances: `answers` (respondents in
    (breakdown, answer) cells; for multiple response the choices in (breakdown, option) cells)
    and `respondents` (multiple response: answering respondents per breakdown group), as sums over
    the design's units (`FamilySums`)."""

    answers: FamilySums
    respondents: FamilySums | None
    extend: np.ndarray
    b: int
    k: int

    def maps(self, percent: str):
        """(numerator sums, denominator sums, a_num, a_den) of the percentages on base `percent`."""
        a_num, a_den, den_is_respondents = _percent_maps(self.b, self.k, self.extend.tobytes(),
                                                         self.extend.shape[1], self.respondents is not None, percent)
        return self.answers, self.respondents if den_is_respondents else self.answers, a_num, a_den


@lru_cache(maxsize=128)
def _percent_maps(b: int, k: int, extend_bytes: bytes, kx: int, multiple: bool, percent: str):
    """(a_num, a_den, denominator is the respondents family): the cell totals that make each
    percentage's numerator and base."""
    eye_b, ones_b = np.eye(b), np.ones((b, b))
    if not multiple:  # single choice: cells (b, k)
        extend = np.frombuffer(extend_bytes).reshape(k, kx)
        a_den = {"column": np.kron(eye_b, np.ones((k, kx))), "row": np.kron(ones_b, extend),
                 "total": np.ones((b * k, b * kx))}[percent]
        return np.kron(eye_b, extend), a_den, False
    if percent == "row":
        return np.eye(b * kx), np.kron(ones_b, np.eye(kx)), False
    a_den = np.kron(eye_b, np.ones((1, kx))) if percent == "column" else np.ones((b, b * kx))
    return np.eye(b * kx), a_den, True


def _family(sel: Selection, rows: np.ndarray, flat: np.ndarray, ncell: int) -> Family:
    return Family(rows, flat // ncell, flat % ncell, sel.weights[rows], ncell)


def _categorical(dataset: Dataset, query: Query, sel: Selection, design: QueryDesign | None,
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
    families = None

    answered = None
    if not multiple:
        trash = g * b * k
        parts = [*by_part, (dataset.codes(ind.id), cat_pos, 1)]
        idx = row_index(dataset, sel, b * k, parts, trash, prefix_key=query.by)
        n, w, w2 = (a.reshape(g, b, k) for a in sums(idx, trash, weights, weights2))
        cells = _Cells(n @ extend, w @ extend, w2 @ extend, n.sum(-1), w.sum(-1), w2.sum(-1))
        if design is not None:
            def answers():
                rows = np.flatnonzero(idx < trash)
                return _family(sel, rows, idx[rows], b * k)
            cell_sums = (w.reshape(g, -1), w2.reshape(g, -1), n.reshape(g, -1))
            sums_of = FamilySums(dataset, design, answers, cell_sums, b * k, row_cells=(idx, trash, weights))
            families = _Families(sums_of, None, extend, b, k)
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
        if design is not None:
            answers = FamilySums(dataset, design, lambda: _family(sel, rows[ri], cell_of_choice, b * kx),
                                 (w.reshape(g, -1), w2.reshape(g, -1), n.reshape(g, -1)), b * kx)
            respondents = FamilySums(dataset, design, lambda: _family(sel, rows, idx[rows], b),
                                     (base_w, base_w2, base_n), b)
            families = _Families(answers, respondents, np.eye(kx), b, kx)

    thresholds = dataset.codebook.dataset.thresholds
    variances = _Variances(dataset, design, families, cells)
    table = _proportion_table(query, cells, variances, thresholds)
    if query.by is not None and b >= 2:
        p_col, var_col, df_group = variances.column_proportions()
        eligible = cells.base_n >= max(thresholds.min_base, 1)
        higher = pairwise_higher(p_col, cells.base_n.astype(np.float64), var_col, eligible, df_group)
        table["sig"] = sig_strings(higher, column_letters(b), np.zeros(table["n"].shape, bool))
    tests = _tests(query, cells, design, families, multiple, k) if b >= 2 else None
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


def _bases(percent: str, cells: _Cells):
    """(base_n, base_w, base_w2) broadcast to the (G, B, K+nets) cells for the percent base."""
    if percent == "row":
        return (cells.n.sum(axis=1, keepdims=True), cells.w.sum(axis=1, keepdims=True),
                cells.w2.sum(axis=1, keepdims=True))
    if percent == "total":
        return (cells.base_n.sum(axis=1)[:, None, None], cells.base_w.sum(axis=1)[:, None, None],
                cells.base_w2.sum(axis=1)[:, None, None])
    return cells.base_n[:, :, None], cells.base_w[:, :, None], cells.base_w2[:, :, None]


class _Variances:
    """Proportions on a percentage base with their variances and degrees of freedom: design-based
    for weighted groups, p(1−p)/n for unweighted ones (df NaN)."""

    def __init__(self, dataset, design, families, cells):
        self.dataset, self.design, self.families, self.cells = dataset, design, families, cells
        self._done: dict[str, tuple] = {}

    def of(self, percent: str):
        """(p, base_n, base_w, base_w2, var, df, group df) on base `percent`, each (G, B, K+nets)
        but the group df (G,)."""
        if percent in self._done:
            return self._done[percent]
        cells = self.cells
        shape = cells.n.shape
        base_n, base_w, base_w2 = (np.broadcast_to(a, shape) for a in _bases(percent, cells))
        with np.errstate(divide="ignore", invalid="ignore"):
            p = np.where(base_w > 0, cells.w / np.where(base_w > 0, base_w, 1.0), np.nan)
            var = p * (1.0 - p) / base_n
        df = np.full(shape, np.nan)
        group_df = np.full(shape[0], np.nan)
        if self.design is not None:
            g = shape[0]
            num, den, a_num, a_den = self.families.maps(percent)
            lin = ratio_linearised(self.design, num, den, a_num, a_den, p.reshape(g, -1), base_w.reshape(g, -1))
            var_d, df_d = design_variance(self.design, lin)
            use = ~self.design.srs[:, None, None]
            var = np.where(use, var_d.reshape(shape), var)
            df = np.where(use, df_d.reshape(shape), np.nan)
            group_df = np.where(self.design.srs, np.nan,
                                family_df(self.design, den))
        out = (p, base_n, base_w, base_w2, var, df, group_df)
        self._done[percent] = out
        return out

    def column_proportions(self):
        """(p, var, group df) of the column proportions for the letters; var NaN where a group
        is unweighted (the pooled z-test applies)."""
        p, _, _, _, var, _, group_df = self.of("column")
        if self.design is None:
            return p, None, None
        return p, np.where(self.design.srs[:, None, None], np.nan, var), group_df


def _proportion_table(query: Query, cells: _Cells, variances: _Variances, thresholds) -> dict[str, np.ndarray]:
    shape = cells.n.shape
    p, base_n, base_w, base_w2, var, df, _ = variances.of(query.percent)
    deff = kish_deff(base_n, base_w, base_w2)
    with np.errstate(divide="ignore", invalid="ignore"):
        eff = np.where(var > 0, p * (1.0 - p) / var, base_n / deff)
    interval_base = eff if variances.design is None else np.where(
        np.isnan(df), eff, korn_graubard_base(eff, base_n, df))
    low, high = wilson_interval(p, interval_base)
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
        "deff": deff,
        "small": small,
        "sig": np.full(shape, "", dtype=object),
    }


def _table_covariance(design: QueryDesign, answers: FamilySums, w_tab: np.ndarray, k: int):
    """(covariances (G, B·K, B·K) of each group's cell proportions of the table, design degrees of
    freedom among the table's respondents (G,)). A PSU's linearised value of cell c is
    (S_c − p_c S)/T."""
    g, b, _ = w_tab.shape
    total = w_tab.sum(axis=(1, 2))
    safe = np.where(total > 0, total, 1.0)
    p = (w_tab / safe[:, None, None]).reshape(g, -1)
    c = b * k
    if design.units:
        q = answers.gram()
        lmap = (np.eye(c)[None] - p[:, None, :]) / safe[:, None, None]
        present = answers.units.sum(axis=1, keepdims=True) > 0
    else:
        q, lmap, present = np.zeros((g, 1, 1)), np.zeros((g, 1, c)), np.zeros((0, 1), dtype=bool)
    eg = design.stratum_group[design.psu_strata :]
    s1, s2, counts = answers.elements
    pe, te = p[eg], safe[eg][:, None]
    su = (s1 - pe * s1.sum(axis=1, keepdims=True)) / te
    s2t = s2.sum(axis=1)
    cross = (np.einsum("hi,ij->hij", s2, np.eye(c)) - s2[:, :, None] * pe[:, None, :]
             - pe[:, :, None] * s2[:, None, :] + s2t[:, None, None] * pe[:, :, None] * pe[:, None, :])
    cross /= (te * te)[:, :, None]
    lin = Linearised(q, lmap, present, np.zeros(1, dtype=np.intp), su, None, counts.sum(axis=1, keepdims=True),
                     full=p, elem_cross=cross)
    if design.blocks:
        for kb in range(design.blocks):
            gk = design.block_group[kb]
            full, reps = answers.replicates(kb)
            with np.errstate(divide="ignore", invalid="ignore"):
                top = p[gk] * safe[gk] - full + reps
                lin.thetas.append(top / top.sum(axis=1, keepdims=True))
        lin.replicate_df = answers.replicate_df(np.ones((c, 1)))
    return design_covariance(design, lin)


def _tests(query, cells, design, families, multiple, k):
    """Per group: (statistic, df, ddf, p, method) or None; single-choice crosstabs only."""
    if multiple or query.by is None:
        return None
    n_tab = cells.n[:, :, :k]
    g = len(n_tab)
    srs = np.ones(g, dtype=bool) if design is None else design.srs
    out: list = [None] * g
    for gi in np.flatnonzero(srs):
        stat, df, p = pearson_chi2(n_tab[gi])
        out[gi] = (stat, df, np.nan, p, PEARSON)
    if design is not None and not srs.all():
        w_tab = cells.w[:, :, :k]
        cov, nu = _table_covariance(design, families.answers, w_tab, k)
        method = RAO_SCOTT if query.rao_scott == "chisq" else RAO_SCOTT_F
        stat, ndf, ddf, pval = rao_scott_many(w_tab, cov, nu, query.rao_scott)
        for gi in np.flatnonzero(~srs):
            out[gi] = (stat[gi], ndf[gi], ddf[gi], pval[gi], method)
    return out
