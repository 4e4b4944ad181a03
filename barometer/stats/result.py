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
    "deff",
    "small",
    "suppressed",
    "complementary",
    "sig",
)
"""Columns of `Result.table`, in order (numeric results add `median`). `eff_base` is the
design-effective base p(1−p)/se² (a mean's: s²/se²) and `deff` Kish's design effect of the
weights, n·Σw²/(Σw)². `suppressed` cells publish no figure (NaN/NA); `complementary` ones among
them are hidden to protect a smaller group."""

TEST_COLUMNS: tuple[str, ...] = ("country", "year", "statistic", "df", "ddf", "p_value", "method")
"""Columns of `Result.tests`: `df` the (numerator) degrees of freedom, `ddf` the denominator
degrees of freedom of an F reference (NaN for chi-square references)."""

PEARSON = "Pearson chi-square"
RAO_SCOTT = "Rao-Scott chi-square"
RAO_SCOTT_F = "Rao-Scott F"


@dataclass(frozen=True)
class GroupDesign:
    """How one (country, year) group's standard errors were computed: `method` "design" (declared
    strata/PSUs), "weights" (no declared design: each respondent a PSU, the linearisation of the
    weights), "replicate", "mixed" (pooled parts of both kinds) or "srs" (no weights); its
    `strata` and `psus` (respondents who are their own PSU count one each), `lonely_strata`
    (strata with one PSU) and the `lonely_rule` applied to them, `replicates` and their
    `replicate_method`, `fpc` (a finite population correction applied)."""

    country: str
    year: int
    method: Literal["design", "weights", "replicate", "mixed", "srs"]
    strata: int = 0
    psus: int = 0
    lonely_strata: int = 0
    lonely_rule: str | None = None
    replicates: int = 0
    replicate_method: str | None = None
    fpc: bool = False


@dataclass(frozen=True)
class DesignUse:
    """Which groups' standard errors come from a declared sampling design: `groups` lists their
    (country, year); `strata` and `psus` count the design's units over them; `partial` is True
    when other groups of the table use the linearisation of the weights alone (or, unweighted,
    simple random sampling). `per_group` says how every group of the table was computed."""

    strata: int
    psus: int
    groups: tuple[tuple[str, int], ...]
    partial: bool
    per_group: tuple[GroupDesign, ...] = ()

    @property
    def lonely_strata(self) -> int:
        """Strata with a single PSU over the table's groups."""
        return sum(d.lonely_strata for d in self.per_group)


@dataclass(frozen=True)
class Result:
    """A computed table. `table` has one row per (country, year, by, category) with the columns
    of `TABLE_COLUMNS`; `tests` one row per (country, year) with the chi-square test of
    independence; `by_letters` maps breakdown codes to the column letters used in `sig`, and
    `country_letters` country codes to theirs in a table without a breakdown (`sig` then marks
    differences between countries). A trend's table adds `change_prev`, `sig_prev`,
    `change_first`, `sig_first` (points from the previous and the first wave).
    `variance` is "taylor" (linearisation: over declared strata/PSUs, or of the weights alone),
    "replicate" (replicate weights), "mixed" (both, in different groups) or "srs" (unweighted);
    `design` gives the facts per group (None unweighted); `pooled` lists the countries pooled
    into each group (the rule is the query's `pool`); `protection` what disclosure control hid.
    Results carry facts: `barometer.present` words them in the reader's language."""

    query: Query
    kind: Literal["categorical", "multiple", "numeric"]
    table: pd.DataFrame
    tests: pd.DataFrame
    by_letters: dict[str, str]
    thresholds: Thresholds
    variance: Literal["taylor", "replicate", "mixed", "srs"] = "taylor"
    design: DesignUse | None = None
    pooled: tuple[str, ...] = field(default=())
    country_letters: dict[str, str] = field(default_factory=dict)
    protection: Protection = field(default_factory=lambda: Protection(min_base=0))
