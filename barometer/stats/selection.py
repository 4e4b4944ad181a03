"""Which respondents a query covers, in which country-year group, with which weights.

Pooling several countries rescales each country-year's weights before anything is counted:
w'_i = w_i · N_y · s_c / W_cy, where W_cy is the country's total weight in year y over all its
respondents, N_y the number of respondents of the pooled countries in year y and s_c the
country's share: 1/K for `equal`, adult_population_c / Σ adult_population for `population`. So
each country carries the stated share of the pooled total, which equals N_y.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from barometer.dataset import Dataset
from barometer.stats.query import Query, data_years

POOLED = "pooled"


@dataclass(frozen=True)
class Selection:
    """`group_lut[cy]` is the group of a row whose country-year code is cy (`country_year`), or
    -1; `keys` the (country, year) of each group in output order; `weights` the weights to use
    (None = unweighted); `filter_mask` rows passing the filters (None = no filters); `pooled` the
    countries pooled into each group (empty when countries stay separate)."""

    group_lut: np.ndarray
    keys: tuple[tuple[str, int], ...]
    weights: np.ndarray | None
    filter_mask: np.ndarray | None
    pooled: tuple[str, ...] = ()


def country_year(dataset: Dataset) -> tuple[np.ndarray, int]:
    """(cy, years): cy = (country code + 1) · years + year position, an intp per row; cached."""

    def build() -> tuple[np.ndarray, int]:
        years = np.asarray(data_years(dataset), dtype=np.int64)
        year_pos = np.searchsorted(years, dataset.array("year").astype(np.int64))
        cc = dataset.column_codes("country").astype(np.intp)
        return ((cc + 1) * len(years) + year_pos).astype(np.intp), len(years)

    return dataset.cached(("stats:cy",), build)


def _country_year_totals(dataset: Dataset) -> tuple[np.ndarray, np.ndarray]:
    """(respondents, Σw) per country-year code."""

    def build() -> tuple[np.ndarray, np.ndarray]:
        cy, ny = country_year(dataset)
        size = (len(dataset.frame["country"].cat.categories) + 1) * max(ny, 1)
        counts = np.bincount(cy, minlength=size).astype(np.float64)
        weights = np.bincount(cy, weights=dataset.array("weight").astype(np.float64), minlength=size)
        return counts, weights

    return dataset.cached(("stats:cy_totals",), build)


def ordered_countries(dataset: Dataset, wanted: tuple[str, ...]) -> list[str]:
    """Countries of the query (all in the data when none given) in codebook order."""
    in_data = list(dataset.frame["country"].cat.categories)
    chosen = set(wanted) if wanted else set(in_data)
    order = {c: i for i, c in enumerate(dataset.codebook.countries)}
    return sorted((c for c in chosen), key=lambda c: (order.get(c, len(order)), c))


def filter_mask(dataset: Dataset, filters: tuple[tuple[str, tuple[str, ...]], ...]) -> np.ndarray | None:
    """Rows passing every filter (AND), or None without filters."""
    mask = None
    for name, allowed in filters:
        ind = dataset.indicator(name)
        if ind.type == "multiple":
            chosen, _ = dataset.option_matrix(name)
            options = [c.code for c in dataset.codebook.categories_of(ind)]
            cols = [options.index(code) for code in allowed]
            passes = chosen[:, cols].any(axis=1)
        else:
            codes = [c.code for c in dataset.codebook.categories_of(ind)]
            lut = np.zeros(len(codes) + 1, dtype=bool)  # last entry: code -1 (missing)
            for code in allowed:
                lut[codes.index(code)] = True
            passes = lut.take(dataset.codes(name))
        mask = passes if mask is None else mask & passes
    return mask


def select(dataset: Dataset, query: Query) -> Selection:
    cy, ny = country_year(dataset)
    years_all = data_years(dataset)
    country_cats = list(dataset.frame["country"].cat.categories)
    countries = ordered_countries(dataset, query.countries)
    years = sorted(set(query.years)) if query.years else list(years_all)
    counts, totals = _country_year_totals(dataset)
    lut = np.full((len(country_cats) + 1) * max(ny, 1), -1, dtype=np.intp)
    keys: list[tuple[str, int]] = []
    pooled = query.pool != "separate" and len(countries) > 1

    def code(c: str, y: int) -> int:
        return (country_cats.index(c) + 1) * ny + years_all.index(y)

    in_data = [c for c in countries if c in country_cats]
    weights = dataset.array("weight").astype(np.float64, copy=False) if query.weighted else None
    if not pooled:
        for c in in_data:
            for y in years:
                lut[code(c, y)] = len(keys)
                keys.append((c, y))
    else:
        factor = np.zeros_like(totals)
        for yi, y in enumerate(years):
            present = [c for c in in_data if counts[code(c, y)] > 0]
            for c in in_data:
                lut[code(c, y)] = yi
            keys.append((POOLED, y))
            if not present or weights is None:
                continue
            n_y = sum(counts[code(c, y)] for c in present)
            if query.pool == "population":
                pops = {c: float(dataset.codebook.countries[c].adult_population or 0) for c in present}
                shares = {c: pops[c] / sum(pops.values()) for c in present}
            else:
                shares = {c: 1.0 / len(present) for c in present}
            for c in present:
                factor[code(c, y)] = n_y * shares[c] / totals[code(c, y)]
        if weights is not None:
            weights = weights * factor.take(cy)
    return Selection(lut, tuple(keys), weights, filter_mask(dataset, query.filters),
                     tuple(in_data) if pooled else ())
