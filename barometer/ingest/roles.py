"""Guess what a file's variables are for, from their names, labels and data: weight, respondent
id, country, year, strata and PSU. Every guess and every placeholder is written to the notes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from barometer.ingest.codes import as_number, code_order, codebook_key, is_blank, numeric_column
from barometer.ingest.readers import FileMeta

PLACEHOLDER_COUNTRY = "ALL"
PLACEHOLDER_YEAR = 1900

_WEIGHT_FIRST = ("weight", "wt", "wgt", "pesha", "ponder", "withinwt", "w1", "weights", "peso", "poids")
_WEIGHT_NAME = re.compile(
    r"^(weights?|wg?h?t|w\d{1,2}|pesha\w*|pond\w*|peso\w*|poids|gewicht|tezina|\w*wt|\w*_weight|weight_\w*|wt_\w*)$"
)
_COUNTRY_NAME = re.compile(
    r"^(country|cntry|country_?(code|name|id|iso)?|ctry|isocntry|iso_?country|shteti|drzava|pays|pais)$"
)
_YEAR_NAME = re.compile(r"^(year|yr|survey_?year|wave_?year|year_?of_?survey|int_?year|yearint|viti|godina|annee|ano)$")
_ID_NAMES = (
    "respid", "resp_id", "respno", "resp_no", "respondent_id", "respondentid", "respondent", "serial",
    "serialno", "serial_no", "caseid", "case_id", "caseno", "case_no", "qid", "uniqid", "unique_id",
    "interview_id", "responseid", "response_id", "record_id", "idnumber", "intnr", "id",
)
_STRATA_NAME = re.compile(r"^(strata|stratum|strat|stratum_?id|strata_?id)$")
_PSU_NAME = re.compile(r"^(psu|psu_?id|psucode|cluster|cluster_?id|clust)$")


@dataclass(frozen=True)
class FileRoles:
    """What the roles of one file were guessed to be."""

    variables: dict[str, str]
    """Role -> variable, keyed like `Source` fields (weight, respondent_id, country_variable, ...)."""
    countries: list[tuple[Any, str]]
    """(value, name) of each country when the file has a country variable, else empty."""
    year: int
    """The survey year (the first one when the year is per respondent)."""


def guess_roles(frame: pd.DataFrame, meta: FileMeta, path: Path, notes: list[str]) -> FileRoles:
    """Guess every role in turn (a variable plays at most one); append what was guessed to `notes`."""
    name = path.name
    roles: dict[str, str] = {}
    weight = _guess_weight(frame, meta, notes, name)
    if weight:
        roles["weight"] = weight
    rid = _guess_unique_id(frame, notes, name)
    if rid:
        roles["respondent_id"] = rid
    country_col, countries = _guess_countries(frame, meta, set(roles.values()), notes, name)
    if country_col:
        roles["country_variable"] = country_col
    year, year_variable = _year_from(frame, meta, path, set(roles.values()), notes)
    if year_variable:
        roles["year_variable"] = year_variable
    for role, pattern in (("strata", _STRATA_NAME), ("psu", _PSU_NAME)):
        col = _first_match(frame, pattern, set(roles.values()))
        if col is not None:
            roles[role] = col
            notes.append(f"{name}: {role} guessed: {col}")
    return FileRoles(roles, countries, year)


def _guess_weight(frame: pd.DataFrame, meta: FileMeta, notes: list[str], name: str) -> str | None:
    lower = {c.lower(): c for c in frame.columns}
    candidates = [lower[n] for n in _WEIGHT_FIRST if n in lower]
    candidates += [c for c in frame.columns if _WEIGHT_NAME.match(c.lower()) and c not in candidates]
    candidates += [
        c for c in frame.columns
        if re.search(r"\bweight|\bpesha|\bponder", str(meta.variable_labels.get(c, "")).lower())
        and c not in candidates
    ]
    for col in candidates:
        values, numeric = numeric_column(frame[col], meta)
        if not numeric or len(meta.value_labels.get(col, {})) > 2:
            continue
        positive = values[values > 0]
        if len(positive) < 0.9 * max(1, values.notna().sum()) or positive.empty:
            continue
        _note_weight(col, values, positive, notes, name)
        return col
    notes.append(f"{name}: no weight variable found; every respondent counts 1")
    return None


def _note_weight(col: str, values: pd.Series, positive: pd.Series, notes: list[str], name: str) -> None:
    mean = float(positive.mean())
    notes.append(
        f"{name}: weight guessed: {col} (mean {mean:.3g}, range {positive.min():.3g} to "
        f"{positive.max():.3g})"
    )
    if mean > 5 or mean < 0.2:
        notes.append(
            f"{name}: weights in {col} are not normalised to the sample (sum {positive.sum():,.0f}, "
            f"mean {mean:.3g}): they look like population totals; statistics use relative "
            f"weights, so shares are unaffected"
        )
    bad = int(len(values) - len(positive))
    if bad:
        notes.append(
            f"{name}: {bad} row(s) have a missing or non-positive weight in {col}; ingest "
            f"rejects them"
        )


def _guess_unique_id(frame: pd.DataFrame, notes: list[str], name: str) -> str | None:
    lower = {c.lower(): c for c in frame.columns}
    for candidate in _ID_NAMES:
        col = lower.get(candidate)
        if col is None:
            continue
        series = frame[col]
        if series.notna().all() and not series.duplicated().any():
            notes.append(f"{name}: respondent id guessed: {col}")
            return col
        notes.append(f"{name}: {col} looks like a respondent id but repeats or is missing; not used")
    return None


def _first_match(frame: pd.DataFrame, pattern: re.Pattern[str], exclude: set[str]) -> str | None:
    return next((c for c in frame.columns if pattern.match(c.lower()) and c not in exclude), None)


def _guess_countries(
    frame: pd.DataFrame, meta: FileMeta, exclude: set[str], notes: list[str], name: str
) -> tuple[str | None, list[tuple[Any, str]]]:
    """The country variable and its countries, when one is named like it and never missing."""
    col = _first_match(frame, _COUNTRY_NAME, exclude)
    if col is not None:
        countries = _country_values(frame, meta, col)
        if countries and frame[col].notna().all():
            notes.append(f"{name}: country per respondent from variable {col} ({len(countries)} countries)")
            return col, countries
    notes.append(
        f"{name}: no country variable; placeholder country {PLACEHOLDER_COUNTRY!r} "
        f"(\"All respondents\")"
    )
    return None, []


def _country_values(frame: pd.DataFrame, meta: FileMeta, col: str) -> list[tuple[Any, str]]:
    """(value, name) of each country present, names from value labels or the values themselves."""
    labels = meta.value_labels.get(col, {})
    series = frame[col]
    present = [v for v in pd.unique(series.dropna()) if not is_blank(v)]
    present.sort(key=code_order)
    out = []
    for value in present:
        label = labels.get(value)
        if label is None and as_number(value) is not None:
            label = next((lab for k, lab in labels.items() if as_number(k) == as_number(value)), None)
        out.append((value, str(label) if label else str(codebook_key(value))))
    return out


def _year_from(
    frame: pd.DataFrame, meta: FileMeta, path: Path, exclude: set[str], notes: list[str]
) -> tuple[int, str | None]:
    """The survey year and, when it varies per respondent, the year variable; failing a year
    variable, from the file name, else when the file was written, else a placeholder."""
    col = _first_match(frame, _YEAR_NAME, exclude)
    if col is not None:
        values, numeric = numeric_column(frame[col], meta)
        present = values.dropna()
        if numeric and len(present) == len(values) and present.between(1900, 2200).all():
            years = sorted({int(v) for v in present})
            if len(years) == 1:
                notes.append(f"{path.name}: year {years[0]} from variable {col}")
                return years[0], None
            notes.append(f"{path.name}: year per respondent from variable {col} ({years[0]} to {years[-1]})")
            return years[0], col
    found = re.findall(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)", path.stem)
    if found:
        notes.append(f"{path.name}: year {found[-1]} taken from the file name")
        return int(found[-1]), None
    if meta.creation_year and 1900 <= meta.creation_year <= 2200:
        notes.append(
            f"{path.name}: no year in the file; placeholder year {meta.creation_year} (when the file "
            f"was written): edit the codebook to set the survey year"
        )
        return int(meta.creation_year), None
    notes.append(f"{path.name}: no year in the file; placeholder year {PLACEHOLDER_YEAR}")
    return PLACEHOLDER_YEAR, None
