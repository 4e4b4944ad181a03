"""Read one survey file (.sav/.zsav/.por/.dta/.csv) into a DataFrame plus the metadata we use.

SPSS/Stata files go through pyreadstat with `user_missing=True`, so declared user-missing codes
stay visible and the codebook decides what they mean. Dates are never converted (ingest does not
use them, and real files hold dates pyreadstat cannot represent).

Encodings: with none asked for, a file is read in the encoding it declares (a Stata 14+ file is
UTF-8; older .dta files declare none and readstat reads them as cp1252), then as UTF-8, cp1252 and
latin-1; a fallback is reported as a `WarningNote` naming the file and the encoding used. An
encoding asked for (`--encoding`, a source's `encoding:`) is used as given, with no fallback.
"""

from __future__ import annotations

import codecs
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyreadstat

from barometer.ingest.codes import as_number
from barometer.ingest.errors import UnreadableFileError

READABLE_SUFFIXES = (".sav", ".zsav", ".por", ".dta", ".csv")
FALLBACK_ENCODINGS = ("utf-8", "cp1252", "latin1")
"""Tried in turn, after the file's own encoding, when no encoding is asked for."""


class WarningNote(str):
    """A note the reader must see, not only a guess to check: text read in a fallback encoding.
    Command lines print it as a warning, also in ad hoc mode where other notes are not printed."""


@dataclass(frozen=True)
class FileMeta:
    """What we need from a file's metadata, the same shape for every format."""

    columns: tuple[str, ...]
    n_rows: int | None
    variable_labels: Mapping[str, str] = field(default_factory=dict)
    value_labels: Mapping[str, Mapping[Any, str]] = field(default_factory=dict)
    missing_ranges: Mapping[str, tuple[tuple[float, float], ...]] = field(default_factory=dict)
    missing_values: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    formats: Mapping[str, str] = field(default_factory=dict)
    measures: Mapping[str, str] = field(default_factory=dict)
    storage_widths: Mapping[str, int] = field(default_factory=dict)
    mr_sets: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    encoding: str | None = None
    chosen_encoding: str | None = None
    """The encoding the text was read in when not the file's own (asked for, or a fallback)."""
    file_label: str | None = None
    creation_year: int | None = None
    notes: tuple[str, ...] = ()

    def declared_missing(self, variable: str, values: Sequence[Any]) -> np.ndarray:
        """Which of `values` the file declares user-missing for `variable` (ranges, discrete
        values, Stata tagged missings)."""
        flags = np.zeros(len(values), dtype=bool)
        ranges = self.missing_ranges.get(variable, ())
        discrete = set(self.missing_values.get(variable, ()))
        if not ranges and not discrete:
            return flags
        for i, value in enumerate(values):
            if value in discrete:
                flags[i] = True
                continue
            number = as_number(value)
            if number is not None:
                flags[i] = any(lo <= number <= hi for lo, hi in ranges)
            elif isinstance(value, str):
                flags[i] = any(lo == value for lo, _ in ranges)
        return flags


def _reader(path: Path):
    suffix = path.suffix.lower()
    if suffix in (".sav", ".zsav"):
        return pyreadstat.read_sav, True
    if suffix == ".dta":
        return pyreadstat.read_dta, True
    if suffix == ".por":
        return pyreadstat.read_por, False
    raise UnreadableFileError(
        f"{path}: unsupported file type {path.suffix!r} (expected one of {', '.join(READABLE_SUFFIXES)})"
    )


def _is_encoding_problem(exc: Exception) -> bool:
    """readstat's conversion errors (or a declared character set it does not know), and
    pyreadstat's own UTF-8 decoding of unconverted text."""
    if isinstance(exc, UnicodeError):
        return True
    text = str(exc).lower()
    return any(word in text for word in ("encoding", "convert string", "unicode", "codec", "character set"))


def known_encoding(name: str, path: Path) -> str:
    """The codec name of an encoding asked for ("latin-1" -> "iso8859-1", "windows-1252" ->
    "cp1252"), or an error naming the file and the encoding."""
    try:
        return codecs.lookup(name.strip()).name
    except LookupError:
        raise UnreadableFileError(
            f"{path}: unknown encoding {name!r} (expected a name such as utf-8, cp1252, latin-1, "
            f"cp1251 or iso8859-2)"
        ) from None


