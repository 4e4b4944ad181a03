"""Where each question was asked: the (country, year) groups with at least one answer."""

from __future__ import annotations

import numpy as np

from barometer.dataset import Dataset
from barometer.stats.query import data_years, indicator_in_data
from barometer.stats.selection import country_year


def availability(dataset: Dataset) -> dict[str, tuple[tuple[str, int], ...]]:
    """Indicator id -> the (country, year) groups where someone answered it, in codebook and
    year order (counted over integer codes, one `np.bincount` per indicator; cached)."""
    return dataset.cached(("stats:availability",), lambda: _availability(dataset))


def _availability(dataset: Dataset) -> dict[str, tuple[tuple[str, int], ...]]:
    cy, ny = country_year(dataset)
    countries = list(dataset.frame["country"].cat.categories)
    years = data_years(dataset)
    size = (len(countries) + 1) * max(ny, 1)
    order = {c: i for i, c in enumerate(dataset.codebook.countries)}
    out: dict[str, tuple[tuple[str, int], ...]] = {}
    for ind in dataset.codebook.indicators:
        if not indicator_in_data(dataset, ind.id):
            continue
        if ind.type == "multiple":
            answered = dataset.option_matrix(ind.id)[1]
        elif ind.type == "numeric":
            answered = ~np.isnan(dataset.values(ind.id))
        else:
            answered = dataset.codes(ind.id) >= 0
        counts = np.bincount(cy[answered], minlength=size)
        groups = [(countries[code // ny - 1], years[code % ny]) for code in np.flatnonzero(counts)]
        out[ind.id] = tuple(sorted(groups, key=lambda g: (order.get(g[0], len(order)), g[1])))
    return out
