"""The outcome of a query: one tidy table of cells plus table-level tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from barometer.codebook import Thresholds
from barometer.stats.disclosure import Protection
from barometer.stats.query import Query

TABLE_COLUMNS: tuple[str, ...] = (
    "country",
    "year",
    "by",
    "category",
    "is_net",
    "is_missing",
    "n",
    "weighted",
    "percent",
    "se",
    "ci_low",
    "ci_high",
    "base_n",
    "base_weighted",
    "eff_base",
    "small",
    "suppressed",
    "complementary",
    "sig",
)
"""Columns of `Result.table`, in order (numeric results add `median`). `suppressed` cells publish
no figure (NaN/NA); `complementary` ones among them are hidden to protect a smaller group."""

TEST_COLUMNS: tuple[str, ...] = ("country", "year", "statistic", "df", "p_value", "method")

PEARSON = "Pearson chi-square"
RAO_SCOTT = "Rao-Scott chi-square"


@dataclass(frozen=True)
class DesignUse:
    """Which groups' standard errors come from a sampling design (strata and PSUs): `groups`
    lists their (country, year); `strata` and `psus` count the design's units over them;
    `partial` is True when other groups of the table fall back to Kish's effective base."""

    strata: int
    psus: int
    groups: tuple[tuple[str, int], ...]
    partial: bool


@dataclass(frozen=True)
class Result:
    """A computed table. `table` has one row per (country, year, by, category) with the columns
    of `TABLE_COLUMNS`; `tests` one row per (country, year) with the chi-square test of
    independence; `by_letters` maps breakdown codes to the column letters used in `sig`, and
    `country_letters` country codes to theirs in a table without a breakdown (`sig` then marks
    differences between countries). A trend's table adds `change_prev`, `sig_prev`,
    `change_first`, `sig_first` (points from the previous and the first wave).
    `variance` is "taylor" when at least one group's sources name strata/PSUs (`design` says
    which), "kish" for weighted data without a design, "srs" unweighted; `pooled` lists the
    countries pooled into each group (the rule is the query's `pool`); `protection` what
    disclosure control hid. Results carry facts: `barometer.present` words them in the
    reader's language."""

    query: Query
    kind: Literal["categorical", "multiple", "numeric"]
    table: pd.DataFrame
    tests: pd.DataFrame
    by_letters: dict[str, str]
    thresholds: Thresholds
    variance: Literal["kish", "taylor", "srs"] = "kish"
    design: DesignUse | None = None
    pooled: tuple[str, ...] = field(default=())
    country_letters: dict[str, str] = field(default_factory=dict)
    protection: Protection = field(default_factory=lambda: Protection(min_base=0))
