"""Draft a codebook from survey files' own metadata, so any file can be explored unchanged.

Variable labels become question text, value labels categories; declared user-missing values and
codes whose label reads "don't know" / "refused" (in several languages) become DK/RA categories;
"not applicable"/"missing" codes become missing. Weight, country, year, respondent id, strata and
PSU variables are guessed from their names and checked against the data. Every guess is returned
as a note, and written as comments at the top of the YAML.

Files without a country variable get the placeholder country `ALL` ("All respondents"); without a
year variable or a year in the file name, the year the file was written (from its metadata) stands
in, else 1900. Both are noted: edit the draft to set the real ones.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import ValidationError

from barometer.codebook import Codebook
from barometer.codebook_yaml import codebook_yaml, write_codebook
from barometer.dataset import BASE_COLUMNS
from barometer.ingest.codes import as_number, code_order, codebook_key, is_blank
from barometer.ingest.errors import IngestError
from barometer.ingest.labels import label_kind
from barometer.ingest.readers import FileMeta, read_survey

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
_DEMOGRAPHIC = re.compile(
    r"(^|_)(sex|gender|age|agegr\w*|educ\w*|income|region|urban\w*|rural|urbrur|settlement|religion|"
    r"marital|employ\w*|occupation|ethnic\w*|hhsize|household)(_|$)"
)
_DATE_FORMATS = ("DATE", "ADATE", "EDATE", "SDATE", "JDATE", "DATETIME", "YMDHMS", "TIME", "DTIME",
                 "QYR", "MOYR", "WKYR", "WKDAY", "MONTH", "%T", "%D")
FREE_TEXT_DISTINCT = 30
NUMERIC_UNLABELLED = 10


# -- names and codes -------------------------------------------------------------------------------


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if ord(ch) < 128)


def snake_id(name: str, taken: set[str], fallback: str) -> str:
    """A unique snake_case id from a variable name (never a base column or containing '__')."""
    ident = re.sub(r"[^a-z0-9]+", "_", _ascii(name).lower()).strip("_")
    ident = re.sub(r"_+", "_", ident) or fallback
    if not ident[0].isalpha():
        ident = f"v_{ident}"
    if ident in BASE_COLUMNS:
        ident = f"{ident}_item"
    unique, n = ident, 2
    while unique in taken:
        unique, n = f"{ident}_{n}", n + 1
    taken.add(unique)
    return unique


def _code_of(value: Any, taken: set[str]) -> str:
    """A category code for a source value: 3 -> "3", -1 -> "m1", 1.5 -> "1.5", "yes" -> "yes"."""
    number = as_number(value) if not isinstance(value, str) else None
    if number is not None:
        text = str(int(number)) if number.is_integer() else repr(number)
        text = text.replace("-", "m", 1) if text.startswith("-") else text
    else:
        text = re.sub(r"[^A-Za-z0-9_.+\-]+", "_", _ascii(str(value)).strip()).strip("_.+-") or "s"
    text = text[:40]
    unique, n = text, 2
    while unique in taken:
        unique, n = f"{text}_{n}", n + 1
    taken.add(unique)
    return unique


def _is_date(meta: FileMeta, var: str) -> bool:
    fmt = str(meta.formats.get(var, "")).upper()
    return any(fmt.startswith(prefix) for prefix in _DATE_FORMATS)


# -- one file --------------------------------------------------------------------------------------


@dataclass
class _Item:
    """One drafted indicator as seen in one file."""

    variable: str
    kind: str  # categorical | numeric | multiple
    question: str
    ordinal: bool = False
    labels: dict[Any, str] = field(default_factory=dict)  # source value -> label (ordered)
    missing_kind: dict[Any, str] = field(default_factory=dict)  # source value -> dk/refused
    missing_codes: list[Any] = field(default_factory=list)
    options: dict[str, tuple[str, str]] = field(default_factory=dict)  # option var -> (code, label)
    selected: Any = 1


@dataclass
class _FileDraft:
    path: Path
    source_id: str
    meta: FileMeta
    rows: int
    items: list[_Item]
    roles: dict[str, str]
    countries: list[tuple[Any, str]]  # (value, name) when the file has a country variable
    year: int
    year_variable: str | None
    encoding: str | None
    notes: list[str]


def _numeric_series(series: pd.Series, meta: FileMeta) -> tuple[pd.Series, bool]:
    """The column as floats, and whether it is numeric (strings only as declared missings)."""
    if pd.api.types.is_numeric_dtype(series.dtype):
        return series.astype(float), True
    values = pd.to_numeric(series, errors="coerce")
    odd = series[values.isna() & series.notna()]
    odd = odd[~odd.map(is_blank)]
    declared = set(meta.missing_values.get(series.name, ()))
    numeric = values.notna().any() and all(v in declared for v in odd.unique())
    return values, bool(numeric)


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
        values, numeric = _numeric_series(frame[col], meta)
        if not numeric or len(meta.value_labels.get(col, {})) > 2:
            continue
        positive = values[values > 0]
        if len(positive) < 0.9 * max(1, values.notna().sum()) or positive.empty:
            continue
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
        return col
    notes.append(f"{name}: no weight variable found; every respondent counts 1")
    return None


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


def _year_from(frame: pd.DataFrame, meta: FileMeta, path: Path, exclude: set[str], notes: list[str]) -> tuple[int, str | None]:
    col = _first_match(frame, _YEAR_NAME, exclude)
    if col is not None:
        values, numeric = _numeric_series(frame[col], meta)
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


def _draft_file(path: Path, source_id: str) -> _FileDraft:
    frame, meta = read_survey(path)
    name = path.name
    notes = list(meta.notes)
    encoding = meta.encoding if meta.notes else None
    roles: dict[str, str] = {}
    weight = _guess_weight(frame, meta, notes, name)
    if weight:
        roles["weight"] = weight
    rid = _guess_unique_id(frame, notes, name)
    if rid:
        roles["respondent_id"] = rid
    taken = set(roles.values())
    country_col = _first_match(frame, _COUNTRY_NAME, taken)
    countries: list[tuple[Any, str]] = []
    if country_col is not None:
        countries = _country_values(frame, meta, country_col)
        if countries and frame[country_col].notna().all():
            roles["country_variable"] = country_col
            notes.append(f"{name}: country per respondent from variable {country_col} ({len(countries)} countries)")
        else:
            countries = []
    if not countries:
        notes.append(
            f"{name}: no country variable; placeholder country {PLACEHOLDER_COUNTRY!r} "
            f"(\"All respondents\")"
        )
    taken = set(roles.values())
    year, year_variable = _year_from(frame, meta, path, taken, notes)
    if year_variable:
        roles["year_variable"] = year_variable
    for role, pattern in (("strata", _STRATA_NAME), ("psu", _PSU_NAME)):
        col = _first_match(frame, pattern, set(roles.values()))
        if col is not None:
            roles[role] = col
            notes.append(f"{name}: {role} guessed: {col}")
    items = _draft_items(frame, meta, set(roles.values()), notes, name)
    return _FileDraft(path, source_id, meta, len(frame), items, roles, countries, year, year_variable, encoding, notes)


def _draft_items(frame: pd.DataFrame, meta: FileMeta, roles: set[str], notes: list[str], name: str) -> list[_Item]:
    items: list[_Item] = []
    in_sets: set[str] = set()
    for set_name, mr in meta.mr_sets.items():
        members = [v for v in mr.get("variable_list", []) if v in frame.columns]
        if mr.get("type") != "D" or not members:
            notes.append(f"{name}: multiple-response set {set_name} is a category set; its variables are drafted one by one")
            continue
        codes: set[str] = set()
        options = {
            v: (_code_of(v.lower(), codes), meta.variable_labels.get(v) or v) for v in members
        }
        missing = sorted(
            {codebook_key(k) for v in members for k, lab in meta.value_labels.get(v, {}).items() if label_kind(lab)},
            key=str,
        )
        counted = mr.get("counted_value")
        items.append(
            _Item(set_name, "multiple", mr.get("label") or set_name, options=options,
                  selected=codebook_key(counted) if counted is not None else 1, missing_codes=missing)
        )
        in_sets.update(members)
        notes.append(f"{name}: multiple-response set {set_name} ({len(members)} options) -> one multiple indicator")
    skipped: dict[str, list[str]] = {"date": [], "free-text": [], "empty": []}
    recognised: list[str] = []
    for col in frame.columns:
        if col in roles or col in in_sets:
            continue
        if _is_date(meta, col):
            skipped["date"].append(col)
            continue
        item, why = _draft_variable(frame[col], meta)
        if item is None:
            skipped[why].append(col)
            continue
        from_labels = [
            f"{codebook_key(v)!r} = {item.labels.get(v)}"
            for v, kind in item.missing_kind.items() if v not in _declared(meta, col, [v])
        ]
        if from_labels:
            recognised.append(f"{col} ({', '.join(from_labels[:2])})")
        items.append(item)
    for why, cols in skipped.items():
        if cols:
            notes.append(f"{name}: skipped {len(cols)} {why} variable(s): {', '.join(cols[:10])}{' ...' if len(cols) > 10 else ''}")
    if recognised:
        notes.append(
            f"{name}: don't know / refused recognised from label text (not declared missing) in "
            f"{len(recognised)} variable(s), e.g. {'; '.join(recognised[:3])}"
        )
    return items


def _declared(meta: FileMeta, col: str, values: Sequence[Any]) -> set[Any]:
    flags = meta.declared_missing(col, list(values))
    return {v for v, f in zip(values, flags, strict=True) if f}


def _sort_key(value: Any) -> tuple:
    number = as_number(value) if not isinstance(value, str) else None
    return (number is None, number if number is not None else 0, str(value))


def _draft_variable(series: pd.Series, meta: FileMeta) -> tuple[_Item | None, str]:
    col = str(series.name)
    labels = dict(meta.value_labels.get(col, {}))
    question = str(meta.variable_labels.get(col) or col)
    values, numeric = _numeric_series(series, meta)
    present = [v for v in pd.unique(series.dropna()) if not is_blank(v)]
    if not present:
        return None, "empty"
    declared = _declared(meta, col, present + list(labels))
    special: dict[Any, str] = {}
    for value in [*labels, *present]:
        kind = label_kind(labels.get(value))
        if kind is None and value in declared:
            kind = "dk"
        if kind is not None:
            special[value] = kind
    if numeric:
        present = [v for v in present if as_number(v) is not None or v in special or v in declared]
        substantive = [v for v in labels if v not in special]
        labelled_numbers = {as_number(k) for k in labels}
        unlabelled = [v for v in present if as_number(v) not in labelled_numbers and v not in declared]
        if not substantive or (len(unlabelled) > NUMERIC_UNLABELLED and len(unlabelled) > len(substantive)):
            missing = sorted({codebook_key(v) for v in special if not isinstance(v, str)}, key=_sort_key)
            return _Item(col, "numeric", question, missing_codes=missing), ""
    elif not labels:
        text = series[series.notna()].astype(str)
        distinct = len(present)
        if distinct > FREE_TEXT_DISTINCT or distinct > 0.5 * max(1, len(text)) or text.str.len().max() > 60:
            return None, "free-text"
    item = _Item(col, "categorical", question, ordinal=meta.measures.get(col) == "ordinal")
    for value in sorted({*labels, *present}, key=_sort_key):
        if value not in labels and any(as_number(k) == as_number(value) for k in labels if not isinstance(value, str)):
            continue  # same code, e.g. 1 (int label) and 1.0 (float value)
        kind = special.get(value)
        if kind == "na":
            item.missing_codes.append(codebook_key(value))
            continue
        item.labels[value] = str(labels.get(value, codebook_key(value)))
        if kind is not None:
            item.missing_kind[value] = kind
    if not item.labels:
        return _Item(col, "numeric", question, missing_codes=item.missing_codes) if numeric else None, "empty"
    return item, ""


# -- all files -> one codebook ---------------------------------------------------------------------


def _country_code(name: str, taken: set[str]) -> str:
    match = re.match(r"^\s*([A-Z]{2,3})\b\s*[-–:(]", name) or re.match(r"^\s*([A-Za-z]{2,3})\s*$", name)
    code = match.group(1).upper() if match else re.sub(r"[^A-Z0-9]+", "_", _ascii(name).upper()).strip("_")[:24]
    code = code or "C"
    unique, n = code, 2
    while unique in taken:
        unique, n = f"{code}_{n}", n + 1
    taken.add(unique)
    return unique


def draft_codebook(paths: Sequence[Path]) -> tuple[Codebook, list[str]]:
    """A codebook for `paths` drafted from their metadata, and notes on what was guessed.

    Source files are recorded as absolute paths; `codebook_yaml(..., relative_to=)` rewrites
    them relative to where the YAML is written.
    """
    paths = [Path(p).resolve() for p in paths]
    if not paths:
        raise IngestError("no files given to draft a codebook from")
    notes: list[str] = []
    source_ids: set[str] = set()
    drafts = []
    for path in paths:
        sid = re.sub(r"[^A-Za-z0-9_.\-]+", "_", _ascii(path.stem)) or "source"
        unique, n = sid, 2
        while unique in source_ids:
            unique, n = f"{sid}_{n}", n + 1
        source_ids.add(unique)
        draft = _draft_file(path, unique)
        drafts.append(draft)
        notes.extend(draft.notes)

    countries: dict[str, dict[str, Any]] = {}
    codes_taken: set[str] = set()
    by_name: dict[str, str] = {}
    sources: list[dict[str, Any]] = []
    for draft in drafts:
        file_countries = []
        for _, cname in draft.countries:
            if cname.casefold() not in by_name:
                code = _country_code(cname, codes_taken)
                by_name[cname.casefold()] = code
                countries[code] = {"name": {"en": cname}}
            file_countries.append(by_name[cname.casefold()])
        country = file_countries[0] if file_countries else PLACEHOLDER_COUNTRY
        if country == PLACEHOLDER_COUNTRY and PLACEHOLDER_COUNTRY not in countries:
            countries[PLACEHOLDER_COUNTRY] = {"name": {"en": "All respondents"}}
            codes_taken.add(PLACEHOLDER_COUNTRY)
        source = {"id": draft.source_id, "country": country, "year": draft.year, "file": str(draft.path)}
        source.update(draft.roles)
        if draft.encoding:
            source["encoding"] = draft.encoding
        sources.append(source)
    # (country, year) must be unique per source: files that collide get a country of their own
    seen: set[tuple[str, int]] = set()
    for source in sources:
        pair = (source["country"], source["year"])
        if pair in seen:
            code = _country_code(source["id"].upper(), codes_taken)
            countries[code] = {"name": {"en": source["id"]}}
            notes.append(
                f"{Path(source['file']).name}: same country and year as another file; given its own "
                f"country code {code}"
            )
            source["country"] = code
        seen.add((source["country"], source["year"]))

    indicators = _merge_items(drafts)
    topics = [{"id": "questions", "label": {"en": "Questions"}}]
    if any(ind.get("demographic") for ind in indicators):
        topics.append({"id": "demographics", "label": {"en": "Demographics"}})
    first = drafts[0]
    dataset_id = snake_id(first.path.stem, set(), "survey")
    title = first.meta.file_label or ", ".join(p.name for p in paths)
    raw = {
        "dataset": {
            "id": dataset_id,
            "title": {"en": f"{title} (draft codebook)"},
            "source_note": {"en": "Codebook drafted by `barometer codebook init` from the files' own "
                            "metadata; check the guesses listed at the top of the YAML."},
        },
        "countries": countries,
        "topics": topics,
        "sources": sources,
        "indicators": indicators,
    }
    try:
        return Codebook.model_validate(raw), notes
    except ValidationError as exc:  # a bug here, not in the files: say what it was
        raise IngestError(f"drafting a codebook for {', '.join(map(str, paths))} failed: {exc}") from None


def _merge_items(drafts: list[_FileDraft]) -> list[dict[str, Any]]:
    """One indicator per (variable name, kind) across files, categories merged by code."""
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    ids: set[str] = set()
    cat_taken: dict[tuple[str, str], set[str]] = {}
    value_code: dict[tuple[str, str], dict[Any, str]] = {}
    for draft in drafts:
        for item in draft.items:
            key = (item.variable.lower(), item.kind)
            if key not in merged:
                ident = snake_id(item.variable, ids, "item")
                demographic = bool(_DEMOGRAPHIC.search(ident)) or bool(_DEMOGRAPHIC.search(
                    re.sub(r"[^a-z0-9]+", "_", _ascii(item.question).lower())))
                merged[key] = {
                    "id": ident,
                    "topic": "demographics" if demographic else "questions",
                    "type": {"numeric": "numeric", "multiple": "multiple"}.get(
                        item.kind, "ordinal" if item.ordinal else "single"),
                    "question": {"en": item.question},
                    "demographic": demographic,
                    "categories": [],
                    "sources": {},
                }
                cat_taken[key] = set()
                value_code[key] = {}
            ind = merged[key]
            smap: dict[str, Any] = {}
            if item.kind == "multiple":
                variables = {}
                for var, (code, label) in item.options.items():
                    if code not in {c["code"] for c in ind["categories"]}:
                        ind["categories"].append({"code": code, "label": {"en": label}})
                        cat_taken[key].add(code)
                    variables[code] = var
                smap = {"variables": variables, "selected": item.selected}
            elif item.kind == "numeric":
                smap = {"variable": item.variable}
            else:
                codes = {}
                for value, label in item.labels.items():
                    vkey = codebook_key(value)
                    code = value_code[key].get(vkey)
                    if code is None:
                        code = _code_of(value, cat_taken[key])
                        value_code[key][vkey] = code
                        cat = {"code": code, "label": {"en": label}}
                        if value in item.missing_kind:
                            cat["missing"] = item.missing_kind[value]
                        ind["categories"].append(cat)
                    codes[vkey] = code
                smap = {"variable": item.variable, "codes": codes}
            if item.missing_codes:
                smap["missing_codes"] = list(item.missing_codes)
            ind["sources"][draft.source_id] = smap
    out = []
    for ind in merged.values():
        cats = ind["categories"]
        # substantive categories first, then don't know, then refused (each in code order)
        rank = {None: 0, "dk": 1, "refused": 2}
        ind["categories"] = sorted(cats, key=lambda c: rank[c.get("missing")])
        if ind["type"] == "numeric":
            ind["categories"] = []
        out.append(ind)
    return out


__all__ = ["codebook_yaml", "draft_codebook", "snake_id", "write_codebook"]
