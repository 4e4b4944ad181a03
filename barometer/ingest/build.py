"""Harmonise every source of a codebook into one `Dataset` (no cache; see `cache.py`).

Each source is read once (only the variables the codebook uses), its codes mapped to canonical
category positions through small look-up tables built over the column's distinct values, so the
work per respondent is numpy indexing. Whole-source problems (unreadable file, missing variable,
unmapped code) skip the source; row problems (bad weight, repeated respondent id, a per-row
country or year the codebook cannot place) reject those rows. Both are reported.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from barometer.codebook import Codebook, Indicator, Source, SourceMap
from barometer.dataset import Dataset, option_column, replicate_column
from barometer.geo import Boundaries, load_linked_boundaries
from barometer.ingest.codes import (
    KeyTable,
    as_number,
    classify,
    counted,
    format_code,
    numeric_values,
)
from barometer.ingest.context import Harmonised, SourceContext
from barometer.ingest.design import build_design, design_variables
from barometer.ingest.errors import (
    IngestError,
    MissingVariableError,
    NothingLoadedError,
    StrictIngestError,
    UnmappedCodeError,
)
from barometer.ingest.hashing import dataset_version, source_hashes
from barometer.ingest.readers import FileMeta, read_survey
from barometer.ingest.report import FileReport, IngestReport
from barometer.ingest.row_checks import check_rows

# -- one source ------------------------------------------------------------------------------------


def used_variables(codebook: Codebook, source: Source, columns: Sequence[str] | None = None) -> dict[str, str]:
    """Variable -> what uses it (for error messages), in codebook order; replicate-weight patterns
    are resolved against the file's `columns` when given."""
    used: dict[str, str] = {}
    for role in ("weight", "respondent_id", "country_variable", "year_variable"):
        var = getattr(source, role)
        if var:
            used.setdefault(var, role.replace("_", " "))
    for var, role in design_variables(source, columns).items():
        used.setdefault(var, role)
    for ind in codebook.indicators:
        smap = ind.sources.get(source.id)
        if smap is None:
            continue
        for var in [smap.variable] if smap.variable else list((smap.variables or {}).values()):
            used.setdefault(var, f"indicator {ind.id}")
    return used


def resolve_columns(meta: FileMeta, used: Mapping[str, str], path: Path) -> dict[str, str]:
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
) -> tuple[Harmonised | None, FileReport, list[IngestError]]:
    """One source's arrays (None when nothing can be loaded), its report and its problems."""
    path = Path(os.path.normpath(base_dir / source.file))
    meta = None
    try:
        _, meta = read_survey(path, encoding=source.encoding, metadata_only=True)
        ctx = _read_source(codebook, source, path, meta)
    except IngestError as exc:
        rows = _rows_known(meta) if isinstance(exc, MissingVariableError) else 0
        return None, FileReport(source.id, source.file, rows, 0, rows, errors=(str(exc),)), [exc]
    _harmonise_indicators(ctx)
    if ctx.errors:  # a code the codebook cannot place: the whole source is unusable as described
        return None, _report(ctx, loaded=0), ctx.errors
    _derive_binned(ctx)
    check_rows(ctx)
    if not build_design(ctx):  # a design that cannot hold as declared: no design-based figures
        return None, _report(ctx, loaded=0), ctx.errors
    loaded = int(ctx.harmonised.keep.sum())
    return (ctx.harmonised if loaded else None), _report(ctx, loaded), ctx.errors


def _rows_known(meta: FileMeta | None) -> int:
    """Rows a file holds by its metadata (0 when unknown): read and rejected when it is skipped."""
    return meta.n_rows if meta is not None and (meta.n_rows or 0) > 0 else 0


def _read_source(codebook: Codebook, source: Source, path: Path, meta: FileMeta) -> SourceContext:
    """Read the variables the codebook uses and lay out the source's fixed columns."""
    columns = resolve_columns(meta, used_variables(codebook, source, meta.columns), path)
    # at least one column, so that a source with no indicators still counts its rows
    wanted = sorted(set(columns.values())) or list(meta.columns[:1])
    frame, meta = read_survey(path, columns=wanted, encoding=source.encoding)
    n = len(frame)
    harmonised = Harmonised(
        n=n,
        keep=np.ones(n, dtype=bool),
        source_code=np.full(n, [s.id for s in codebook.sources].index(source.id), dtype=np.int16),
        country=np.full(n, list(codebook.countries).index(source.country), dtype=np.int16),
        year=np.full(n, source.year, dtype=np.int16),
        weight=np.ones(n, dtype=np.float64),
        strata=np.full(n, None, dtype=object),
        psu=np.full(n, None, dtype=object),
        fpc=np.full(n, np.nan),
    )
    return SourceContext(
        codebook, source, path, meta, frame, columns, harmonised, warnings=list(meta.notes)
    )


def _report(ctx: SourceContext, loaded: int) -> FileReport:
    n = ctx.harmonised.n
    return FileReport(
        ctx.source.id, ctx.source.file, n, loaded, n - loaded,
        tuple(map(str, ctx.errors)), tuple(ctx.warnings),
    )


def _harmonise_indicators(ctx: SourceContext) -> None:
    """Every indicator the source carries, by type; unplaceable codes go to `ctx.errors`."""
    for ind in ctx.codebook.indicators:
        smap = ind.sources.get(ctx.source.id)
        if smap is None:
            continue
        if ind.type == "multiple":
            _harmonise_options(ctx, ind, smap)
        elif ind.type == "numeric":
            _harmonise_numeric(ctx, ind, smap)
        else:
            _harmonise_categorical(ctx, ind, smap)


