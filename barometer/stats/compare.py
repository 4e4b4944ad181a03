"""Compare: one question across countries in one wave, each country separately and, when the
query pools, the pooled figure after them (pooling rule: the query's `pool`, facts in
`Result.pooled`). The Compare page, `/api/v1/compare` and the assistant's `compare` tool all
take their figures from here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pandas as pd

from barometer.dataset import Dataset
from barometer.stats.disclosure import Protection
from barometer.stats.query import Query, QueryError, data_years
from barometer.stats.result import Result
from barometer.stats.tables import crosstab


def compare_wave(dataset: Dataset, years: Sequence[int]) -> tuple[int, ...]:
    """The one wave a comparison shows: the year asked, else the latest in the data."""
    if len(years) > 1:
        raise QueryError("year", ",".join(str(y) for y in years), [str(y) for y in years],
                         reason="compare shows one wave; give one year", ordered=True)
    return tuple(years) or data_years(dataset)[-1:]


def compare(dataset: Dataset, query: Query) -> Result:
    """The countries of `query` side by side in its one wave (no breakdown), then the pooled
    row per `query.pool` ("separate": no pooled row). Tests and design facts are the pooled
    table's when pooling (its `pooled` says which countries were pooled); disclosure facts are
    both tables'."""
    if query.by is not None:
        raise QueryError("by", query.by, reason="compare has no breakdown")
    query = replace(query, years=compare_wave(dataset, query.years))
    separate = crosstab(dataset, replace(query, pool="separate"))
    if query.pool == "separate":
        return separate
    pooled = crosstab(dataset, query)
    return replace(pooled, table=pd.concat([separate.table, pooled.table], ignore_index=True),
                   protection=joined_protection(separate.protection, pooled.protection),
                   country_letters=separate.country_letters)


def joined_protection(separate: Protection, pooled: Protection) -> Protection:
    """What disclosure control hid in the countries' table and in the pooled one (the pooled
    groups are named `pooled`, so the facts never collide)."""
    return replace(pooled, small=separate.small + pooled.small,
                   complementary=separate.complementary + pooled.complementary,
                   withheld=separate.withheld + pooled.withheld,
                   tests_dropped=separate.tests_dropped + pooled.tests_dropped)
