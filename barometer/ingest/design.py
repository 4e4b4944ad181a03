"""The sample-design columns of one source: stratum and PSU codes, the finite population
correction and replicate weights, per the design of each respondent's country (`Source.design_for`),
checked so that a design the statistics cannot use names the file and variable.

Rows with a missing stratum, PSU, fpc or replicate weight are rejected (as rows with a missing
weight are). A design that cannot hold as declared skips the source: PSU codes shared by strata
with `nest: false`, an fpc that mixes counts and fractions, varies within a stratum or is smaller
than the stratum's sample of PSUs, a stratum with one PSU under `lonely_psu: fail`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from barometer.codebook import SampleDesign, Source
from barometer.ingest.codes import is_blank, numeric_values, plain_code
from barometer.ingest.context import SourceContext
from barometer.ingest.errors import BadDesignError, MissingVariableError


def replicate_variables(design: SampleDesign, columns: Sequence[str]) -> list[str]:
    """The replicate-weight variables of a replicate design: its list, or the file's columns whose
    whole name matches its pattern, in file order."""
    if isinstance(design.repweights, tuple):
        return list(design.repweights)
    pattern = re.compile(str(design.repweights))
    return [c for c in columns if pattern.fullmatch(c)]


def design_variables(source: Source, columns: Sequence[str] | None) -> dict[str, str]:
    """Variable -> its role for every design variable of the source (replicate-weight patterns
    resolved against `columns` when given; a pattern matching nothing is an error)."""
    used: dict[str, str] = {}
    for design in source.designs():
        for variable, role in design.variables():
            used.setdefault(variable, role)
        if design.type == "replicate" and not isinstance(design.repweights, tuple) and columns is not None:
            names = replicate_variables(design, columns)
            if not names:
                raise MissingVariableError(
                    f"{source.file}: no variable's name matches the replicate-weight pattern "
                    f"{design.repweights!r} (source {source.id}); the file has {len(columns)} variables"
                )
            for name in names:
                used.setdefault(name, "replicate weight")
    return used


def build_design(ctx: SourceContext) -> bool:
    """Fill the source's strata, psu, fpc and replicate-weight arrays; reject rows with missing
    design values; False (with the reason in `ctx.errors`) when the design cannot be used."""
    out = ctx.harmonised
    countries = list(ctx.codebook.countries)
    by_design: dict[SampleDesign, list[int]] = {}
    for code in np.unique(out.country[out.keep]):
        design = ctx.source.design_for(countries[int(code)])
        if design is not None:
            by_design.setdefault(design, []).append(int(code))
    ok = True
    for design, codes in by_design.items():
        rows = np.isin(out.country, codes)
        if design.type == "replicate":
            ok &= _replicate_weights(ctx, design, rows)
        else:
            ok &= _taylor(ctx, design, rows)
    return ok


def _codes(ctx: SourceContext, variable: str, rows: np.ndarray, role: str) -> np.ndarray:
    """A stratum or PSU variable as "source:code" labels; rows where it is missing are rejected."""
    series = ctx.column(variable)
    factor, uniques = pd.factorize(series, use_na_sentinel=True)
    labels = np.array([None if is_blank(u) else f"{ctx.source.id}:{plain_code(u)}" for u in uniques] + [None],
                      dtype=object)
    values = labels[factor]
    missing = rows & ctx.harmonised.keep & pd.isna(values)
    if missing.any():
        ctx.errors.append(BadDesignError(
            f"{ctx.path}: {role} variable {series.name}: {int(missing.sum())} row(s) without a value; "
            f"those rows are rejected"))
        ctx.harmonised.keep &= ~missing
    return values


def _taylor(ctx: SourceContext, design: SampleDesign, rows: np.ndarray) -> bool:
    out = ctx.harmonised
    if design.strata:
        out.strata[rows] = _codes(ctx, design.strata, rows, "strata")[rows]
    if design.psu:
        out.psu[rows] = _codes(ctx, design.psu, rows, "psu")[rows]
    fpc = None
    if design.fpc:
        series = ctx.column(design.fpc)
        values, _ = numeric_values(series, (), ctx.meta)
        bad = rows & out.keep & ~(values > 0)
        if bad.any():
            ctx.errors.append(BadDesignError(
                f"{ctx.path}: fpc variable {series.name}: {int(bad.sum())} row(s) missing or not "
                f"positive; those rows are rejected"))
            out.keep &= ~bad
        fpc = values
    kept = rows & out.keep
    if not kept.any():
        return True
    frame = pd.DataFrame({
        "country": out.country[kept], "year": out.year[kept],
        "stratum": pd.Series(out.strata[kept], dtype=object).fillna(""),
        "psu": pd.Series(out.psu[kept], dtype=object),
    })
    frame["psu"] = frame["psu"].where(frame["psu"].notna(), pd.Series(np.arange(len(frame)).astype(str)))
    where = f"{ctx.path}: design of source {ctx.source.id}"
    if design.psu and not design.nest:
        spans = frame.groupby(["country", "year", "psu"])["stratum"].nunique()
        shared = spans[spans > 1]
        if len(shared):
            names = ", ".join(str(p).split(":", 1)[-1] for p in shared.index.get_level_values("psu")[:8])
            ctx.errors.append(BadDesignError(
                f"{where}: PSU codes of {design.psu} appear in more than one stratum of {design.strata} "
                f"({names}); with nest: false each PSU code must belong to one stratum (nest: true reads "
                f"PSU codes within their stratum)"))
            return False
    keys = ["country", "year", "stratum"]
    psus = frame.groupby(keys)["psu"].nunique()
    if design.lonely_psu == "fail" and (psus == 1).any():
        lonely = [str(s).split(":", 1)[-1] for s in psus[psus == 1].index.get_level_values("stratum")[:8]]
        ctx.errors.append(BadDesignError(
            f"{where}: {int((psus == 1).sum())} stratum/strata of {design.strata or 'the sample'} with one PSU "
            f"({', '.join(lonely)}) and lonely_psu: fail; choose adjust, average, remove or certainty"))
        return False
    if fpc is not None:
        frame["fpc"] = fpc[kept]
        population = _population_of_psus(frame, psus, where, design.fpc, ctx)
        if population is None:
            return False
        out.fpc[kept] = population
    return True


def _population_of_psus(frame: pd.DataFrame, psus: pd.Series, where: str, variable: str,
                        ctx: SourceContext) -> np.ndarray | None:
    """Each row's stratum population of PSUs N_h from an fpc given as counts (any value above 1)
    or as sampling fractions (every value at most 1: N_h = n_h / f_h), as R's `as.fpc`."""
    keys = ["country", "year", "stratum"]
    values = frame["fpc"].to_numpy()
    counts = (values > 1).any()
    if counts and (values < 1).any():
        ctx.errors.append(BadDesignError(
            f"{where}: fpc variable {variable} mixes population counts (above 1) and sampling "
            f"fractions (below 1); expected one or the other"))
        return None
    varying = frame.groupby(keys)["fpc"].nunique()
    if (varying > 1).any():
        strata = [str(s).split(":", 1)[-1] for s in varying[varying > 1].index.get_level_values("stratum")[:8]]
        ctx.errors.append(BadDesignError(
            f"{where}: fpc variable {variable} varies within stratum/strata {', '.join(strata)}; "
            f"expected one value per stratum"))
        return None
    sampled = psus.reindex(pd.MultiIndex.from_frame(frame[keys])).to_numpy(dtype=np.float64)
    population = values if counts else sampled / values
    short = population < sampled - 1e-9
    if short.any():
        bad = frame.loc[short, "stratum"].drop_duplicates().head(8)
        ctx.errors.append(BadDesignError(
            f"{where}: fpc variable {variable} implies more than 100% of the PSUs sampled in "
            f"stratum/strata {', '.join(str(s).split(':', 1)[-1] for s in bad)}"))
        return None
    return population


