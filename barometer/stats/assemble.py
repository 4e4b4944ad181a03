"""From per-cell arrays to a `Result`: the tidy table, the tests frame, the significance letters
and the facts about the variance. Shared by the categorical and the numeric paths."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from barometer.codebook import Category
from barometer.dataset import Dataset
from barometer.stats import disclosure
from barometer.stats.design import QueryDesign, design_facts, variance_kind
from barometer.stats.query import Query
from barometer.stats.result import TABLE_COLUMNS, TEST_COLUMNS, Result
from barometer.stats.selection import Selection, country_year
from barometer.stats.significance import column_letters


def breakdown(dataset: Dataset, query: Query):
    """(kept codes, kept categories, codes per row, positions per code) of the breakdown; the
    codes are [None] without one. Don't know / refused groups are kept only with
    `include_missing`."""
    if query.by is None:
        return [None], [], None, None
    cats = dataset.codebook.categories_of(query.by)
    keep = [i for i, c in enumerate(cats) if query.include_missing or c.missing is None]
    positions = np.full(len(cats), -1)
    positions[keep] = np.arange(len(keep))
    return [cats[i].code for i in keep], [cats[i] for i in keep], dataset.codes(query.by), positions


def sig_strings(higher: np.ndarray, letters: list[str], suppressed: np.ndarray) -> np.ndarray:
    """higher (G, K, B, B) -> the (G, B, K) strings of letters each cell is above."""
    g, k, b, _ = higher.shape
    sig = np.full((g, b, k), "", dtype=object)
    for lo, letter in enumerate(letters):
        above = np.transpose(higher[:, :, :, lo], (0, 2, 1))
        sig = np.where(above, sig + letter, sig)
    return np.where(suppressed, "", sig)


def tidy_frame(sel: Selection, present: np.ndarray, by_codes: Sequence, cats: Sequence[Category],
               nets: Sequence[tuple[str, list[int]]], table: dict[str, np.ndarray], *,
               keep_column: np.ndarray | None = None,
               keep_category: np.ndarray | None = None) -> pd.DataFrame:
    """One row per (group, breakdown, category) of the groups shown (`present`), leaving out
    breakdown groups with no respondents (`keep_column`, (G, B)) and answers nobody gave in the
    view (`keep_category`, (K,)): only real groups and answers."""
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
        columns[name] = pd.array(column, dtype="Int64") if name in ("n", "base_n") else column
    frame = pd.DataFrame(columns, copy=False)
    keep = np.ones((ng, b, kx), dtype=bool)
    if keep_column is not None:
        keep &= keep_column[groups][:, :, None]
    if keep_category is not None:
        keep &= keep_category[None, None, :]
    return frame if keep.all() else frame[keep.reshape(-1)].reset_index(drop=True)


def tests_frame(sel: Selection, present: np.ndarray, tests) -> pd.DataFrame:
    """One row per group with respondents: the table's test of independence, (statistic, df,
    ddf, p, method) per group (empty without tests)."""
    if tests is None:
        return pd.DataFrame({c: [] for c in TEST_COLUMNS}).astype(
            {"year": np.int64, "statistic": float, "df": float, "ddf": float, "p_value": float,
             "method": object}
        )
    groups = np.flatnonzero(present)
    return pd.DataFrame(
        {
            "country": [sel.keys[i][0] for i in groups],
            "year": np.array([sel.keys[i][1] for i in groups], dtype=np.int64),
            "statistic": np.array([tests[i][0] for i in groups], dtype=np.float64),
            "df": np.array([tests[i][1] for i in groups], dtype=np.float64),
            "ddf": np.array([tests[i][2] for i in groups], dtype=np.float64),
            "p_value": np.array([tests[i][3] for i in groups], dtype=np.float64),
            "method": [tests[i][4] for i in groups],
        },
        copy=False,
    )


def filtered_population(dataset: Dataset, sel: Selection, answered: np.ndarray) -> np.ndarray:
    """(G,) respondents per group who answered (`answered`, per row) and pass the filters,
    whatever their breakdown: the population disclosure control measures."""
    cy, _ = country_year(dataset)
    group = sel.group_lut.take(cy)
    counted = answered & (group >= 0)
    if sel.filter_mask is not None:
        counted &= sel.filter_mask
    return np.bincount(group[counted], minlength=len(sel.keys)).astype(np.float64)


def protect(query: Query, sel: Selection, table: dict[str, np.ndarray], column_base: np.ndarray,
            population: np.ndarray, by_codes: Sequence, min_base: int,
            pooled_from: np.ndarray | None = None):
    """(table, hidden columns, Protection facts) after disclosure control (see
    `barometer.stats.disclosure`); with `query.disclosure` off the figures stay and only the
    facts are kept. Raises `TooFewRespondents` when every group with respondents is too small."""
    columns = disclosure.hidden_columns(column_base, population, min_base, pooled_from)
    if not query.disclosure:
        empty = disclosure.HiddenColumns(np.zeros_like(columns.small),
                                         np.zeros_like(columns.small),
                                         np.zeros_like(columns.withheld))
        return disclosure.unprotected(table), empty, disclosure.Protection(min_base, applied=False)
    answered = population > 0
    if answered.any() and columns.withheld[answered].all():
        param = "filter" if query.filters else "indicator"
        value = ";".join(f"{k}:{','.join(v)}" for k, v in query.filters) or query.indicator
        raise disclosure.TooFewRespondents(param, value, min_base)
    facts = disclosure.protection_facts(columns, sel.keys, by_codes, min_base)
    return disclosure.apply(table, columns), columns, facts


def make_result(dataset: Dataset, query: Query, sel: Selection, design: QueryDesign | None, *, kind,
                table: pd.DataFrame, tests: pd.DataFrame, by_codes: Sequence,
                protection: disclosure.Protection) -> Result:
    """The `Result` of a computed table, with its letters and the facts of how it was made."""
    letters = column_letters(len(by_codes)) if query.by is not None else []
    facts = design_facts(design, sel.keys)
    return Result(
        query=query,
        kind=kind,
        table=table,
        tests=tests,
        by_letters=dict(zip(by_codes, letters, strict=False)) if query.by is not None else {},
        thresholds=dataset.codebook.dataset.thresholds,
        variance=variance_kind(facts),
        design=facts,
        pooled=sel.pooled,
        protection=protection,
    )
