"""What a statistics request asks for (`Query`), and the checks that turn a bad one into a
`QueryError` naming the parameter and the closest valid names."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from barometer.codebook import Codebook, Indicator
from barometer.dataset import Dataset, option_column

PercentBase = Literal["column", "row", "total"]
Pooling = Literal["separate", "equal", "population"]
RaoScottReference = Literal["F", "chisq"]
PERCENT_BASES: tuple[str, ...] = ("column", "row", "total")
RAO_SCOTT_REFERENCES: tuple[str, ...] = ("F", "chisq")
POOLINGS: tuple[str, ...] = ("separate", "equal", "population")


@dataclass(frozen=True)
class Query:
    """One table request. Empty `countries`/`years` mean all in the data; `filters` are
    (indicator, allowed category codes) pairs combined with AND (numeric indicators filter by
    their bin codes, multiple-response ones by "chose any of these options"). `rao_scott` is the
    reference distribution of the weighted test of independence: "F" (R's svychisq default) or
    "chisq" (a statistics option, not a view parameter). `disclosure` off (a local run on one's
    own file, `--no-suppress`) publishes every figure. `combine` (indicator, group name, member
codes) and `bins` (numeric indicator, bands) regroup answers on the fly
(`barometer.stats.groups`): the whole query, filters included, sees the groups as
categories."""

    indicator: str
    by: str | None = None
    countries: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()
    weighted: bool = True
    percent: PercentBase = "column"
    include_missing: bool = False
    pool: Pooling = "separate"
    rao_scott: RaoScottReference = "F"
    disclosure: bool = True
    combine: tuple[tuple[str, str, tuple[str, ...]], ...] = ()
    bins: tuple[tuple[str, tuple[tuple[float | None, float | None], ...]], ...] = ()


class QueryError(ValueError):
    """A query naming something that does not exist. `param` says which parameter ("indicator",
    "by", "country", "year", "filter", "category", "percent", "pool"), `value` what was given and
    `allowed` the valid names, closest first."""

    def __init__(
        self, param: str, value: object, allowed: Iterable[object] = (), reason: str = "", *, ordered: bool = False
    ):
        self.param = param
        self.value = value
        names = [str(a) for a in allowed]
        self.allowed = tuple(names if ordered else closest_first(str(value), names))
        self.reason = reason
        super().__init__(self._message())

    def _message(self) -> str:
        what = self.reason or f"unknown {self.param} {self.value!r}"
        if not self.allowed:
            return what
        shown = ", ".join(self.allowed[:5]) + (", …" if len(self.allowed) > 5 else "")
        lead = "closest valid" if not self.reason else "valid"
        return f"{what}; {lead}: {shown}"


def closest_first(value: str, names: list[str]) -> list[str]:
    """All `names`, most similar to `value` first (difflib ratio; ties keep the given order)."""
    if not names:
        return []
    scored = difflib.get_close_matches(value, names, n=len(names), cutoff=0.0)
    return scored + [n for n in names if n not in scored]


def breakable(ind: Indicator) -> bool:
    """Whether an indicator can break a table down: single or ordinal, or numeric with bands."""
    return ind.type in ("single", "ordinal") or (ind.type == "numeric" and bool(ind.bins))


def filterable(ind: Indicator) -> bool:
    """Whether an indicator can filter respondents: the breakdown rule (multiple-response
    items would need "chose any of")."""
    return breakable(ind)


def default_category(codebook: Codebook, indicator_id: str) -> str | None:
    """The answer a trend follows when none is named: the first net (e.g. trust: full + some),
    else the first substantive category; None for a numeric indicator (its mean)."""
    ind = codebook.by_id.get(indicator_id)
    if ind is None or ind.type == "numeric":
        return None
    if ind.nets:
        return ind.nets[0].code
    cats = [c for c in codebook.categories_of(ind) if not c.missing]
    return cats[0].code if cats else None


def data_years(dataset: Dataset) -> tuple[int, ...]:
    """The survey years present in the data, ascending."""

    def build() -> tuple[int, ...]:
        years = dataset.array("year")
        return tuple(int(y) for y in np.unique(years)) if len(years) else ()

    return dataset.cached(("stats:years",), build)


def indicator_in_data(dataset: Dataset, indicator_id: str) -> bool:
    ind = dataset.codebook.by_id.get(indicator_id)
    if ind is None:
        return False
    if ind.type == "multiple":
        cats = dataset.codebook.categories_of(ind)
        return bool(cats) and all(option_column(ind.id, c.code) in dataset.frame for c in cats)
    return indicator_id in dataset.frame.columns


def category_codes(dataset: Dataset, indicator_id: str) -> list[str]:
    """The codes a filter or breakdown of this indicator uses (a numeric one's bin codes)."""
    ind = dataset.indicator(indicator_id)
    if ind.type == "numeric":
        return [b.code for b in ind.bins]
    return [c.code for c in dataset.codebook.categories_of(ind)]


def _check_indicator(dataset: Dataset, param: str, indicator_id: str) -> None:
    if indicator_in_data(dataset, indicator_id):
        return
    ids = [i.id for i in dataset.codebook.indicators if indicator_in_data(dataset, i.id)]
    if indicator_id not in dataset.codebook.by_id:
        raise QueryError(param, indicator_id, ids)
    raise QueryError(param, indicator_id, ids, reason=f"indicator {indicator_id!r} has no data")


def validate_query(dataset: Dataset, query: Query) -> Query:
    """Check every name in `query` against the dataset; return it unchanged or raise QueryError."""
    cb = dataset.codebook
    _check_indicator(dataset, "indicator", query.indicator)
    if query.by is not None:
        _check_indicator(dataset, "by", query.by)
        by_ind = cb.indicator(query.by)
        usable = [i.id for i in cb.indicators
                  if i.id != query.indicator and breakable(i) and indicator_in_data(dataset, i.id)]
        if query.by == query.indicator:
            raise QueryError("by", query.by, usable, reason="the breakdown must differ from the indicator")
        if by_ind.type == "multiple":
            raise QueryError(
                "by", query.by, usable, reason=f"{query.by!r} is multiple-response and cannot be a breakdown"
            )
        if by_ind.type == "numeric" and not by_ind.bins:
            raise QueryError("by", query.by, usable, reason=f"numeric {query.by!r} has no bins")
    for country in query.countries:
        if country not in cb.countries:
            raise QueryError("country", country, list(cb.countries))
    years = data_years(dataset)
    for year in query.years:
        if int(year) not in years:
            nearest = sorted(years, key=lambda y: (abs(y - int(year)), y))
            raise QueryError("year", year, nearest, ordered=True)
    for name, codes in query.filters:
        _check_indicator(dataset, "filter", name)
        ind = cb.indicator(name)
        if ind.type == "numeric" and not ind.bins:
            raise QueryError("filter", name, reason=f"numeric {name!r} has no bins to filter by")
        valid = category_codes(dataset, name)
        if not codes:
            raise QueryError("filter", name, valid, reason=f"filter {name!r} lists no categories")
        for code in codes:
            if code not in valid:
                raise QueryError("category", code, valid, reason=f"unknown category {code!r} of {name!r}")
    if query.percent not in PERCENT_BASES:
        raise QueryError("percent", query.percent, PERCENT_BASES)
    if query.pool not in POOLINGS:
        raise QueryError("pool", query.pool, POOLINGS)
    if query.rao_scott not in RAO_SCOTT_REFERENCES:
        raise QueryError("rao_scott", query.rao_scott, RAO_SCOTT_REFERENCES)
    if query.pool == "population" and query.weighted:
        wanted = query.countries or tuple(cb.countries)
        lacking = [c for c in wanted if cb.countries[c].adult_population is None]
        if lacking:
            raise QueryError(
                "pool",
                query.pool,
                ("separate", "equal"),
                reason=f"no adult_population in the codebook for {', '.join(lacking)}",
            )
    return query


def check_category(dataset: Dataset, indicator_id: str, category: str | None) -> None:
    """A trend's category: an answer or net code of the indicator (None only for numeric)."""
    ind = dataset.indicator(indicator_id)
    valid = [c.code for c in dataset.codebook.categories_of(ind)] + [n.code for n in ind.nets]
    if ind.type == "numeric":
        if category not in (None, "mean"):
            raise QueryError("category", category, ["mean"])
        return
    if category is None:
        raise QueryError("category", "", valid, reason=f"a trend of {indicator_id!r} needs a category")
    if category not in valid:
        raise QueryError("category", category, valid, reason=f"unknown category {category!r} of {indicator_id!r}")
