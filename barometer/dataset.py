"""The harmonised dataset: one tidy table of respondents plus the codebook that describes it.

This is the contract between `barometer.ingest` (which builds it) and `barometer.stats` (which
reads it). Columns of `frame`:

- `country` (Categorical of country codes, codebook order), `year` (int16), `weight` (float64,
  positive; 1.0 where a source has no weight), `source` (Categorical of source ids);
- the sample design of each respondent's source and country (`Source.design_for`): `strata` and
  `psu` (string codes "source id:code", missing where the design names none: then the
  respondents of a source, country and year form one stratum, and each respondent is their own
  PSU; strata are read within source, country and year, PSUs within their stratum), `fpc`
  (float64: the stratum's population count of PSUs, N_h ≥ the PSUs sampled; NaN = no finite
  population correction), and replicate weights `repw__1` … `repw__R` (float64, including the
  sampling weight; NaN for respondents whose design has fewer or none; only present when some
  source has them);
- one column per single/ordinal indicator, named by its id: a Categorical whose categories are the
  indicator's category codes in codebook order (don't know / refused included); missing = not
  asked or no answer;
- one column per numeric indicator, named by its id: float64, NaN = missing;
- per multiple-response indicator, one column per option named `"{id}__{option}"`: pandas
  "boolean" dtype, True = chosen, False = not chosen, NA = the respondent did not answer the
  question (not asked, don't know, refused).

`boundaries` holds the boundary files the codebook links (`barometer.geo`), by indicator id.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from barometer.codebook import Codebook, Indicator
from barometer.geo import Boundaries

T = TypeVar("T")
MR_SEPARATOR = "__"
BASE_COLUMNS = ("country", "year", "weight", "source", "strata", "psu", "fpc")
REPLICATE_PREFIX = "repw__"


def replicate_column(index: int) -> str:
    """The frame column of replicate weight `index` (0-based): repw__1, repw__2, …"""
    return f"{REPLICATE_PREFIX}{index + 1}"


def option_column(indicator_id: str, option: str) -> str:
    """The frame column of one option of a multiple-response indicator."""
    return f"{indicator_id}{MR_SEPARATOR}{option}"


class DerivedCache:
    """Arrays derived from a dataset (integer codes, look-up tables, designs), kept for reuse.

    One lock guards the entries, so threaded workers share it safely. Entries live in groups
    (the first element of a key); a group with a `max_entries` keeps its most recently used
    entries only. A value is built outside the lock: two threads may build the same entry
    once each, and both get the one stored first."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._groups: dict[Hashable, OrderedDict[Hashable, Any]] = {}

    def get_or_build(self, key: tuple, build: Callable[[], T], max_entries: int | None = None) -> T:
        group = key[0]
        with self._lock:
            entries = self._groups.setdefault(group, OrderedDict())
            if key in entries:
                entries.move_to_end(key)
                return entries[key]
        value = build()
        with self._lock:
            entries = self._groups.setdefault(group, OrderedDict())
            if key in entries:
                return entries[key]
            entries[key] = value
            while max_entries is not None and len(entries) > max_entries:
                entries.popitem(last=False)
            return value

    def __len__(self) -> int:
        with self._lock:
            return sum(len(entries) for entries in self._groups.values())


@dataclass(frozen=True)
class Dataset:
    """A harmonised survey table with its codebook; integer-code views are cached on first use."""

    codebook: Codebook
    frame: pd.DataFrame
    version: str = "unversioned"
    info: dict[str, Any] = field(default_factory=dict)
    boundaries: Mapping[str, Boundaries] = field(default_factory=dict, repr=False, compare=False)
    _derived: DerivedCache = field(default_factory=DerivedCache, repr=False, compare=False)

    def cached(self, key: tuple, build: Callable[[], T], max_entries: int | None = None) -> T:
        """The value derived under `key` (a tuple whose first element names its group), built by
        `build` on first use; see `DerivedCache`."""
        return self._derived.get_or_build(key, build, max_entries)

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

        def build() -> np.ndarray:
            ind = self.indicator(indicator_id)
            if ind.type == "multiple":
                raise TypeError(f"{indicator_id!r} is multiple-response: use option_matrix()")
            if ind.type == "numeric":
                return self._binned_codes(ind)
            return self.frame[indicator_id].cat.codes.to_numpy().astype(np.int16)

        return self.cached(("codes", indicator_id), build)

    def values(self, indicator_id: str) -> np.ndarray:
        """float64 values of a numeric indicator (NaN = missing)."""
        return self.cached(("values", indicator_id), lambda: self.frame[indicator_id].to_numpy(
            dtype=np.float64, na_value=np.nan))

    def option_matrix(self, indicator_id: str) -> tuple[np.ndarray, np.ndarray]:
        """(chosen, answered) for a multiple-response indicator: chosen is an (n, options) bool
        matrix, answered an (n,) bool vector (the respondent answered the question)."""

        def build() -> tuple[np.ndarray, np.ndarray]:
            ind = self.indicator(indicator_id)
            cols = [option_column(ind.id, c.code) for c in self.codebook.categories_of(ind)]
            block = self.frame[cols]
            return block.fillna(False).to_numpy(dtype=bool), block.notna().any(axis=1).to_numpy()

        return self.cached(("options", indicator_id), build)

    def column_codes(self, name: str) -> np.ndarray:
        """Integer codes of a categorical base column (`country`, `source`), -1 = missing."""
        return self.cached(("column", name),
                           lambda: self.frame[name].cat.codes.to_numpy().astype(np.int16))

    def array(self, name: str) -> np.ndarray:
        """A base column as a numpy array (`year`, `weight`)."""
        return self.cached(("array", name), lambda: self.frame[name].to_numpy())

    def _binned_codes(self, ind: Indicator) -> np.ndarray:
        if not ind.bins:
            raise TypeError(f"numeric indicator {ind.id!r} has no bins to break down by")
        values = self.values(ind.id)
        codes = np.full(len(values), -1, dtype=np.int16)
        for i, b in enumerate(ind.bins):
            codes[(values >= b.low) & (values <= b.high)] = i
        return codes
