"""Row checks of one source: weights, respondent ids, and a per-row country or year. A row that
fails is rejected (not the whole source) and the reason goes to the source's report."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from barometer.ingest.codes import KeyTable, classify, counted, is_blank, numeric_values
from barometer.ingest.context import SourceContext
from barometer.ingest.errors import BadCountryYearError, BadWeightError, DuplicateIdError


def check_rows(ctx: SourceContext) -> None:
    """Run every check the source's roles call for."""
    source = ctx.source
    if source.weight:
        check_weights(ctx, ctx.column(source.weight))
    if source.respondent_id:
        check_ids(ctx, ctx.column(source.respondent_id))
    if source.country_variable:
        per_row_country(ctx, ctx.column(source.country_variable))
    if source.year_variable:
        per_row_year(ctx, ctx.column(source.year_variable))


def check_weights(ctx: SourceContext, series: pd.Series) -> None:
    """Missing or non-positive weights reject their rows; the rest become the weight column."""
    out = ctx.harmonised
    values, _ = numeric_values(series, (), ctx.meta)
    missing = np.isnan(values)
    nonpositive = values <= 0
    if missing.any() or nonpositive.any():
        parts = []
        if missing.any():
            parts.append(f"{int(missing.sum())} missing")
        if nonpositive.any():
            odd = pd.Series(values[nonpositive]).value_counts().sort_index()
            parts.append(
                f"{int(nonpositive.sum())} not positive: "
                + counted([(v, int(c)) for v, c in odd.items()])
            )
        ctx.errors.append(
            BadWeightError(
                f"{ctx.path}: weight variable {series.name}: {'; '.join(parts)}; those rows are rejected"
            )
        )
        out.keep &= ~(missing | nonpositive)
    out.weight = np.where(missing | nonpositive, 1.0, values)


def check_ids(ctx: SourceContext, series: pd.Series) -> None:
    """Every row whose respondent id repeats is rejected (which of them is right is unknowable)."""
    present = series.notna().to_numpy() & ~series.map(is_blank).to_numpy(dtype=bool)
    repeated = series.duplicated(keep=False).to_numpy() & present
    if repeated.any():
        counts = series[repeated].value_counts()
        ctx.errors.append(
            DuplicateIdError(
                f"{ctx.path}: respondent id variable {series.name}: {len(counts)} id(s) used more than "
                f"once: {counted([(v, int(c)) for v, c in counts.items()])}; all "
                f"{int(repeated.sum())} rows with a repeated id are rejected"
            )
        )
        ctx.harmonised.keep &= ~repeated


def per_row_country(ctx: SourceContext, series: pd.Series) -> None:
    """A file holding several countries: values match country codes, or their value labels
    match a country's name in any language."""
    codebook, out = ctx.codebook, ctx.harmonised
    codes = list(codebook.countries)
    pairs: list[tuple[Any, int]] = [(c, i) for i, c in enumerate(codes)]
    names = {}
    for i, code in enumerate(codes):
        for text in codebook.countries[code].name.all_texts():
            names.setdefault(text.casefold().strip(), i)
    for value, label in ctx.meta.value_labels.get(series.name, {}).items():
        hit = names.get(str(label).casefold().strip())
        if hit is None and str(label).strip() in codebook.countries:
            hit = codes.index(str(label).strip())
        if hit is not None:
            pairs.insert(0, (value, hit))
    result = classify(
        series, KeyTable.of(pairs), missing=KeyTable.of([]), meta=ctx.meta, variable=series.name
    )
    unplaced = result.codes < 0
    if unplaced.any():
        listed = result.unmapped + result.declared_unmapped
        ctx.errors.append(
            BadCountryYearError(
                f"{ctx.path}: country variable {series.name}: {int(unplaced.sum())} row(s) with no "
                f"country the codebook knows ({counted(listed) or 'missing'}); expected codes or "
                f"names of {codes}; those rows are rejected"
            )
        )
        out.keep &= ~unplaced
    out.country = np.where(unplaced, out.country, result.codes).astype(np.int16)


def per_row_year(ctx: SourceContext, series: pd.Series) -> None:
    """A file holding several years: rows without a plausible year are rejected."""
    out, year = ctx.harmonised, ctx.source.year
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan, copy=True)
    bad = ~((values >= 1900) & (values <= 2200))
    if bad.any():
        odd = series[bad].value_counts(dropna=False)
        ctx.errors.append(
            BadCountryYearError(
                f"{ctx.path}: year variable {series.name}: {int(bad.sum())} row(s) without a year "
                f"between 1900 and 2200: {counted([(v, int(c)) for v, c in odd.items()])}; those "
                f"rows are rejected"
            )
        )
        out.keep &= ~bad
    out.year = np.where(bad, year, np.nan_to_num(values, nan=year)).astype(np.int16)
