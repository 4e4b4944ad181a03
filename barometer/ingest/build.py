"""Harmonise every source of a codebook into one `Dataset` (no cache; see `cache.py`).

Each source is read once (only the variables the codebook uses), its codes mapped to canonical
category positions through small look-up tables built over the column's distinct values, so the
work per respondent is numpy indexing. Whole-source problems (unreadable file, missing variable,
unmapped code) skip the source; row problems (bad weight, repeated respondent id, a per-row
country or year the codebook cannot place) reject those rows. Both are reported.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from barometer.codebook import Codebook, Indicator, Source, SourceMap
from barometer.dataset import Dataset, option_column
from barometer.ingest.codes import (
    KeyTable,
    classify,
    counted,
    format_code,
    is_blank,
    numeric_values,
    plain_code,
)
from barometer.ingest.errors import (
    BadCountryYearError,
    BadWeightError,
    DuplicateIdError,
    IngestError,
    MissingVariableError,
    NothingLoadedError,
    StrictIngestError,
    UnmappedCodeError,
)
from barometer.ingest.hashing import dataset_version, source_hashes
from barometer.ingest.readers import FileMeta, read_survey
from barometer.ingest.report import FileReport, IngestReport

# -- one source ------------------------------------------------------------------------------------


@dataclass
class _Harmonised:
    """One source's columns as plain arrays, before rows are filtered and sources stacked."""

    n: int
    keep: np.ndarray
    source_code: np.ndarray
    country: np.ndarray
    year: np.ndarray
    weight: np.ndarray
    strata: np.ndarray
    psu: np.ndarray
    categorical: dict[str, np.ndarray] = field(default_factory=dict)
    numeric: dict[str, np.ndarray] = field(default_factory=dict)
    options: dict[str, np.ndarray] = field(default_factory=dict)


def _used_variables(codebook: Codebook, source: Source) -> dict[str, str]:
    """Variable -> what uses it (for error messages), in codebook order."""
    used: dict[str, str] = {}
    for role in ("weight", "respondent_id", "strata", "psu", "country_variable", "year_variable"):
        var = getattr(source, role)
        if var:
            used.setdefault(var, role.replace("_", " "))
    for ind in codebook.indicators:
        smap = ind.sources.get(source.id)
        if smap is None:
            continue
        for var in [smap.variable] if smap.variable else list((smap.variables or {}).values()):
            used.setdefault(var, f"indicator {ind.id}")
    return used


def _resolve_columns(meta: FileMeta, used: Mapping[str, str], path: Path) -> dict[str, str]:
    """Codebook variable -> the file's column (exact, else case-insensitive, as SPSS is)."""
    exact = set(meta.columns)
    folded: dict[str, str] = {}
    for col in meta.columns:
        folded.setdefault(col.casefold(), col)
    resolved: dict[str, str] = {}
    missing: list[str] = []
    for var, user in used.items():
        if var in exact:
            resolved[var] = var
        elif var.casefold() in folded:
            resolved[var] = folded[var.casefold()]
        else:
            missing.append(f"{var} ({user})")
    if missing:
        raise MissingVariableError(
            f"{path}: variable{'s' if len(missing) > 1 else ''} not in the file: "
            f"{', '.join(missing)}; the file has {len(meta.columns)} variables"
        )
    return resolved