def _replicate_weights(ctx: SourceContext, design: SampleDesign, rows: np.ndarray) -> bool:
    """Replicate weights into the source's (n, R) array; missing or negative ones reject the row."""
    out = ctx.harmonised
    names = replicate_variables(design, ctx.meta.columns)
    if isinstance(design.rscales, tuple) and len(design.rscales) not in (1, len(names)):
        ctx.errors.append(BadDesignError(
            f"{ctx.path}: design of source {ctx.source.id}: {len(design.rscales)} rscales for {len(names)} "
            f"replicate weights; expected one per replicate (or a single value)"))
        return False
    if len(names) < 2:
        ctx.errors.append(BadDesignError(
            f"{ctx.path}: design of source {ctx.source.id}: {len(names)} replicate weight(s) ({', '.join(names)}); "
            f"a replicate design needs at least two"))
        return False
    matrix = np.full((out.n, len(names)), np.nan)
    problems: list[tuple[str, int]] = []
    for j, name in enumerate(names):
        values, _ = numeric_values(ctx.column(name), (), ctx.meta)
        bad = rows & out.keep & ~(values >= 0)
        if bad.any():
            problems.append((name, int(bad.sum())))
            out.keep &= ~bad
        matrix[:, j] = values
    if problems:
        listed = ", ".join(f"{name} ({count} row{'s' if count > 1 else ''})" for name, count in problems)
        ctx.errors.append(BadDesignError(
            f"{ctx.path}: replicate weights missing or negative: {listed}; those rows are rejected"))
    if out.repweights is None or out.repweights.shape[1] < len(names):
        wider = np.full((out.n, len(names)), np.nan)
        if out.repweights is not None:
            wider[:, : out.repweights.shape[1]] = out.repweights
        out.repweights = wider
    out.repweights[rows, : len(names)] = matrix[rows]
    return True
