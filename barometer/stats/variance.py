"""Sampling variance: Kish's weights-only design effect, Taylor linearisation over strata/PSUs,
and the Wilson score interval.

Kish (default): for a base with weights w, the effective base is n_eff = (Σw)² / Σw², and a
weighted proportion p has se = sqrt(p(1-p) / n_eff) (Kish 1965: deff = n / n_eff).

Taylor linearisation (weighted queries, for each country-year group whose source the codebook
gives strata/PSUs; the other groups keep Kish): a ratio
estimate p = Σ w·y / Σ w·d over a domain d has linearised values u_i = w_i·d_i·(y_i - p) / Σ w·d;
with U_hj the total of u over PSU j of stratum h (m_h PSUs, Ū_h their mean),
var(p) = Σ_h m_h/(m_h-1) · Σ_j (U_hj - Ū_h)²  (with-replacement approximation, no finite
population correction; a stratum with one PSU contributes nothing). Respondents without a PSU
are their own PSU; respondents without a stratum share one stratum per source.

Intervals: Wilson score on the effective base, n_eff = p(1-p)/var(p) (Kish's n_eff when the
variance is zero): centre (p + z²/2n) / (1 + z²/n), half-width z·sqrt(p(1-p)/n + z²/4n²) / (1 + z²/n),
z = 1.959964 for 95%.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm

from barometer.dataset import Dataset

Z95 = float(norm.ppf(0.975))


def kish_effective_base(sum_w: np.ndarray, sum_w2: np.ndarray) -> np.ndarray:
    """(Σw)² / Σw², NaN for an empty base."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(sum_w2 > 0, sum_w * sum_w / np.where(sum_w2 > 0, sum_w2, 1.0), np.nan)


