"""Readable ids and codes for a drafted codebook, made from whatever a file names things in:
snake_case indicator ids and category, country and source codes, each unique among its kind."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from barometer.dataset import BASE_COLUMNS, REPLICATE_PREFIX
from barometer.ingest.codes import as_number
from barometer.textsearch import fold
from barometer.translit import cyrillic_to_latin


def ascii_text(text: str) -> str:
    """`text` in ASCII with its case kept, folded by the project's search folding
    (`textsearch.fold`): Serbian Cyrillic transliterated, đ -> dj, diacritics stripped; characters
    with no Latin form (other scripts) are dropped. "Đakovica" -> "Djakovica", "Србија" -> "Srbija".
    """
    latin = cyrillic_to_latin(text)
    out = []
    for i, ch in enumerate(latin):
        if ch.isascii() or ch.isspace():
            out.append(ch if ch.isascii() else " ")
            continue
        folded = fold(ch)  # lower case: give an upper-case letter its case back
        if ch.isupper():
            folded = folded.upper() if _in_capitals(latin, i) else folded.capitalize()
        out.append(folded)
    return "".join(ch for ch in "".join(out) if ch.isascii())


def _in_capitals(text: str, i: int) -> bool:
    """Whether the letter at `i` stands in an all-caps word (ĐAKOVICA -> DJAKOVICA)."""
    return any(ch.isupper() for ch in text[max(i - 1, 0) : i] + text[i + 1 : i + 2])


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
    if ident in BASE_COLUMNS or ident == REPLICATE_PREFIX.rstrip("_"):
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