def _harmonise_source(
    codebook: Codebook, source: Source, base_dir: Path
) -> tuple[_Harmonised | None, FileReport, list[IngestError]]:
    path = Path(os.path.normpath(base_dir / source.file))
    shown = source.file
    report = FileReport(source=source.id, file=shown)
    meta = None
    try:
        _, meta = read_survey(path, encoding=source.encoding, metadata_only=True)
        used = _used_variables(codebook, source)
        columns = _resolve_columns(meta, used, path)
        # at least one column, so that a source with no indicators still counts its rows
        wanted = sorted(set(columns.values())) or list(meta.columns[:1])
        frame, meta = read_survey(path, columns=wanted, encoding=source.encoding)
    except IngestError as exc:
        # rows the file holds (from its metadata) count as read and rejected
        rows = meta.n_rows if isinstance(exc, MissingVariableError) and meta and (meta.n_rows or 0) > 0 else 0
        return None, FileReport(source.id, shown, rows, 0, rows, errors=(str(exc),)), [exc]
    n = len(frame)
    warnings: list[str] = list(meta.notes)
    errors: list[IngestError] = []
    col = lambda var: frame[columns[var]]  # noqa: E731

    out = _Harmonised(
        n=n,
        keep=np.ones(n, dtype=bool),
        source_code=np.full(n, [s.id for s in codebook.sources].index(source.id), dtype=np.int16),
        country=np.full(n, list(codebook.countries).index(source.country), dtype=np.int16),
        year=np.full(n, source.year, dtype=np.int16),
        weight=np.ones(n, dtype=np.float64),
        strata=_prefixed(col(source.strata), source, meta) if source.strata else np.full(n, None, dtype=object),
        psu=_prefixed(col(source.psu), source, meta) if source.psu else np.full(n, None, dtype=object),
    )

    for ind in codebook.indicators:
        smap = ind.sources.get(source.id)
        if smap is None:
            continue
        if ind.type == "multiple":
            _harmonise_options(codebook, ind, smap, col, meta, path, out, errors, warnings)
        elif ind.type == "numeric":
            _harmonise_numeric(ind, smap, col(smap.variable), meta, path, out, errors)
        else:
            _harmonise_categorical(codebook, ind, smap, col(smap.variable), meta, path, out, errors, warnings)
    if errors:  # a code the codebook cannot place: the whole source is unusable as described
        return None, FileReport(source.id, shown, n, 0, n, tuple(map(str, errors)), tuple(warnings)), errors

    for ind in codebook.indicators:
        if ind.derive_from and source.id not in ind.sources and ind.type in ("single", "ordinal"):
            base = out.numeric.get(ind.derive_from)
            if base is not None:
                out.categorical[ind.id] = _binned(codebook, ind, base)

    row_errors: list[IngestError] = []
    if source.weight:
        _check_weights(col(source.weight), source, meta, path, out, row_errors)
    if source.respondent_id:
        _check_ids(col(source.respondent_id), source, path, out, row_errors)
    if source.country_variable:
        _per_row_country(codebook, col(source.country_variable), source, meta, path, out, row_errors)
    if source.year_variable:
        _per_row_year(col(source.year_variable), source, path, out, row_errors)
    loaded = int(out.keep.sum())
    report = FileReport(
        source.id, shown, n, loaded, n - loaded, tuple(map(str, row_errors)), tuple(warnings)
    )
    return (out if loaded else None), report, row_errors


def _prefixed(series: pd.Series, source: Source, meta: FileMeta) -> np.ndarray:
    factor, uniques = pd.factorize(series, use_na_sentinel=True)
    lut = np.array(
        [None if is_blank(u) else f"{source.id}:{plain_code(u)}" for u in uniques] + [None], dtype=object
    )
    return lut[factor]


def _harmonise_categorical(
    codebook: Codebook,
    ind: Indicator,
    smap: SourceMap,
    series: pd.Series,
    meta: FileMeta,
    path: Path,
    out: _Harmonised,
    errors: list[IngestError],
    warnings: list[str],
) -> None:
    positions = {c.code: i for i, c in enumerate(codebook.categories_of(ind))}
    table = KeyTable.of((k, positions[v]) for k, v in codebook.codemap(smap).items() if v in positions)
    result = classify(
        series, table, missing=KeyTable.of((k, True) for k in smap.missing_codes), meta=meta,
        variable=series.name,
    )
    if result.unmapped:
        errors.append(
            UnmappedCodeError(
                f"{path}: variable {series.name} (indicator {ind.id}) has codes the codebook does "
                f"not map: {counted(result.unmapped)}; expected one of "
                f"{sorted(map(format_code, codebook.codemap(smap)))} or a missing code"
            )
        )
    if result.declared_unmapped:
        warnings.append(
            f"{path.name}: variable {series.name} (indicator {ind.id}): declared user-missing "
            f"codes not in the codebook, read as missing: {counted(result.declared_unmapped)}"
        )
    out.categorical[ind.id] = result.codes


def _harmonise_numeric(
    ind: Indicator,
    smap: SourceMap,
    series: pd.Series,
    meta: FileMeta,
    path: Path,
    out: _Harmonised,
    errors: list[IngestError],
) -> None:
    values, bad = numeric_values(series, smap.missing_codes, meta)
    if bad:
        errors.append(
            UnmappedCodeError(
                f"{path}: variable {series.name} (numeric indicator {ind.id}) has values that are "
                f"not numbers: {counted(bad)}"
            )
        )
    out.numeric[ind.id] = values


