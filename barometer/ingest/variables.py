"""Draft one file's variables as indicators: value labels of the codes chosen become categories;
don't know / refused come from declared user-missing values or label text, and non-answers (not
applicable, legal skip, interviewer error, break-off, ...) become missing codes, never categories;
labelled codes nobody chose are left out (no empty categories); numeric, free-text, date and empty
variables are told apart; an SPSS multiple-response set becomes one multiple indicator."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from barometer.ingest.codes import as_number, codebook_key, is_blank, numeric_column
from barometer.ingest.labels import label_kind
from barometer.ingest.naming import category_code
from barometer.ingest.readers import FileMeta

FREE_TEXT_DISTINCT = 30
"""An unlabelled text variable with more distinct answers than this is free text."""
NUMERIC_UNLABELLED = 10
"""A numeric variable with more unlabelled values than this (and than labelled ones) is numeric."""
_DATE_FORMATS = ("DATE", "ADATE", "EDATE", "SDATE", "JDATE", "DATETIME", "YMDHMS", "TIME", "DTIME",
                 "QYR", "MOYR", "WKYR", "WKDAY", "MONTH", "%T", "%D")


@dataclass(frozen=True)
class DraftItem:
    """One drafted indicator as seen in one file."""

    variable: str
    kind: str  # categorical | numeric | multiple
    question: str
    ordinal: bool = False
    labels: dict[Any, str] = field(default_factory=dict)  # source value -> label (ordered)
    missing_kind: dict[Any, str] = field(default_factory=dict)  # source value -> dk/refused
    missing_codes: list[Any] = field(default_factory=list)
    non_answers: dict[Any, str] = field(default_factory=dict)  # chosen "na" value -> label, for notes
    unchosen: dict[Any, str] = field(default_factory=dict)  # labelled value nobody chose -> label
    options: dict[str, tuple[str, str]] = field(default_factory=dict)  # option var -> (code, label)
    selected: Any = 1


def draft_items(
    frame: pd.DataFrame, meta: FileMeta, roles: set[str], notes: list[str], name: str
) -> list[DraftItem]:
    """An item for every variable of the file that is not a role, a date, free text or empty;
    what was skipped or recognised from label text goes to `notes`."""
    items, in_sets = _multiple_response_sets(frame, meta, notes, name)
    skipped: dict[str, list[str]] = {"date": [], "free-text": [], "empty": []}
    recognised: list[str] = []
    non_answers: list[str] = []
    unchosen: list[str] = []
    for col in frame.columns:
        if col in roles or col in in_sets:
            continue
        if is_date_variable(meta, col):
            skipped["date"].append(col)
            continue
        item, why = draft_variable(frame[col], meta)
        if item is None:
            skipped[why].append(col)
            continue
        from_labels = [
            f"{codebook_key(v)!r} = {item.labels.get(v)}"
            for v in item.missing_kind if v not in _declared(meta, col, [v])
        ]
        if from_labels:
            recognised.append(f"{col} ({', '.join(from_labels[:2])})")
        if item.non_answers:
            non_answers.append(f"{col} ({_listed(item.non_answers)})")
        if item.unchosen:
            unchosen.append(f"{col} ({_listed(item.unchosen)})")
        items.append(item)
    for why, cols in skipped.items():
        if cols:
            notes.append(
                f"{name}: skipped {len(cols)} {why} variable(s) ({_NOT_ANALYSED[why]}): "
                f"{', '.join(cols[:10])}{' ...' if len(cols) > 10 else ''}"
            )
    if recognised:
        notes.append(
            f"{name}: don't know / refused recognised from label text (not declared missing) in "
            f"{len(recognised)} variable(s), e.g. {'; '.join(recognised[:3])}"
        )
    if non_answers:
        notes.append(
            f"{name}: non-answers (not applicable, skip, interviewer error, break-off, missing) made "
            f"missing codes, never answers nor in a base, in {len(non_answers)} variable(s), e.g. "
            f"{'; '.join(non_answers[:3])}"
        )
    if unchosen:
        notes.append(
            f"{name}: labelled codes nobody chose left out (no empty categories) in {len(unchosen)} "
            f"variable(s), e.g. {'; '.join(unchosen[:3])}"
        )
    return items


_NOT_ANALYSED = {"date": "dates are not analysed", "free-text": "free text is not analysed",
                 "empty": "no answers"}


def _listed(labels: dict[Any, str], most: int = 3) -> str:
    """"-5 = Break off, -3 = Interviewer error" (at most `most`, then "...")."""
    shown = [f"{codebook_key(v)!r} = {lab}" for v, lab in list(labels.items())[:most]]
    return ", ".join(shown) + (", ..." if len(labels) > most else "")


def _multiple_response_sets(
    frame: pd.DataFrame, meta: FileMeta, notes: list[str], name: str
) -> tuple[list[DraftItem], set[str]]:
    """One multiple item per dichotomy set the file declares, and the variables they took."""
    items: list[DraftItem] = []
    in_sets: set[str] = set()
    for set_name, mr in meta.mr_sets.items():
        members = [v for v in mr.get("variable_list", []) if v in frame.columns]
        if mr.get("type") != "D" or not members:
            notes.append(f"{name}: multiple-response set {set_name} is a category set; its variables are drafted one by one")
            continue
        codes: set[str] = set()
        options = {
            v: (category_code(v.lower(), codes), meta.variable_labels.get(v) or v) for v in members
        }
        missing = sorted(
            {codebook_key(k) for v in members for k, lab in meta.value_labels.get(v, {}).items() if label_kind(lab)},
            key=str,
        )
        counted_value = mr.get("counted_value")
        items.append(
            DraftItem(set_name, "multiple", mr.get("label") or set_name, options=options,
                      selected=codebook_key(counted_value) if counted_value is not None else 1,
                      missing_codes=missing)
        )
        in_sets.update(members)
        notes.append(f"{name}: multiple-response set {set_name} ({len(members)} options) -> one multiple indicator")
    return items, in_sets


def is_date_variable(meta: FileMeta, var: str) -> bool:
    """A date or time variable, by its SPSS or Stata display format (dates are not analysed)."""
    fmt = str(meta.formats.get(var, "")).upper()
    return any(fmt.startswith(prefix) for prefix in _DATE_FORMATS)


def _declared(meta: FileMeta, col: str, values: Sequence[Any]) -> set[Any]:
    flags = meta.declared_missing(col, list(values))
    return {v for v, f in zip(values, flags, strict=True) if f}


def _sort_key(value: Any) -> tuple:
    """Numbers in numeric order, then strings (a numeric-looking string stays a string here)."""
    number = as_number(value) if not isinstance(value, str) else None
    return (number is None, number if number is not None else 0, str(value))


@dataclass(frozen=True)
class _Observed:
    """What one variable's metadata and values say, gathered once for the decisions below."""

    name: str
    question: str
    labels: dict[Any, str]
    present: list[Any]
    """Distinct non-blank values (of a numeric variable: numbers and special or declared codes)."""
    declared: set[Any]
    special: dict[Any, str]
    """Value -> "dk" / "refused" / "na", from label text or a declared user-missing value."""
    numeric: bool
    ordinal: bool


