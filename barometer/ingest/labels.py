"""Recognise "don't know", "refused" and "not applicable" from value-label text in several
languages: real files rarely declare them as user-missing."""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

LabelKind = Literal["dk", "refused", "na"]

_DK = [
    r"\bdon'?t know\b", r"\bdo not know\b", r"\bdoesn'?t know\b", r"^dk\b", r"\bdk\s*/", r"\(dk\)",
    r"\bnot sure\b", r"\bcan'?t say\b", r"\bcannot say\b", r"\bhard to say\b", r"\bcan'?t choose\b",
    r"\bne sait pas\b", r"^nsp\b", r"\bnuk e di\b", r"\bnuk di\b", r"\bs'?e di\b", r"\bne znam\b",
    r"не знам", r"не знаю", r"\bne vem\b", r"\bno sabe\b", r"\bno se sabe\b", r"\bnao sabe\b",
    r"\bweiss nicht\b", r"\bwei nicht\b", r"\bnon so\b", r"\bnon sa\b", r"\bbilmiyorum\b",
    r"\bnie wiem\b", r"\bnu stiu\b", r"\bweet niet\b", r"لا أعرف", r"لا اعرف", r"لا يعرف",
]
_REFUSED = [
    r"\brefus", r"\brefuz", r"\bdeclin", r"\bodbi", r"одби", r"\bno answer\b", r"\bno response\b",
    r"\bnot answered\b", r"\bprefer not\b", r"\bne repond pas\b", r"\bsans reponse\b", r"\bno responde\b",
    r"\bno contesta\b", r"\bnr\b", r"\bverweigert\b", r"\bkeine angabe\b", r"\bnuk pergjigj",
    r"\bpa pergjigje\b", r"\bbez odgovora\b", r"без одговора", r"\bnije odgovorio\b", r"رفض",
]
_NA = [
    r"\bnot applicable\b", r"^n/?a$", r"^na$", r"\bnot asked\b", r"^missing\b", r"\bmissing data\b",
    r"\bsystem missing\b", r"^sysmis", r"\bskipped\b", r"^inap\b", r"\bno aplica\b", r"\bsans objet\b",
    r"\bnije primenljivo\b", r"\bnuk aplikohet\b", r"\bnuk vlen\b", r"не односи се",
]
_COMPILED: list[tuple[LabelKind, re.Pattern[str]]] = [
    *((("dk"), re.compile(p)) for p in _DK),
    *((("refused"), re.compile(p)) for p in _REFUSED),
    *((("na"), re.compile(p)) for p in _NA),
]


def normalise_label(text: str) -> str:
    """Lower case, accents stripped (Cyrillic and Arabic kept), curly apostrophes made straight."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("’", "'").replace("‘", "'").replace("`", "'").replace("ß", "ss")
    return " ".join(text.casefold().split())


def label_kind(text: str | None) -> LabelKind | None:
    """"dk", "refused" or "na" when a value label says so, else None. A label naming both
    ("DK/Refused") counts as don't know."""
    if not text:
        return None
    norm = normalise_label(text)
    for kind, pattern in _COMPILED:
        if pattern.search(norm):
            return kind
    return None