def _harmonise_options(
    codebook: Codebook,
    ind: Indicator,
    smap: SourceMap,
    col: Any,
    meta: FileMeta,
    path: Path,
    out: _Harmonised,
    errors: list[IngestError],
    warnings: list[str],
) -> None:
    """Each option variable -> 1 chosen / 0 not chosen / -1 missing; a respondent with every
    option missing did not answer (NA everywhere), otherwise missing options count as not chosen."""
    chosen_table = KeyTable.of([(smap.selected, 1)])
    missing = KeyTable.of((k, True) for k in smap.missing_codes)
    states: dict[str, np.ndarray] = {}
    for option, var in (smap.variables or {}).items():
        series = col(var)
        result = classify(series, chosen_table, missing=missing, meta=meta, variable=series.name, unknown=0)
        states[option] = result.codes
    answered = np.zeros(out.n, dtype=bool)
    for codes in states.values():
        answered |= codes >= 0
    for cat in codebook.categories_of(ind):
        codes = states.get(cat.code)
        value = np.where(codes == 1, 1, 0).astype(np.int8) if codes is not None else np.zeros(out.n, np.int8)
        value[~answered] = -1
        out.options[option_column(ind.id, cat.code)] = value


def _binned(codebook: Codebook, ind: Indicator, values: np.ndarray) -> np.ndarray:
    positions = {c.code: i for i, c in enumerate(codebook.categories_of(ind))}
    codes = np.full(len(values), -1, dtype=np.int16)
    for b in ind.bins:
        if b.code in positions:
            codes[(values >= b.low) & (values <= b.high)] = positions[b.code]
    return codes


def _check_weights(
    series: pd.Series, source: Source, meta: FileMeta, path: Path, out: _Harmonised, errors: list[IngestError]
) -> None:
    values, _ = numeric_values(series, (), meta)
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
        errors.append(
            BadWeightError(
                f"{path}: weight variable {series.name}: {'; '.join(parts)}; those rows are rejected"
            )
        )
        out.keep &= ~(missing | nonpositive)
    out.weight = np.where(missing | nonpositive, 1.0, values)


def _check_ids(series: pd.Series, source: Source, path: Path, out: _Harmonised, errors: list[IngestError]) -> None:
    present = series.notna().to_numpy() & ~series.map(is_blank).to_numpy(dtype=bool)
    repeated = series.duplicated(keep=False).to_numpy() & present
    if repeated.any():
        counts = series[repeated].value_counts()
        errors.append(
            DuplicateIdError(
                f"{path}: respondent id variable {series.name}: {len(counts)} id(s) used more than "
                f"once: {counted([(v, int(c)) for v, c in counts.items()])}; all "
                f"{int(repeated.sum())} rows with a repeated id are rejected"
            )
        )
        out.keep &= ~repeated


def _per_row_country(
    codebook: Codebook,
    series: pd.Series,
    source: Source,
    meta: FileMeta,
    path: Path,
    out: _Harmonised,
    errors: list[IngestError],
) -> None:
    """A file holding several countries: values match country codes, or their value labels
    match a country's name in any language."""
    codes = list(codebook.countries)
    pairs: list[tuple[Any, int]] = [(c, i) for i, c in enumerate(codes)]
    names = {}
    for i, code in enumerate(codes):
        for text in codebook.countries[code].name.all_texts():
            names.setdefault(text.casefold().strip(), i)
    for value, label in meta.value_labels.get(series.name, {}).items():
        hit = names.get(str(label).casefold().strip())
        if hit is None and str(label).strip() in codebook.countries:
            hit = codes.index(str(label).strip())
        if hit is not None:
            pairs.insert(0, (value, hit))
    result = classify(
        series, KeyTable.of(pairs), missing=KeyTable.of([]), meta=meta, variable=series.name
    )
    unplaced = result.codes < 0
    if unplaced.any():
        listed = result.unmapped + result.declared_unmapped
        errors.append(
            BadCountryYearError(
                f"{path}: country variable {series.name}: {int(unplaced.sum())} row(s) with no "
                f"country the codebook knows ({counted(listed) or 'missing'}); expected codes or "
                f"names of {codes}; those rows are rejected"
            )
        )
        out.keep &= ~unplaced
    out.country = np.where(unplaced, out.country, result.codes).astype(np.int16)