def _harmonise_categorical(ctx: SourceContext, ind: Indicator, smap: SourceMap) -> None:
    codebook, series = ctx.codebook, ctx.column(smap.variable)
    positions = {c.code: i for i, c in enumerate(codebook.categories_of(ind))}
    table = KeyTable.of((k, positions[v]) for k, v in codebook.codemap(smap).items() if v in positions)
    result = classify(
        series, table, missing=KeyTable.of((k, True) for k in smap.missing_codes), meta=ctx.meta,
        variable=series.name,
    )
    if result.unmapped:
        ctx.errors.append(
            UnmappedCodeError(
                f"{ctx.path}: variable {series.name} (indicator {ind.id}) has codes the codebook does "
                f"not map: {counted(result.unmapped)}; expected one of "
                f"{sorted(map(format_code, codebook.codemap(smap)))} or a missing code"
            )
        )
    if result.declared_unmapped:
        ctx.warnings.append(
            f"{ctx.path.name}: variable {series.name} (indicator {ind.id}): declared user-missing "
            f"codes not in the codebook, read as missing: {counted(result.declared_unmapped)}"
        )
    ctx.harmonised.categorical[ind.id] = result.codes


def _harmonise_numeric(ctx: SourceContext, ind: Indicator, smap: SourceMap) -> None:
    series = ctx.column(smap.variable)
    values, bad = numeric_values(series, smap.missing_codes, ctx.meta)
    if bad:
        ctx.errors.append(
            UnmappedCodeError(
                f"{ctx.path}: variable {series.name} (numeric indicator {ind.id}) has values that are "
                f"not numbers: {counted(bad)}"
            )
        )
    ctx.harmonised.numeric[ind.id] = values


def _harmonise_options(ctx: SourceContext, ind: Indicator, smap: SourceMap) -> None:
    """Each option variable -> 1 chosen / 0 not chosen / -1 missing; a respondent with every
    option missing did not answer (NA everywhere), otherwise missing options count as not chosen.
    Any value but the selected code and missing ones counts as not chosen (0/1 or 1/2 coding);
    values other than 0 are reported as a warning."""
    out = ctx.harmonised
    chosen_table = KeyTable.of([(smap.selected, 1)])
    missing = KeyTable.of((k, True) for k in smap.missing_codes)
    states: dict[str, np.ndarray] = {}
    for option, var in (smap.variables or {}).items():
        series = ctx.column(var)
        result = classify(series, chosen_table, missing=missing, meta=ctx.meta, variable=series.name, unknown=0)
        states[option] = result.codes
        unusual = [(value, rows) for value, rows in result.unmapped if as_number(value) != 0]
        if unusual:
            ctx.warnings.append(
                f"{ctx.path.name}: variable {series.name} (indicator {ind.id}, option {option}): "
                f"values other than the selected code {format_code(smap.selected)}, 0 and missing "
                f"codes, counted as not chosen: {counted(unusual)}"
            )
    answered = np.zeros(out.n, dtype=bool)
    for codes in states.values():
        answered |= codes >= 0
    for cat in ctx.codebook.categories_of(ind):
        codes = states.get(cat.code)
        value = np.where(codes == 1, 1, 0).astype(np.int8) if codes is not None else np.zeros(out.n, np.int8)
        value[~answered] = -1
        out.options[option_column(ind.id, cat.code)] = value


def _derive_binned(ctx: SourceContext) -> None:
    """Categorical indicators the source lacks but can derive from a numeric one (age bands)."""
    out = ctx.harmonised
    for ind in ctx.codebook.indicators:
        if ind.derive_from and ctx.source.id not in ind.sources and ind.type in ("single", "ordinal"):
            base = out.numeric.get(ind.derive_from)
            if base is not None:
                out.categorical[ind.id] = _binned(ctx.codebook, ind, base)


def _binned(codebook: Codebook, ind: Indicator, values: np.ndarray) -> np.ndarray:
    positions = {c.code: i for i, c in enumerate(codebook.categories_of(ind))}
    codes = np.full(len(values), -1, dtype=np.int16)
    for b in ind.bins:
        if b.code in positions:
            codes[(values >= b.low) & (values <= b.high)] = positions[b.code]
    return codes


# -- the whole dataset -----------------------------------------------------------------------------


def _progress(items: Sequence[Source], enabled: bool) -> AbstractContextManager[Iterable[Source]]:
    if not enabled:
        return contextlib.nullcontext(items)
    import click

    return click.progressbar(
        items, label="Reading sources", file=sys.stderr, item_show_func=lambda s: s.id if s else ""
    )


def build_dataset(
    codebook: Codebook, base_dir: Path, *, strict: bool = False, progress: bool = False,
    boundaries: Mapping[str, Boundaries] | None = None,
) -> tuple[Dataset, IngestReport]:
    """Read, harmonise and validate every source (files relative to `base_dir`); no cache.

    A bad source is reported and skipped; `strict` raises `StrictIngestError` on any problem.
    Raises `NothingLoadedError` when no source yields a row, `GeoError` when a boundary file the
    codebook links is unusable (read here unless `boundaries` are given).
    """
    base_dir = Path(base_dir)
    if boundaries is None:
        boundaries = load_linked_boundaries(codebook, base_dir)
    parts: list[Harmonised] = []
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
    return Dataset(codebook=codebook, frame=frame, version=version, info=info,
                   boundaries=boundaries), report


def _assemble(codebook: Codebook, parts: list[Harmonised]) -> pd.DataFrame:
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
        "fpc": stack([p.fpc for p in parts]).astype(np.float64),
    }
    replicates = max((p.repweights.shape[1] for p in parts if p.repweights is not None), default=0)
    for r in range(replicates):
        columns[replicate_column(r)] = stack(
            [p.repweights[:, r] if p.repweights is not None and r < p.repweights.shape[1]
             else np.full(p.n, np.nan) for p in parts])
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