def read_survey(
    path: Path,
    *,
    columns: Sequence[str] | None = None,
    encoding: str | None = None,
    metadata_only: bool = False,
) -> tuple[pd.DataFrame, FileMeta]:
    """Read `path` (optionally only `columns`); raise `UnreadableFileError` naming the file."""
    if not path.is_file():
        raise UnreadableFileError(f"{path}: file not found")
    if encoding:
        encoding = known_encoding(encoding, path)
    if path.suffix.lower() == ".csv":
        return _read_csv(path, columns=columns, encoding=encoding, metadata_only=metadata_only)
    read, has_user_missing = _reader(path)
    kwargs: dict[str, Any] = {"disable_datetime_conversion": True, "metadataonly": metadata_only}
    if has_user_missing:
        kwargs["user_missing"] = True
    if columns is not None:
        kwargs["usecols"] = list(columns)
    if encoding and has_user_missing:
        attempts: list[str | None] = [encoding]
    else:  # .por files have no encoding to choose
        attempts = [None, *FALLBACK_ENCODINGS] if has_user_missing else [None]
    first: Exception | None = None
    for enc in attempts:
        if enc == "utf-8" and isinstance(first, UnicodeDecodeError):
            continue  # the file's own text was already decoded as UTF-8
        try:
            frame, meta = read(str(path), encoding=enc, **kwargs) if enc else read(str(path), **kwargs)
        except Exception as exc:  # readers raise several types (ReadstatError, OverflowError, ...)
            first = first or exc
            if not _is_encoding_problem(exc):
                break
            continue
        notes = [] if enc in (None, encoding) else [_fallback_warning(path, enc)]
        return frame, _file_meta(meta, chosen=enc, notes=notes)
    if encoding and has_user_missing:
        raise UnreadableFileError(
            f"{path}: cannot read the file as {encoding}, the encoding asked for ({_describe(first)}); "
            f"leave the encoding out to try the file's own, then UTF-8, cp1252 and latin-1"
        ) from None
    raise UnreadableFileError(f"{path}: cannot read the file ({_describe(first)})") from None


_DECLARED = "the encoding the file declares (UTF-8 where it declares none)"


def _fallback_warning(path: Path, encoding: str, expected: str = _DECLARED) -> WarningNote:
    return WarningNote(
        f"{path.name}: text is not valid in {expected}; read as {encoding}. Check accented "
        f"labels; if they look wrong, set the encoding (--encoding, or `encoding:` on the source)"
    )


def _describe(exc: Exception | None) -> str:
    if exc is None:
        return "unknown error"
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def _file_meta(meta: Any, *, chosen: str | None, notes: list[str]) -> FileMeta:
    ranges = {
        var: tuple((_range_end(r["lo"]), _range_end(r["hi"])) for r in spans)
        for var, spans in (getattr(meta, "missing_ranges", None) or {}).items()
    }
    creation = getattr(meta, "creation_time", None)
    return FileMeta(
        columns=tuple(meta.column_names),
        n_rows=getattr(meta, "number_rows", None),
        variable_labels={
            k: v for k, v in (meta.column_names_to_labels or {}).items() if v is not None
        },
        value_labels=dict(meta.variable_value_labels or {}),
        missing_ranges=ranges,
        missing_values={
            k: tuple(v) for k, v in (getattr(meta, "missing_user_values", None) or {}).items()
        },
        formats=dict(getattr(meta, "original_variable_types", None) or {}),
        measures=dict(getattr(meta, "variable_measure", None) or {}),
        storage_widths=dict(getattr(meta, "variable_storage_width", None) or {}),
        mr_sets=dict(getattr(meta, "mr_sets", None) or {}),
        encoding=chosen or getattr(meta, "file_encoding", None),
        chosen_encoding=chosen,
        file_label=getattr(meta, "file_label", None),
        creation_year=getattr(creation, "year", None),
        notes=tuple(notes),
    )


def _range_end(value: Any) -> Any:
    number = as_number(value)
    return number if number is not None else value


def _read_csv(
    path: Path, *, columns: Sequence[str] | None, encoding: str | None, metadata_only: bool
) -> tuple[pd.DataFrame, FileMeta]:
    """A CSV file in the encoding asked for, else UTF-8, then cp1252 and latin-1 (with a warning)."""
    last: Exception | None = None
    for enc in [encoding] if encoding else FALLBACK_ENCODINGS:
        try:
            frame = pd.read_csv(
                path,
                usecols=list(columns) if columns is not None else None,
                nrows=0 if metadata_only else None,
                encoding=enc,
                low_memory=False,
            )
        except UnicodeDecodeError as exc:
            last = exc
            continue
        except (ValueError, OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise UnreadableFileError(f"{path}: cannot read the CSV file ({_describe(exc)})") from None
        fallback = enc not in (encoding, FALLBACK_ENCODINGS[0])
        meta = FileMeta(
            columns=tuple(str(c) for c in frame.columns),
            n_rows=None if metadata_only else len(frame),
            encoding=enc,
            chosen_encoding=enc if encoding or fallback else None,
            notes=(_fallback_warning(path, enc, "UTF-8"),) if fallback else (),
        )
        return frame, meta
    asked = f" as {encoding}, the encoding asked for" if encoding else ""
    raise UnreadableFileError(f"{path}: cannot decode the CSV file{asked} ({_describe(last)})")
