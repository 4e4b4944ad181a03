"""Disclosure control: which figures of a table may be published.

The public service never shows a figure that describes fewer than the codebook's minimum base
of respondents, nor one from which such a figure can be worked out. Rules, per table (one
country-year group, its breakdown groups as columns):

- Primary: a breakdown group (column) whose base is under the minimum publishes nothing: no
  count, weighted count, percentage, standard error, interval or base (its base reads "under
  the minimum").
- Complementary: a table's row totals are public (the same view without the breakdown), so a
  single hidden column could be worked out as the row total minus the other columns. When
  exactly one column of a table is hidden, the smallest other column is hidden too (whole:
  figures and base, or its base would give the first one's away).
- Pooled figures: a pooled column is hidden when a country it pools is hidden in the same
  view per country (the pooled count minus the other countries' would give it away).
- Narrow populations: a country-year whose filtered population (respondents who answered,
  before the breakdown) is under the minimum is withheld whole; a view with nothing else to
  show is refused (`TooFewRespondents`).
- Tests: a table with any hidden column carries no chi-square test and no significance letters.

What it does not protect against: differencing across views with different filters or
breakdowns (statistical offices' flexible table builders add cell-key perturbation for that);
the minimum filtered population is what limits it. Groups made on the fly (`combine`, `bins`)
are columns like any other and get every rule above; bands whose edges differ by a little
(`bins=age:18-40` against `18-41`) make such differencing easier, which the same limit bounds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from barometer.stats.query import QueryError

FIGURES = ("n", "weighted", "percent", "se", "ci_low", "ci_high", "base_n", "base_weighted",
           "eff_base", "deff")
"""The table columns a hidden cell publishes nothing in."""


class TooFewRespondents(QueryError):
    """Every group of the view has fewer respondents than the minimum base."""

    def __init__(self, param: str, value: object, minimum: int) -> None:
        self.minimum = minimum
        super().__init__(param, value, (), reason=(
            f"fewer than {minimum} respondents answered in every group of this view; "
            "it is not shown (widen the filters, countries or years)"))


@dataclass(frozen=True)
class Protection:
    """What disclosure control did to a result: the minimum base, the (country, year, group)
    columns hidden for a small base and those hidden to protect them, the (country, year)
    groups withheld whole and the tables whose tests were dropped. `applied` is False for a
    local `--no-suppress` run."""

    min_base: int
    small: tuple[tuple[str, int, str | None], ...] = ()
    complementary: tuple[tuple[str, int, str | None], ...] = ()
    withheld: tuple[tuple[str, int], ...] = ()
    tests_dropped: tuple[tuple[str, int], ...] = ()
    applied: bool = True

    @property
    def hidden_any(self) -> bool:
        return bool(self.small or self.complementary or self.withheld)


@dataclass(frozen=True)
class HiddenColumns:
    """Per (group, breakdown) column of a computed table: `small` (primary) and
    `complementary` hidden columns, and `withheld` groups (G,)."""

    small: np.ndarray
    complementary: np.ndarray
    withheld: np.ndarray

    @property
    def hidden(self) -> np.ndarray:
        return self.small | self.complementary

    @property
    def tables_with_hidden(self) -> np.ndarray:
        return self.hidden.any(axis=1)


def hidden_columns(column_base: np.ndarray, population: np.ndarray, min_base: int,
                   pooled_from: np.ndarray | None = None) -> HiddenColumns:
    """Which columns to hide, from the (G, B) column bases (respondents per breakdown group), the
    (G,) filtered populations and, for pooled tables, the (G, B) columns hidden in the same view
    per country. Empty columns (base 0) are not hidden: they are left out of tables."""
    active = column_base > 0
    withheld = (population > 0) & (population < min_base)
    small = active & (column_base < min_base) & ~withheld[:, None]
    if pooled_from is not None:
        small |= active & pooled_from & ~withheld[:, None]
    complementary = np.zeros_like(small)
    lonely = small.sum(axis=1) == 1
    for g in np.flatnonzero(lonely):
        candidates = np.flatnonzero(active[g] & ~small[g])
        if len(candidates):
            complementary[g, candidates[np.argmin(column_base[g, candidates])]] = True
    return HiddenColumns(small, complementary, withheld)


def apply(table: dict[str, np.ndarray], columns: HiddenColumns) -> dict[str, np.ndarray]:
    """A new (G, B, K) table dict: hidden columns lose every figure and are flagged
    `suppressed` (`complementary` says which ones protect another); letters are cleared in
    tables with a hidden column."""
    hidden = columns.hidden[:, :, None]
    shape = np.shape(table["n"])
    out = dict(table)
    for name in FIGURES:
        out[name] = np.where(hidden, np.nan, np.asarray(table[name], dtype=np.float64))
    out["suppressed"] = np.broadcast_to(hidden, shape).copy()
    out["complementary"] = np.broadcast_to(columns.complementary[:, :, None], shape).copy()
    out["sig"] = np.where(columns.tables_with_hidden[:, None, None], "", table["sig"])
    return out


def unprotected(table: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """A table as computed, flagged as nothing hidden (local `--no-suppress` runs)."""
    out = dict(table)
    out["suppressed"] = np.zeros(np.shape(table["n"]), dtype=bool)
    out["complementary"] = np.zeros(np.shape(table["n"]), dtype=bool)
    return out


def protection_facts(columns: HiddenColumns, keys, by_codes, min_base: int) -> Protection:
    """The `Protection` facts of hidden columns, named by (country, year[, group])."""
    def named(mask: np.ndarray) -> tuple:
        return tuple((keys[g][0], int(keys[g][1]), by_codes[b]) for g, b in np.argwhere(mask))

    return Protection(
        min_base=min_base,
        small=named(columns.small),
        complementary=named(columns.complementary),
        withheld=tuple((keys[g][0], int(keys[g][1])) for g in np.flatnonzero(columns.withheld)),
        tests_dropped=tuple((keys[g][0], int(keys[g][1]))
                            for g in np.flatnonzero(columns.tables_with_hidden)),
    )
