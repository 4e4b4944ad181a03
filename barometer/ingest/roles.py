"""Guess what a file's variables are for, from their names, labels and data: weight, respondent
id, country, year, and the sample design (strata, PSUs, replicate weights). Every guess and every
placeholder is written to the notes."""

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
_STRATA_NAME = re.compile(r"^(strata|stratum|strat|str|stratum_?(id|code|no)|strata_?(id|code)|shtresa|"
                          r"stratifikacija|sample_?stratum|var_?strat\w*)$")
_STRATA_LABEL = re.compile(r"\b(strat(um|a|ification)|shtres[aë]|stratifikacij\w*)\b")
_PSU_NAME = re.compile(r"^(psu|psu_?(id|code|no)|psucode|cluster|cluster_?(id|no)|clust|ea|ea_?(id|code|no)|"
                       r"enumeration_?area|sampling_?point|sp_?(id|code)|segment|var_?psu|secu)$")
_PSU_LABEL = re.compile(r"\b(psu|primary sampling unit|cluster|enumeration area|sampling point|"
                        r"pika e kampionimit|ta[cč]ka uzorka|njësia parësore)\b")
_REPLICATE_STEM = re.compile(r"^(?P<stem>(rep_?wt|repw|rep_?weight|wt_?rep|rwgt|rw|rep|brr_?w?t?|jk_?w?t?|jkw|"
                             r"bsw|boot_?w?t?|pwgtp|wgtp|sdr_?w?t?)_?)(?P<number>\d{1,3})$")
_REPLICATE_LABEL = re.compile(r"replicat\w* weight|jackknife|bootstrap weight|brr weight")
_REPLICATE_METHOD = (  # (pattern over the stem and labels, method); Census ACS pwgtp/wgtp are SDR
    (re.compile(r"brr|balanced repeated"), "brr"),
    (re.compile(r"^(pwgtp|wgtp)|sdr|successive.difference"), "sdr"),
    (re.compile(r"boot|bsw"), "bootstrap"),
    (re.compile(r"jk|jackknife"), "jk1"),
)


@dataclass(frozen=True)
class FileRoles:
    """What the roles of one file were guessed to be."""

    variables: dict[str, str]
    """Role -> variable, keyed like `Source` fields (weight, respondent_id, country_variable, ...)."""
    countries: list[tuple[Any, str]]
    """(value, name) of each country when the file has a country variable, else empty."""
    year: int
    """The survey year (the first one when the year is per respondent)."""
    design: dict[str, Any] | None = None
    """A replicate design guessed from replicate weights (their method recognised), else None."""
    design_variables: tuple[str, ...] = ()
    """Variables of the sample design that are not questions (replicate weights)."""

    @property
    def role_variables(self) -> set[str]:
        """Every variable that plays a role (none of them is drafted as a question)."""
        return set(self.variables.values()) | set(self.design_variables)

    @property
    def source_fields(self) -> dict[str, Any]:
        """The roles as `Source` fields (the design under `design`)."""
        return {**self.variables, **({"design": self.design} if self.design else {})}


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
    for role, pattern, label in (("strata", _STRATA_NAME, _STRATA_LABEL), ("psu", _PSU_NAME, _PSU_LABEL)):
        col = _design_variable(frame, meta, pattern, label, set(roles.values()))
        if col is not None:
            roles[role] = col
            described = meta.variable_labels.get(col)
            notes.append(f"{name}: {role} guessed: {col}" + (f" ({described})" if described else ""))
    design, replicates = _guess_replicates(frame, meta, set(roles.values()), notes, name)
    if design is not None:
        for role in ("strata", "psu"):
            if role in roles:
                notes.append(f"{name}: {role} variable {roles.pop(role)} not declared: the replicate weights "
                             f"carry the design")
    return FileRoles(roles, countries, year, design, tuple(replicates))


def _design_variable(frame: pd.DataFrame, meta: FileMeta, name: re.Pattern[str], label: re.Pattern[str],
                     exclude: set[str]) -> str | None:
    """A stratum or PSU variable by its name, else by its label; it must have a few codes at
    least and repeat them (a PSU or stratum holds several respondents)."""
    by_name = [c for c in frame.columns if name.match(c.lower()) and c not in exclude]
    by_label = [c for c in frame.columns if c not in exclude and c not in by_name
                and label.search(str(meta.variable_labels.get(c, "")).lower())]
    for col in by_name + by_label:
        values = frame[col].dropna()
        if 1 < values.nunique() < max(2, len(values)) and len(values) == len(frame):
            return col
    return None


def _guess_replicates(frame: pd.DataFrame, meta: FileMeta, exclude: set[str], notes: list[str],
                      name: str) -> tuple[dict[str, Any] | None, list[str]]:
    """Replicate weights: two or more numeric variables named stem + number (repwt1, rep_wt_2,
    pwgtp80, ...) or labelled as replicate weights. A replicate design is proposed when the stem
    or the labels say which method made them; otherwise the note says how to declare one."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for col in frame.columns:
        match = _REPLICATE_STEM.match(col.lower())
        labelled = _REPLICATE_LABEL.search(str(meta.variable_labels.get(col, "")).lower())
        if col in exclude or not (match or labelled):
            continue
        stem = match.group("stem") if match else "(labelled)"
        number = int(match.group("number")) if match else len(groups.get(stem, ())) + 1
        groups.setdefault(stem, []).append((number, col))
    groups = {stem: sorted(cols) for stem, cols in groups.items() if len(cols) >= 2}
    if not groups:
        return None, []
    stem, cols = max(groups.items(), key=lambda item: len(item[1]))
    names = [col for _, col in cols]
    numeric = all(numeric_column(frame[c], meta)[1] for c in names)
    if not numeric:
        return None, []
    words = " ".join([stem] + [str(meta.variable_labels.get(c, "")) for c in names]).lower()
    method = next((m for pattern, m in _REPLICATE_METHOD if pattern.search(words)), None)
    pattern = (re.escape(names[0][: len(stem)]) + "[0-9]+") if stem != "(labelled)" else None
    repweights: Any = pattern if pattern and all(re.fullmatch(pattern, c) for c in names) else names
    shown = f"{names[0]} … {names[-1]} ({len(names)})"
    if method is None:
        notes.append(
            f"{name}: replicate weights found: {shown}; their method is not in their names or labels, so "
            f"no replicate design is declared: add design: {{type: replicate, repweights: "
            f"{repweights if isinstance(repweights, str) else names[:2] + ['…']}, method: brr, jk1, jkn, "
            f"bootstrap or sdr}} to the source")
        return None, names
    by_name = next((m for pattern, m in _REPLICATE_METHOD if pattern.search(stem)), None) == method
    notes.append(f"{name}: replicate weights guessed: {shown}, method {method} (from "
                 f"{'their names' if by_name else 'their labels'}); check it and scale/rscales against the "
                 f"survey's documentation")
    return {"type": "replicate", "repweights": repweights, "method": method}, names


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
