"""Source codes as the codebook sees them: read as numbers, matched against codebook keys, sorted,
named in messages, and told apart from missing values. Shared by ingest (build) and drafting."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from barometer.ingest.readers import FileMeta

MAX_LISTED = 8
"""At most this many offending codes are spelled out in one message."""


def as_number(value: Any) -> float | None:
    """A float for a numeric value or numeric-looking string, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def is_blank(value: Any) -> bool:
    """An empty or all-space string (how files write "no answer" in a text column)."""
    return isinstance(value, str) and not value.strip()


def plain_code(value: Any) -> str:
    """A source code as text for matching: 8.0 -> "8", " a " -> "a"."""
    number = as_number(value) if not isinstance(value, str) else None
    if number is not None and number.is_integer():
        return str(int(number))
    return str(value).strip()


def codebook_key(value: Any) -> int | float | str:
    """A source value as a codebook key (plain Python int/float/str): 3.0 -> 3, np.int8(2) -> 2."""
    if isinstance(value, str):
        return value
    number = float(value)
    return int(number) if number.is_integer() else number


def code_order(value: Any) -> tuple[bool, float, str]:
    """Sort key: numbers (and numeric strings) in numeric order, then other strings."""
    number = as_number(value)
    return (number is None, number or 0, str(value))


def format_code(value: Any) -> str:
    """A source code as a person would write it: 8 not 8.0, strings quoted."""
    if isinstance(value, str):
        return repr(value)
    number = as_number(value)
    if number is not None and number.is_integer():
        return str(int(number))
    return str(value)


def counted(pairs: Sequence[tuple[Any, int]]) -> str:
    """(code, rows) pairs for a message: "8 (3 rows), 9 (1 row)", at most `MAX_LISTED` of them."""
    shown = ", ".join(f"{format_code(v)} ({n} row{'s' if n != 1 else ''})" for v, n in pairs[:MAX_LISTED])
    more = len(pairs) - MAX_LISTED
    return shown + (f" and {more} more" if more > 0 else "")


@dataclass(frozen=True)
class KeyTable:
    """Source codes as written in the codebook, matched against numbers and strings alike."""

    numbers: Mapping[float, Any]
    strings: Mapping[str, Any]

    @classmethod
    def of(cls, pairs: Iterable[tuple[Any, Any]]) -> KeyTable:
        numbers: dict[float, Any] = {}
        strings: dict[str, Any] = {}
        for key, target in pairs:
            number = as_number(key)
            if number is not None:
                numbers.setdefault(number, target)
            strings.setdefault(plain_code(key), target)
        return cls(numbers, strings)

    def get(self, value: Any) -> Any:
        if isinstance(value, str):
            hit = self.strings.get(value.strip())
            if hit is not None:
                return hit
        number = as_number(value)
        if number is not None and number in self.numbers:
            return self.numbers[number]
        return self.strings.get(plain_code(value))


@dataclass(frozen=True)
class Classified:
    """Per-row look-up result: `codes` (-1 = missing), plus what the table could not place:
    `unmapped` (given `unknown` when one was asked for, else -1) and `declared_unmapped`
    (declared user-missing in the file, so -1)."""

    codes: np.ndarray
    unmapped: list[tuple[Any, int]]
    declared_unmapped: list[tuple[Any, int]]


def classify(
    series: pd.Series,
    table: KeyTable,
    *,
    missing: KeyTable,
    meta: FileMeta,
    variable: str,
    unknown: int | None = None,
) -> Classified:
    """Look every distinct value up in `table` (-> int); missing codes, declared user-missing
    values, blanks and NaN become -1; other values become `unknown` if given, else -1. Both
    kinds of value the table lacks are listed with their row counts."""
    factor, uniques = pd.factorize(series, use_na_sentinel=True)
    uniques = list(uniques)
    lut = np.full(len(uniques) + 1, -1, dtype=np.int16)  # lut[-1] serves the NaN sentinel
    counts = np.bincount(factor[factor >= 0], minlength=len(uniques))
    declared = meta.declared_missing(variable, uniques)
    unmapped: list[tuple[Any, int]] = []
    declared_unmapped: list[tuple[Any, int]] = []
    for i, value in enumerate(uniques):
        if is_blank(value):
            continue
        target = table.get(value)
        if target is not None:
            lut[i] = target
        elif missing.get(value) is not None:
            continue
        elif declared[i]:
            declared_unmapped.append((value, int(counts[i])))
        else:
            if unknown is not None:
                lut[i] = unknown
            unmapped.append((value, int(counts[i])))
    by_code = lambda pair: code_order(pair[0])  # noqa: E731
    return Classified(lut[factor], sorted(unmapped, key=by_code), sorted(declared_unmapped, key=by_code))


def numeric_values(
    series: pd.Series, missing_codes: Sequence[Any], meta: FileMeta
) -> tuple[np.ndarray, list[tuple[Any, int]]]:
    """float64 values with missing codes, declared user-missing values and blanks as NaN; also
    the non-numeric strings that are none of those (with counts)."""
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan, copy=True)
    missing = [as_number(c) for c in missing_codes]
    missing = [m for m in missing if m is not None]
    if missing:
        values[np.isin(values, missing)] = np.nan
    for lo, hi in meta.missing_ranges.get(series.name, ()):
        if isinstance(lo, float) and isinstance(hi, float):
            values[(values >= lo) & (values <= hi)] = np.nan
    discrete = [as_number(v) for v in meta.missing_values.get(series.name, ())]
    discrete = [d for d in discrete if d is not None]
    if discrete:
        values[np.isin(values, discrete)] = np.nan
    bad: list[tuple[Any, int]] = []
    if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
        odd = series[np.isnan(values) & series.notna().to_numpy()]
        if len(odd):
            declared = set(meta.missing_values.get(series.name, ())) | {plain_code(c) for c in missing_codes}
            for value, count in odd.value_counts().items():
                if not is_blank(value) and value not in declared and plain_code(value) not in declared:
                    bad.append((value, int(count)))
    return values, bad


def numeric_column(series: pd.Series, meta: FileMeta) -> tuple[pd.Series, bool]:
    """The column as floats, and whether it is numeric (strings only as declared missings)."""
    if pd.api.types.is_numeric_dtype(series.dtype):
        return series.astype(float), True
    values = pd.to_numeric(series, errors="coerce")
    odd = series[values.isna() & series.notna()]
    odd = odd[~odd.map(is_blank)]
    declared = set(meta.missing_values.get(series.name, ()))
    numeric = values.notna().any() and all(v in declared for v in odd.unique())
    return values, bool(numeric)
