"""Sampling variance: Kish's weights-only design effect, Taylor linearisation over strata/PSUs,
and the Wilson score interval.

Kish (default): for a base with weights w, the effective base is n_eff = (Σw)² / Σw², and a
weighted proportion p has se = sqrt(p(1-p) / n_eff) (Kish 1965: deff = n / n_eff).

Taylor linearisation (when the codebook names strata/PSUs for the sources in play): a ratio
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
    key = "stats:design"
    if key not in dataset._cache:
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
        dataset._cache[key] = (psu, strata)
    return dataset._cache[key]


@dataclass(frozen=True)
class Design:
    """The PSUs and strata of the country-years in one query: `psu_of_row` (0..m-1 for each
    frame row in them, -1 elsewhere) and `stratum_of_psu` (0..H-1 per PSU). PSUs with no
    respondent in a table's domain still count (domain estimation)."""

    psu_of_row: np.ndarray
    stratum_of_psu: np.ndarray
    psus: int
    strata: int

    @classmethod
    def of_mask(cls, dataset: Dataset, in_play: np.ndarray) -> Design:
        psu, strata = design_codes(dataset)
        rows = np.flatnonzero(in_play)
        uniq, local = np.unique(psu[rows], return_inverse=True)
        psu_of_row = np.full(len(psu), -1, dtype=np.intp)
        psu_of_row[rows] = local.ravel()
        stratum_raw = np.empty(len(uniq), dtype=np.int64)
        stratum_raw[local.ravel()] = strata[rows]
        s_uniq, stratum_of_psu = np.unique(stratum_raw, return_inverse=True)
        return cls(psu_of_row, stratum_of_psu.ravel(), len(uniq), len(s_uniq))

    def psu_totals(self, rows: np.ndarray, cells: np.ndarray, values: np.ndarray, ncell: int) -> np.ndarray:
        """(m, ncell) matrix: Σ values over each PSU and cell, for frame `rows` in `cells`."""
        flat = self.psu_of_row[rows] * ncell + cells
        return np.bincount(flat, weights=values, minlength=self.psus * ncell).reshape(self.psus, ncell)

    def _centred(self, totals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        m_h = np.bincount(self.stratum_of_psu, minlength=self.strata).astype(np.float64)
        sums = np.zeros((self.strata, totals.shape[1]))
        np.add.at(sums, self.stratum_of_psu, totals)
        means = sums / np.maximum(m_h, 1.0)[:, None]
        with np.errstate(divide="ignore", invalid="ignore"):
            factor = np.where(m_h > 1, m_h / (m_h - 1.0), 0.0)
        return totals - means[self.stratum_of_psu], factor[self.stratum_of_psu]

    def variance(self, totals: np.ndarray) -> np.ndarray:
        """Σ_h m_h/(m_h-1) Σ_j (U_hj - Ū_h)² for each column of the PSU totals U (m, k)."""
        centred, factor = self._centred(totals)
        return np.einsum("j,jk->k", factor, centred * centred)

    def covariance(self, totals: np.ndarray) -> np.ndarray:
        """The (k, k) covariance matrix of the linearised totals U (m, k)."""
        centred, factor = self._centred(totals)
        return (centred * factor[:, None]).T @ centred