def draft_variable(series: pd.Series, meta: FileMeta) -> tuple[DraftItem | None, str]:
    """The item for one variable, or None and why not ("free-text" or "empty")."""
    seen = _observe(series, meta)
    if seen is None:
        return None, "empty"
    if seen.numeric and _reads_as_numeric(seen):
        missing = sorted({codebook_key(v) for v in seen.special if not isinstance(v, str)}, key=_sort_key)
        return DraftItem(seen.name, "numeric", seen.question, missing_codes=missing), ""
    if not seen.numeric and not seen.labels and _is_free_text(series, seen.present):
        return None, "free-text"
    return _categorical(seen)


def _observe(series: pd.Series, meta: FileMeta) -> _Observed | None:
    col = str(series.name)
    labels = dict(meta.value_labels.get(col, {}))
    _, numeric = numeric_column(series, meta)
    present = [v for v in pd.unique(series.dropna()) if not is_blank(v)]
    if not present:
        return None
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
    question = str(meta.variable_labels.get(col) or col)
    ordinal = meta.measures.get(col) == "ordinal"
    return _Observed(col, question, labels, present, declared, special, numeric, ordinal)


def _reads_as_numeric(seen: _Observed) -> bool:
    """A numeric variable is numeric, not categorical, when it has no substantive value labels or
    many more unlabelled values than labelled ones (age with 98 = "don't know")."""
    substantive = [v for v in seen.labels if v not in seen.special]
    labelled_numbers = {as_number(k) for k in seen.labels}
    unlabelled = [v for v in seen.present if as_number(v) not in labelled_numbers and v not in seen.declared]
    return not substantive or (len(unlabelled) > NUMERIC_UNLABELLED and len(unlabelled) > len(substantive))


def _is_free_text(series: pd.Series, present: list[Any]) -> bool:
    text = series[series.notna()].astype(str)
    distinct = len(present)
    return distinct > FREE_TEXT_DISTINCT or distinct > 0.5 * max(1, len(text)) or text.str.len().max() > 60


def _same_code_labelled(value: Any, labels: dict[Any, str]) -> bool:
    """An unlabelled number whose code has a label under another type (1.0 value, 1 label)."""
    if value in labels or isinstance(value, str):
        return False
    return any(as_number(k) == as_number(value) for k in labels)


def _categorical(seen: _Observed) -> tuple[DraftItem | None, str]:
    """Categories from the labels of codes chosen and unlabelled values present; "na" codes become
    missing codes; labelled codes nobody chose are left out. With no category left, a numeric
    variable is numeric and any other empty."""
    labels: dict[Any, str] = {}
    missing_kind: dict[Any, str] = {}
    missing_codes: list[Any] = []
    non_answers: dict[Any, str] = {}
    unchosen: dict[Any, str] = {}
    chosen = _Chosen(seen.present)
    for value in sorted({*seen.labels, *seen.present}, key=_sort_key):
        if _same_code_labelled(value, seen.labels):
            continue
        label = str(seen.labels.get(value, codebook_key(value)))
        if not chosen(value):
            unchosen[value] = label
            continue
        kind = seen.special.get(value)
        if kind == "na":
            missing_codes.append(codebook_key(value))
            non_answers[value] = label
            continue
        labels[value] = label
        if kind is not None:
            missing_kind[value] = kind
    if not labels:
        numeric = DraftItem(seen.name, "numeric", seen.question, missing_codes=missing_codes,
                            non_answers=non_answers)
        return (numeric if seen.numeric else None), "empty"
    item = DraftItem(seen.name, "categorical", seen.question, ordinal=seen.ordinal, labels=labels,
                     missing_kind=missing_kind, missing_codes=missing_codes, non_answers=non_answers,
                     unchosen=unchosen)
    return item, ""


class _Chosen:
    """Whether anyone chose a value: the values present, numbers compared as numbers (a label
    keyed 1 is chosen by a value 1.0)."""

    def __init__(self, present: list[Any]) -> None:
        self._texts = {v for v in present if isinstance(v, str)}
        self._numbers = {as_number(v) for v in present if not isinstance(v, str)}

    def __call__(self, value: Any) -> bool:
        if isinstance(value, str):
            return value in self._texts
        return as_number(value) in self._numbers