def _per_row_year(series: pd.Series, source: Source, path: Path, out: _Harmonised, errors: list[IngestError]) -> None:
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan, copy=True)
    bad = ~((values >= 1900) & (values <= 2200))
    if bad.any():
        odd = series[bad].value_counts(dropna=False)
        errors.append(
            BadCountryYearError(
                f"{path}: year variable {series.name}: {int(bad.sum())} row(s) without a year "
                f"between 1900 and 2200: {counted([(v, int(c)) for v, c in odd.items()])}; those "
                f"rows are rejected"
            )
        )
        out.keep &= ~bad
    out.year = np.where(bad, source.year, np.nan_to_num(values, nan=source.year)).astype(np.int16)


# -- the whole dataset -----------------------------------------------------------------------------


def _progress(items: Sequence[Source], enabled: bool):
    if not enabled:
        return _NullBar(items)
    import click

    return click.progressbar(
        items, label="Reading sources", file=sys.stderr, item_show_func=lambda s: s.id if s else ""
    )


class _NullBar:
    def __init__(self, items: Sequence[Source]) -> None:
        self.items = items

    def __enter__(self) -> Sequence[Source]:
        return self.items

    def __exit__(self, *exc: object) -> None:
        return None


def build_dataset(
    codebook: Codebook, base_dir: Path, *, strict: bool = False, progress: bool = False
) -> tuple[Dataset, IngestReport]:
    """Read, harmonise and validate every source (files relative to `base_dir`); no cache.

    A bad source is reported and skipped; `strict` raises `StrictIngestError` on any problem.
    Raises `NothingLoadedError` when no source yields a row.
    """
    base_dir = Path(base_dir)
    parts: list[_Harmonised] = []
    reports: list[FileReport] = []
    problems: list[IngestError] = []
    with _progress(codebook.sources, progress) as sources:
        for source in sources:
            part, report, errors = _harmonise_source(codebook, source, base_dir)
            reports.append(report)
            problems.extend(errors)
            if part is not None:
                parts.append(part)
    report = IngestReport(files=tuple(reports))
    if strict and problems:
        raise StrictIngestError([str(p) for p in problems], problems)
    if not parts:
        reasons = "; ".join(report.errors) or (
            "every source file is empty" if codebook.sources else "the codebook lists no sources"
        )
        raise NothingLoadedError(f"no source could be loaded: {reasons}")
    frame = _assemble(codebook, parts)
    version = dataset_version(codebook, source_hashes(codebook, base_dir))
    info = {"report": report.to_dict(), "version": version, "from_cache": False}
    return Dataset(codebook=codebook, frame=frame, version=version, info=info), report


def _assemble(codebook: Codebook, parts: list[_Harmonised]) -> pd.DataFrame:
    keeps = [p.keep for p in parts]

    def stack(arrays: list[np.ndarray]) -> np.ndarray:
        return np.concatenate([a[k] for a, k in zip(arrays, keeps, strict=True)])

    def stack_or(get: Any, fill: Any, dtype: Any) -> np.ndarray:
        return stack([get(p) if get(p) is not None else np.full(p.n, fill, dtype=dtype) for p in parts])

    source_ids = [s.id for s in codebook.sources]
    columns: dict[str, Any] = {
        "country": pd.Categorical.from_codes(stack([p.country for p in parts]), categories=list(codebook.countries)),
        "year": stack([p.year for p in parts]).astype(np.int16),
        "weight": stack([p.weight for p in parts]).astype(np.float64),
        "source": pd.Categorical.from_codes(stack([p.source_code for p in parts]), categories=source_ids),
        "strata": pd.array(stack([p.strata for p in parts]), dtype="str"),
        "psu": pd.array(stack([p.psu for p in parts]), dtype="str"),
    }
    for ind in codebook.indicators:
        if ind.type == "multiple":
            for cat in codebook.categories_of(ind):
                name = option_column(ind.id, cat.code)
                values = stack_or(lambda p, name=name: p.options.get(name), -1, np.int8)
                columns[name] = pd.arrays.BooleanArray(values == 1, values < 0)
        elif ind.type == "numeric":
            columns[ind.id] = stack_or(lambda p, i=ind.id: p.numeric.get(i), np.nan, np.float64)
        else:
            codes = stack_or(lambda p, i=ind.id: p.categorical.get(i), -1, np.int16)
            cats = [c.code for c in codebook.categories_of(ind)]
            columns[ind.id] = pd.Categorical.from_codes(codes, categories=cats)
    return pd.DataFrame(columns, copy=False)
