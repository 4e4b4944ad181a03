"""Readable ids and codes for a drafted codebook, made from whatever a file names things in:
snake_case indicator ids and category, country and source codes, each unique among its kind."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

from barometer.dataset import BASE_COLUMNS
from barometer.ingest.codes import as_number


def ascii_text(text: str) -> str:
    """`text` in ASCII letters, case kept."""
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if ord(ch) < 128)


def snake_words(text: str) -> str:
    """Lower-case ASCII words joined by "_": "Age group (years)" -> "age_group_years_"."""
    return re.sub(r"[^a-z0-9]+", "_", ascii_text(text).lower())


def _unique(code: str, taken: set[str]) -> str:
    """`code`, or `code_2`, `code_3`, ... when taken; the result is added to `taken`."""
    unique, n = code, 2
    while unique in taken:
        unique, n = f"{code}_{n}", n + 1
    taken.add(unique)
    return unique


def snake_id(name: str, taken: set[str], fallback: str) -> str:
    """A unique snake_case id from a variable name (never a base column or containing '__')."""
    ident = re.sub(r"_+", "_", snake_words(name).strip("_")) or fallback
    if not ident[0].isalpha():
        ident = f"v_{ident}"
    if ident in BASE_COLUMNS:
        ident = f"{ident}_item"
    return _unique(ident, taken)


def category_code(value: Any, taken: set[str]) -> str:
    """A category code for a source value: 3 -> "3", -1 -> "m1", 1.5 -> "1.5", "yes" -> "yes"."""
    number = as_number(value) if not isinstance(value, str) else None
    if number is not None:
        text = str(int(number)) if number.is_integer() else repr(number)
        text = text.replace("-", "m", 1) if text.startswith("-") else text
    else:
        text = re.sub(r"[^A-Za-z0-9_.+\-]+", "_", ascii_text(str(value)).strip()).strip("_.+-") or "s"
    return _unique(text[:40], taken)


def country_code(name: str, taken: set[str]) -> str:
    """A country code from its name: a leading ISO-like code ("AL - Albania", "xk") when there is
    one, else the name in capitals ("KOSOVO")."""
    match = re.match(r"^\s*([A-Z]{2,3})\b\s*[-–:(]", name) or re.match(r"^\s*([A-Za-z]{2,3})\s*$", name)
    code = match.group(1).upper() if match else re.sub(r"[^A-Z0-9]+", "_", ascii_text(name).upper()).strip("_")[:24]
    return _unique(code or "C", taken)


def source_id(path: Path, taken: set[str]) -> str:
    """A source id from a file name: "AL_2021.sav" -> "AL_2021"."""
    return _unique(re.sub(r"[^A-Za-z0-9_.\-]+", "_", ascii_text(path.stem)) or "source", taken)
