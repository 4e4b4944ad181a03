"""Search that ignores case, diacritics and Serbian script: "siguri" finds "sigurí",
"bezbednost" finds "безбедност"."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from barometer.translit import cyrillic_to_latin

_NOT_DECOMPOSED = str.maketrans({"đ": "dj", "Đ": "dj", "ł": "l", "ø": "o", "ß": "ss"})


def fold(text: str) -> str:
    """Lower case, Latin script, no diacritics: the form both query and text are compared in."""
    latin = cyrillic_to_latin(text).translate(_NOT_DECOMPOSED)
    stripped = "".join(
        ch for ch in unicodedata.normalize("NFKD", latin) if not unicodedata.combining(ch)
    )
    return " ".join(stripped.casefold().split())


def matches(query: str, texts: Iterable[str]) -> bool:
    """True when every word of `query` occurs in one of `texts` (after folding)."""
    words = fold(query).split()
    if not words:
        return True
    haystack = " ".join(fold(t) for t in texts)
    return all(word in haystack for word in words)


def search_blob(texts: Iterable[str]) -> str:
    """One string holding texts as written and folded, for a client-side option search."""
    texts = [t for t in texts if t]
    return " ".join(dict.fromkeys(texts + [fold(t) for t in texts]))
