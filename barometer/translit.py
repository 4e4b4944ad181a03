"""Standard Serbian transliteration between Cyrillic and Latin (Vuk Karadžić / Gaj alphabets).

Used where the codebook gives a Serbian text in one script only: the other is derived.
"""

from __future__ import annotations

import re

_CYR_TO_LAT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ђ": "đ", "е": "e", "ж": "ž", "з": "z",
    "и": "i", "ј": "j", "к": "k", "л": "l", "љ": "lj", "м": "m", "н": "n", "њ": "nj", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "ћ": "ć", "у": "u", "ф": "f", "х": "h", "ц": "c",
    "ч": "č", "џ": "dž", "ш": "š",
}  # fmt: skip
for _cyr, _lat in list(_CYR_TO_LAT.items()):
    _CYR_TO_LAT[_cyr.upper()] = _lat[:1].upper() + _lat[1:]

_LAT_TO_CYR = {lat: cyr for cyr, lat in _CYR_TO_LAT.items()}
# Upper-case digraphs in all-caps words (LJUDI, NJEGOŠ, DŽEP).
_LAT_TO_CYR.update({"LJ": "Љ", "NJ": "Њ", "DŽ": "Џ"})
_LAT_PATTERN = re.compile(
    "|".join(sorted((re.escape(k) for k in _LAT_TO_CYR), key=len, reverse=True))
)


def cyrillic_to_latin(text: str) -> str:
    """Serbian Cyrillic to Latin: 'љубав' -> 'ljubav', 'Џеп' -> 'Džep'."""
    out = []
    for i, ch in enumerate(text):
        lat = _CYR_TO_LAT.get(ch, ch)
        if len(lat) == 2 and ch.isupper():
            neighbours = text[i + 1 : i + 2] + text[i - 1 : i] if i else text[i + 1 : i + 2]
            if any(n.isupper() for n in neighbours):
                lat = lat.upper()  # all-caps word: ЊЕГОШ -> NJEGOŠ
        out.append(lat)
    return "".join(out)


def latin_to_cyrillic(text: str) -> str:
    """Serbian Latin to Cyrillic, digraphs lj, nj, dž first: 'njegov' -> 'његов'."""
    return _LAT_PATTERN.sub(lambda m: _LAT_TO_CYR[m.group(0)], text)
