"""Is it different? Tests between countries and between waves, on the published estimates.

Countries and waves are independent samples, so the difference of two estimates has variance
se₁² + se₂² (each se the table's: design-based, or p(1−p)/n unweighted): z = (p₁ − p₂) / √(se₁² + se₂²),
two-sided, 5%. Multiple comparisons are Holm-adjusted within each family:

- between countries (a view without a breakdown): every pair of countries, per year and answer;
  a cell gets the letter of each country it is significantly higher than (as the breakdown
  letters do);
- between waves (a trend): per country (and group), each wave against the previous one, and each
  wave against the first, as two families.

Hidden cells (disclosure control) and groups under the minimum base take no part.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
from scipy.special import ndtr

from barometer.stats.significance import ALPHA, column_letters, holm_significant


def z_pvalues(p1: np.ndarray, se1: np.ndarray, p2: np.ndarray, se2: np.ndarray) -> np.ndarray:
    """Two-sided p-values of z = (p₁ − p₂) / √(se₁² + se₂²); NaN where a figure is missing or
    both standard errors are zero."""
    with np.errstate(divide="ignore", invalid="ignore"):
        se = np.sqrt(se1 * se1 + se2 * se2)
        z = (p1 - p2) / se
    p = 2.0 * ndtr(-np.abs(z))
    return np.where(np.isfinite(z) & (se > 0), p, np.nan)


def country_letters(table: pd.DataFrame, countries: list[str]) -> tuple[np.ndarray, dict[str, str]]:
    """(sig per row, country -> letter) for a table without a breakdown: per (year, category),
    the letters of the countries each country is significantly higher than."""
    letters = dict(zip(countries, column_letters(len(countries)), strict=True))
    sig = np.full(len(table), "", dtype=object)
    if len(countries) < 2 or table.empty:
        return sig, letters
    eligible = ~table["suppressed"].to_numpy(bool) & table["percent"].notna().to_numpy()
    for _, rows in table.groupby(["year", "category"], sort=False).indices.items():
        index = {table["country"].iat[i]: i for i in rows if eligible[i]}
        pairs = [(a, b) for a, b in combinations(countries, 2) if a in index and b in index]
        if not pairs:
            continue
        ia = np.array([index[a] for a, _ in pairs])
        ib = np.array([index[b] for _, b in pairs])
        p = table["percent"].to_numpy(float)
        se = table["se"].to_numpy(float)
        pvalues = z_pvalues(p[ia], se[ia], p[ib], se[ib])
        rejected = holm_significant(pvalues)
        for (a, b), reject, pa, pb in zip(pairs, rejected, p[ia], p[ib], strict=True):
            if reject:
                higher, lower = (a, b) if pa > pb else (b, a)
                sig[index[higher]] += letters[lower]
    sig = np.array(["".join(sorted(s, key=list(letters.values()).index)) for s in sig],
                   dtype=object)
    return sig, letters


def wave_changes(table: pd.DataFrame) -> pd.DataFrame:
    """The trend table with, per row, the change in points from the previous wave and from the
    first wave of its series (country, group, answer), and whether each is significant (Holm
    within the series' family of comparisons)."""
    out = table.copy()
    n = len(out)
    change_prev, change_first = np.full(n, np.nan), np.full(n, np.nan)
    sig_prev, sig_first = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    p = out["percent"].to_numpy(float)
    se = out["se"].to_numpy(float)
    usable = ~out["suppressed"].to_numpy(bool) & ~np.isnan(p)
    keys = ["country", "by", "category"]
    for _, rows in out.groupby(keys, sort=False, dropna=False).indices.items():
        rows = rows[np.argsort(out["year"].to_numpy()[rows], kind="stable")]
        rows = rows[usable[rows]]
        if len(rows) < 2:
            continue
        later, earlier = rows[1:], rows[:-1]
        change_prev[later] = p[later] - p[earlier]
        sig_prev[later] = holm_significant(z_pvalues(p[later], se[later], p[earlier], se[earlier]))
        first = np.full(len(later), rows[0])
        change_first[later] = p[later] - p[first]
        sig_first[later] = holm_significant(z_pvalues(p[later], se[later], p[first], se[first]))
    out["change_prev"], out["sig_prev"] = change_prev, sig_prev
    out["change_first"], out["sig_first"] = change_first, sig_first
    return out


__all__ = ["ALPHA", "country_letters", "wave_changes", "z_pvalues"]
