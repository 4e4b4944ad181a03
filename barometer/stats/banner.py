"""Banners: several breakdowns side by side in one table, a Total column first.

A banner is the question without a breakdown (the Total) and the crosstab by each breakdown,
each computed as usual (bases, intervals, tests and disclosure control per breakdown). Column
letters run on across the banner (gender A–B, age group C–F, …) but each letter compares
columns of its own breakdown only, as in SPSS Custom Tables and Crunch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import pandas as pd

from barometer.dataset import Dataset
from barometer.stats.groups import grouped
from barometer.stats.query import Query, QueryError
from barometer.stats.result import Result
from barometer.stats.significance import column_letters
from barometer.stats.tables import crosstab

MAX_BREAKDOWNS = 6
TOTAL = ""
"""The `breakdown` of the Total column in a banner's table."""


@dataclass(frozen=True)
class Banner:
    """The Total (`total`: the query without a breakdown) and one crosstab per breakdown
    (`parts`, in the order given); `letters` maps (breakdown, group code) to its column letter
    across the banner."""

    query: Query
    breakdowns: tuple[str, ...]
    total: Result
    parts: tuple[Result, ...]
    letters: dict[tuple[str, str], str]


def banner(dataset: Dataset, query: Query, breakdowns: Sequence[str]) -> Banner:
    """The question of `query` by each of `breakdowns` (its own `by` is ignored); raises
    QueryError naming `by` for a repeated or unusable breakdown."""
    breakdowns = tuple(breakdowns)
    if not breakdowns or len(breakdowns) > MAX_BREAKDOWNS:
        raise QueryError("by", ",".join(breakdowns), reason=(
            f"a banner has 1 to {MAX_BREAKDOWNS} breakdowns"))
    if len(set(breakdowns)) < len(breakdowns):
        raise QueryError("by", ",".join(breakdowns), reason="a breakdown is repeated")
    dataset = grouped(dataset, query)
    query = replace(query, by=None)
    total = crosstab(dataset, query)
    # the Total is one column: letters between countries belong to Compare, not to a banner
    total = replace(total, table=total.table.assign(sig=""), country_letters={})
    parts = tuple(crosstab(dataset, replace(query, by=by)) for by in breakdowns)
    letters: dict[tuple[str, str], str] = {}
    renamed = []
    names = column_letters(sum(len(p.by_letters) for p in parts))
    for by, part in zip(breakdowns, parts, strict=True):
        mapping = {old: names[len(letters) + i] for i, old in enumerate(part.by_letters.values())}
        for code, old in part.by_letters.items():
            letters[(by, code)] = mapping[old]
        sig = part.table["sig"].map(lambda s, m=mapping: "".join(m.get(ch, ch) for ch in s))
        renamed.append(replace(part, table=part.table.assign(sig=sig),
                               by_letters={c: mapping[o] for c, o in part.by_letters.items()}))
    return Banner(query, breakdowns, total, tuple(renamed), letters)


def banner_table(result: Banner) -> pd.DataFrame:
    """The tidy table of a banner: `breakdown` ("" = Total) before the Result's columns, the
    Total's rows first (`by` empty there)."""
    frames = [result.total.table.assign(breakdown=TOTAL)]
    frames += [part.table.assign(breakdown=by) for by, part in zip(result.breakdowns,
                                                                     result.parts, strict=True)]
    table = pd.concat(frames, ignore_index=True)
    return table[["breakdown", *[c for c in table.columns if c != "breakdown"]]]