def wilson_interval(p: np.ndarray, n: np.ndarray, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for proportions `p` on (effective) bases `n`; NaN where n <= 0."""
    p = np.asarray(p, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        z2n = z * z / n
        denom = 1.0 + z2n
        centre = (p + z2n / 2.0) / denom
        half = z * np.sqrt(p * (1.0 - p) / n + z2n / (4.0 * n)) / denom
        bad = ~(n > 0)
        low = np.where(bad, np.nan, np.clip(centre - half, 0.0, 1.0))
        high = np.where(bad, np.nan, np.clip(centre + half, 0.0, 1.0))
    return low, high


def design_available(dataset: Dataset, source_codes_in_play: np.ndarray | None = None) -> bool:
    """True when the codebook names strata or PSUs for a source in play and the frame has them."""
    cb = dataset.codebook
    frame = dataset.frame
    if "psu" not in frame.columns and "strata" not in frame.columns:
        return False
    named = {s.id for s in cb.sources if s.strata or s.psu}
    if not named:
        return False
    if source_codes_in_play is None or "source" not in frame.columns:
        return True
    cats = list(frame["source"].cat.categories)
    return any(cats[c] in named for c in source_codes_in_play if 0 <= c < len(cats))


def design_codes(dataset: Dataset) -> tuple[np.ndarray, np.ndarray]:
    """(psu, stratum) integer ids per row; a row without a PSU is its own PSU, a row without a
    stratum is in its source's stratum. Cached on the dataset."""

    def build() -> tuple[np.ndarray, np.ndarray]:
        frame = dataset.frame
        n = len(frame)
        if "psu" in frame.columns:
            psu, psu_uniques = pd.factorize(frame["psu"])
            psu = psu.astype(np.int64)
        else:
            psu, psu_uniques = np.full(n, -1, dtype=np.int64), []
        lonely = psu < 0
        psu[lonely] = len(psu_uniques) + np.flatnonzero(lonely)
        if "strata" in frame.columns:
            strata, strata_uniques = pd.factorize(frame["strata"])
            strata = strata.astype(np.int64)
        else:
            strata, strata_uniques = np.full(n, -1, dtype=np.int64), []
        unstratified = strata < 0
        if "source" in frame.columns:
            src = dataset.column_codes("source").astype(np.int64)
        else:
            src = np.zeros(n, dtype=np.int64)
        strata[unstratified] = len(strata_uniques) + 1 + src[unstratified]
        return psu, strata

    return dataset.cached(("stats:design_codes",), build)


@dataclass(frozen=True)
class Design:
    """The sampling units of the country-year groups of one query.

    A unit is a PSU within a group and a unit's stratum is its stratum within the group (PSUs and
    strata nest in sources, so in country-years: normally this is just the PSU). Units are
    numbered sorted by (group, stratum, PSU), so each stratum and each group is a contiguous
    block. `unit_of_row` maps frame rows to units (-1 outside the groups). Every unit of a group
    counts in its stratum even when none of its respondents is in a table's domain."""

    unit_of_row: np.ndarray
    group_of_unit: np.ndarray
    stratum_of_unit: np.ndarray
    stratum_starts: np.ndarray
    stratum_sizes: np.ndarray
    group_starts: np.ndarray
    groups: int
    psus: int
    strata: int

    @classmethod
    def of_groups(cls, dataset: Dataset, group_lut: np.ndarray, cy: np.ndarray, groups: int) -> Design:
        """The design for rows whose country-year code `cy` maps through `group_lut` to a group
        (>= 0); cached per grouping."""
        return dataset.cached(("stats:design", group_lut.tobytes(), groups),
                              lambda: cls._build(dataset, group_lut, cy, groups), max_entries=8)

    @classmethod
    def _build(cls, dataset: Dataset, group_lut: np.ndarray, cy: np.ndarray, groups: int) -> Design:
        group_of_row = group_lut.take(cy)
        psu, strata = design_codes(dataset)
        rows = np.flatnonzero(group_of_row >= 0)
        gk, sk, pk = group_of_row[rows], strata[rows], psu[rows]
        order = np.lexsort((pk, sk, gk))
        gs, ss, ps = gk[order], sk[order], pk[order]
        new_stratum = np.ones(len(rows), dtype=bool)
        new_stratum[1:] = (gs[1:] != gs[:-1]) | (ss[1:] != ss[:-1])
        new_unit = new_stratum.copy()
        new_unit[1:] |= ps[1:] != ps[:-1]
        unit_sorted = np.cumsum(new_unit) - 1
        unit_of_row = np.full(len(psu), -1, dtype=np.intp)
        unit_of_row[rows[order]] = unit_sorted
        first_rows = np.flatnonzero(new_unit)
        group_of_unit = gs[first_rows].astype(np.intp)
        stratum_of_unit = (np.cumsum(new_stratum) - 1)[first_rows]
        stratum_sizes = np.bincount(stratum_of_unit)
        stratum_starts = np.concatenate([[0], np.cumsum(stratum_sizes)[:-1]])
        group_starts = np.searchsorted(group_of_unit, np.arange(groups))
        return cls(unit_of_row, group_of_unit, stratum_of_unit, stratum_starts, stratum_sizes,
                   group_starts, groups, len(first_rows), len(stratum_sizes))

    @property
    def uses(self) -> np.ndarray:
        """(groups,) bool: the group's variances come from this design."""
        return np.bincount(self.group_of_unit, minlength=self.groups) > 0

    @property
    def degrees_of_freedom(self) -> np.ndarray:
        """(groups,) units - strata per group (the design degrees of freedom)."""
        units = np.bincount(self.group_of_unit, minlength=self.groups)
        strata = np.bincount(self.group_of_unit[self.stratum_starts], minlength=self.groups)
        return (units - strata).astype(np.float64)

    def unit_totals(self, rows: np.ndarray, cells: np.ndarray, values: np.ndarray, ncell: int) -> np.ndarray:
        """(units, ncell): Σ values per unit and within-group cell, for frame `rows` in `cells`
        (rows outside the design's groups are ignored)."""
        units = self.unit_of_row[rows]
        inside = units >= 0
        flat = units[inside] * ncell + cells[inside]
        return np.bincount(flat, weights=values[inside], minlength=self.psus * ncell).reshape(self.psus, ncell)

    def _centred(self, totals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if self.psus == 0:
            return totals, np.zeros(0)
        sums = np.add.reduceat(totals, self.stratum_starts, axis=0)
        means = sums / self.stratum_sizes[:, None]
        m_h = self.stratum_sizes.astype(np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            factor = np.where(m_h > 1, m_h / (m_h - 1.0), 0.0)
        return totals - np.repeat(means, self.stratum_sizes, axis=0), np.repeat(factor, self.stratum_sizes)

    def variance(self, totals: np.ndarray) -> np.ndarray:
        """Per group, Σ_h m_h/(m_h-1) Σ_j (U_hj - Ū_h)² of each column of the unit totals U
        (units, k) -> (groups, k)."""
        centred, factor = self._centred(totals)
        squares = factor[:, None] * centred * centred
        out = np.zeros((self.groups, totals.shape[1]))
        present = np.flatnonzero(self.uses)
        if len(present):
            out[present] = np.add.reduceat(squares, self.group_starts[present], axis=0)
        return out

    def covariances(self, totals: np.ndarray) -> np.ndarray:
        """(groups, k, k): per group, the design covariance of the linearised unit totals U."""
        centred, factor = self._centred(totals)
        k = totals.shape[1]
        out = np.zeros((self.groups, k, k))
        ends = np.append(self.group_starts[1:], self.psus)
        for g in np.flatnonzero(self.uses):
            c = centred[self.group_starts[g] : ends[g]]
            out[g] = (c * factor[self.group_starts[g] : ends[g], None]).T @ c
        return out
