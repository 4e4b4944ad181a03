"""Cell indexing: each selected respondent gets one flat cell number, and `np.bincount` sums
counts, Σw and Σw² per cell in one pass each.

A table's cells are (country-year group × breakdown category × answer category). The
country-year code and every part's category code combine into one mixed-radix int32 number per
row, mapped to its cell by a single table look-up; respondents outside the query (other
countries or years, filtered out, missing answer or breakdown) go to a discard cell.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from barometer.dataset import Dataset
from barometer.stats.selection import Selection, country_year

Part = tuple[np.ndarray, np.ndarray, int]
"""(codes per row (-1 = missing), positions per code (-1 = left out), multiplier)."""


def row_index(dataset: Dataset, sel: Selection, stride: int, parts: Sequence[Part], trash: int,
              prefix_key: str | None = None) -> np.ndarray:
    """Flat cell number per row: group · stride + Σ position · multiplier; `trash` or more = not
    counted. With several parts, the digits of all but the last depend only on `prefix_key` (the
    breakdown) and are cached."""
    cy, _ = country_year(dataset)
    group = np.where(sel.group_lut >= 0, sel.group_lut * stride, trash).astype(np.intp)
    if not parts:
        idx = group.take(cy, mode="clip")
    else:
        radices = [len(positions) + 1 for _, positions, _ in parts]
        strides = [int(np.prod(radices[i + 1 :], dtype=np.int64)) for i in range(len(parts))]
        span = int(np.prod(radices, dtype=np.int64))
        lut = _cell_lookup(group, parts, radices, strides, span, trash)
        if prefix_key is not None and len(parts) > 1:
            prefix = dataset.cached(
                ("stats:prefix", prefix_key, span, tuple(strides)),
                lambda: _mixed_radix(dataset, parts[:-1], strides[:-1], span), max_entries=5)
            combined = np.add(prefix, parts[-1][0], dtype=np.int32)
        else:
            combined = _mixed_radix(dataset, parts, strides, span)
        idx = lut[combined]
    if sel.filter_mask is not None:
        idx[~sel.filter_mask] = trash
    return idx


def _cell_lookup(group: np.ndarray, parts: Sequence[Part], radices: list[int], strides: list[int],
                 span: int, trash: int) -> np.ndarray:
    """The look-up table over (country-year, code_1, ..., code_m), codes shifted to start at -1."""
    value = np.arange(len(group), dtype=np.int64) * span
    target = group.astype(np.int64)
    for (_, positions, multiplier), radix, step in zip(parts, radices, strides, strict=True):
        codes = np.arange(-1, radix - 1)
        offsets = np.where(codes >= 0, positions[np.maximum(codes, 0)] * multiplier, trash)
        offsets = np.where((codes >= 0) & (positions[np.maximum(codes, 0)] < 0), trash, offsets)
        value = (value[..., None] + codes * step).reshape(-1)
        target = (target[..., None] + offsets).reshape(-1)
    size = len(group) * span + span
    lut = np.full(size, trash, dtype=np.intp)
    lut[value % size] = target
    return lut


def _mixed_radix(dataset: Dataset, parts: Sequence[Part], strides: Sequence[int],
                 span: int) -> np.ndarray:
    """country-year · span + Σ code · stride as int32 per row."""
    combined = None
    for (codes, _, _), step in zip(parts, strides, strict=True):
        if combined is None:
            combined = np.multiply(codes, step, dtype=np.int32)
        elif step == 1:
            combined += codes
        else:
            combined += np.multiply(codes, step, dtype=np.int32)
    combined += country_year_scaled(dataset, span)
    return combined


def country_year_scaled(dataset: Dataset, span: int) -> np.ndarray:
    """country-year code · span as int32 (the last few spans are cached)."""
    return dataset.cached(("stats:cy*", span),
                          lambda: np.multiply(country_year(dataset)[0], span, dtype=np.int32),
                          max_entries=4)


def squared_weights(dataset: Dataset, sel: Selection) -> np.ndarray:
    """w² of the selection's weights (cached unless pooling rescaled them)."""
    if sel.pooled:
        return sel.weights * sel.weights
    return dataset.cached(("stats:w2",), lambda: sel.weights * sel.weights)


def sums(idx: np.ndarray, size: int, weights, weights2) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Counts, Σw and Σw² per cell below `size` (indices from `size` up are discarded rows)."""
    n = np.bincount(idx, minlength=size)[:size].astype(np.float64)
    if weights is None:
        return n, n, n
    w = np.bincount(idx, weights=weights, minlength=size)[:size]
    w2 = np.bincount(idx, weights=weights2, minlength=size)[:size]
    return n, w, w2
