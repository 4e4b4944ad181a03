"""The harmonised dataset: one tidy table of respondents plus the codebook that describes it.

This is the contract between `barometer.ingest` (which builds it) and `barometer.stats` (which
reads it). Columns of `frame`:

- `country` (Categorical of country codes, codebook order), `year` (int16), `weight` (float64,
  positive; 1.0 where a source has no weight), `source` (Categorical of source ids), `strata` and
  `psu` (string codes prefixed with the source id, or missing when the source names none);
- one column per single/ordinal indicator, named by its id: a Categorical whose categories are the
  indicator's category codes in codebook order (don't know / refused included); missing = not
  asked or no answer;
- one column per numeric indicator, named by its id: float64, NaN = missing;
- per multiple-response indicator, one column per option named `"{id}__{option}"`: pandas
  "boolean" dtype, True = chosen, False = not chosen, NA = the respondent did not answer the
  question (not asked, don't know, refused).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from barometer.codebook import Codebook, Indicator

MR_SEPARATOR = "__"
BASE_COLUMNS = ("country", "year", "weight", "source", "strata", "psu")


def option_column(indicator_id: str, option: str) -> str:
    """The frame column of one option of a multiple-response indicator."""
    return f"{indicator_id}{MR_SEPARATOR}{option}"


@dataclass(frozen=True)
class Dataset:
    """A harmonised survey table with its codebook; integer-code views are cached on first use."""

    codebook: Codebook
    frame: pd.DataFrame
    version: str = "unversioned"
    info: dict[str, Any] = field(default_factory=dict)
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def synthetic(self) -> bool:
        return self.codebook.dataset.synthetic

    def __len__(self) -> int:
        return len(self.frame)

    def indicator(self, indicator_id: str) -> Indicator:
        return self.codebook.indicator(indicator_id)

    def codes(self, indicator_id: str) -> np.ndarray:
        """Integer category codes (int16, -1 = missing) of a single/ordinal indicator, or of a
        numeric indicator binned by its `bins`."""
        key = f"codes:{indicator_id}"
        if key not in self._cache:
            ind = self.indicator(indicator_id)
            if ind.type == "multiple":
                raise TypeError(f"{indicator_id!r} is multiple-response: use option_matrix()")
            if ind.type == "numeric":
                self._cache[key] = self._binned_codes(ind)
            else:
                self._cache[key] = self.frame[indicator_id].cat.codes.to_numpy().astype(np.int16)
        return self._cache[key]

    def values(self, indicator_id: str) -> np.ndarray:
        """float64 values of a numeric indicator (NaN = missing)."""
        key = f"values:{indicator_id}"
        if key not in self._cache:
            self._cache[key] = self.frame[indicator_id].to_numpy(dtype=np.float64, na_value=np.nan)
        return self._cache[key]

    def option_matrix(self, indicator_id: str) -> tuple[np.ndarray, np.ndarray]:
        """(chosen, answered) for a multiple-response indicator: chosen is an (n, options) bool
        matrix, answered an (n,) bool vector (the respondent answered the question)."""
        key = f"options:{indicator_id}"
        if key not in self._cache:
            ind = self.indicator(indicator_id)
            cols = [option_column(ind.id, c.code) for c in self.codebook.categories_of(ind)]
            block = self.frame[cols]
            answered = block.notna().any(axis=1).to_numpy()
            chosen = block.fillna(False).to_numpy(dtype=bool)
            self._cache[key] = (chosen, answered)
        return self._cache[key]

    def column_codes(self, name: str) -> np.ndarray:
        """Integer codes of a categorical base column (`country`, `source`), -1 = missing."""
        key = f"column:{name}"
        if key not in self._cache:
            self._cache[key] = self.frame[name].cat.codes.to_numpy().astype(np.int16)
        return self._cache[key]

    def array(self, name: str) -> np.ndarray:
        """A base column as a numpy array (`year`, `weight`)."""
        key = f"array:{name}"
        if key not in self._cache:
            self._cache[key] = self.frame[name].to_numpy()
        return self._cache[key]

    def _binned_codes(self, ind: Indicator) -> np.ndarray:
        if not ind.bins:
            raise TypeError(f"numeric indicator {ind.id!r} has no bins to break down by")
        values = self.values(ind.id)
        codes = np.full(len(values), -1, dtype=np.int16)
        for i, b in enumerate(ind.bins):
            codes[(values >= b.low) & (values <= b.high)] = i
        return codes
