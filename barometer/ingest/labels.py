"""Recognise non-answers from value-label text in several languages (real files rarely declare them
user-missing): "dk" (don't know), "refused" (refused, no answer), and "na", not an answer at all
(not applicable, legal skip, interviewer error, break-off, missing).

A label is a non-answer when it starts with one of the phrases below (after a code such as "-1." or
"(98)") and the phrase ends there or at a separator ("Don't know / can't say", "Refused (do not
read)"), so that answers which merely contain the words stay answers ("They don't know how to report
it", "Refuse to pay bribes", "DK - Denmark"). Languages: English, Albanian, Serbian (Latin and
Cyrillic), German, French, Spanish, Russian (and transliterated), Georgian (and transliterated),
some others for don't know. Phrases are written as they read; they are folded like the labels.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

LabelKind = Literal["dk", "refused", "na"]

_DK = [
    r"(?:i )?don'?t know", r"(?:i )?do not know", r"doesn'?t know", r"does not know", r"not sure",
    r"can'?t say", r"cannot say", r"can'?t tell", r"hard to say", r"difficult to say", r"hard to tell",
    r"can'?t choose", r"cannot choose",
    r"(?:je )?ne sais? pas", r"ne sait pas", r"nuk e di", r"nuk di", r"s'e di", r"ne znam", r"ne zna",
    r"не знам", r"не зна", r"не знаю", r"затрудняюсь ответить", r"трудно сказать", r"ne znayu",
    r"zatrudnyayus'? otvetit'?", r"არ ვიცი", r"ar vici", r"ar vitsi", r"ne vem", r"no sabe",
    r"no se sabe", r"no lo se", r"nao sabe", r"nao sei", r"weiß nicht", r"wei nicht",
    r"kann ich nicht sagen", r"non so", r"non sa", r"bilmiyorum", r"nie wiem", r"nu știu",
    r"weet (?:het )?niet", r"لا أعرف", r"لا يعرف",
]
_DK_SHORT = [r"dk", r"d\.k\.", r"nsp", r"ns", r"nz"]
_REFUSED = [
    r"(?:refus|refuz|declin|odbi|одби|rehus|verweiger)\w*(?: (?:to|da|de|a|te|per t'u|да) "
    r"(?:answer|respond|reply|say|tell|odgovori|odgovara|repondre|responder|contestar|pergjigj\w*|одговори))?",
    r"(?:i )?(?:would )?(?:prefer|rather) not (?:to )?(?:say|answer|respond)",
    r"no answer", r"no response", r"no reply", r"not answered", r"ne repond pas", r"sans reponse",
    r"pas de reponse", r"no responde", r"no contesta", r"se niega\w*(?: a responder)?",
    r"antwort verweigert", r"keine angabe", r"keine antwort", r"nuk pergjigj\w*", r"nuk u pergjigj\w*",
    r"pa pergjigje", r"nuk ka pergjigje", r"bez odgovora", r"nema odgovora", r"nije odgovori\w*",
    r"без одговора", r"нема одговора", r"није одговори\w*", r"отказ\w*(?: от ответа| отвечать)?",
    r"нет ответа", r"otkaz(?: ot otveta)?", r"უარი(?: პასუხზე)?", r"uari(?: pasukhze)?",
    r"رفض\w*",
]
_REFUSED_SHORT = [r"nr", r"nc", r"ra", r"k\.?a\."]
_NA = [
    r"missing", r"skip", r"abandon", r"abandono", r"manquant", r"perdido", r"mungon", r"nedostaje",
    r"недостаје", r"пропуск", r"nuk vlen",
]
_NA_SHORT = [r"n/?a", r"n\.a\.?", r"inap\.?", r"sysmis"]
_NA_OPEN = [
    # English
    r"not applicable", r"inapplicable", r"not asked", r"(?:legal|valid|logical|filter) skip",
    r"skipped", r"interviewer (?:error|mistake)", r"coding error", r"break[- ]?off", r"broke off",
    r"interview (?:broken off|interrupted|terminated)", r"interrupted interview",
    r"system missing", r"missing (?:data|value)", r"no data",
    # Albanian
    r"nuk aplikohet", r"nuk zbatohet", r"gabim i (?:intervistuesit|anketuesit)", r"intervista u nderpre",
    r"nderprerje",
    # Serbian, Latin and Cyrillic
    r"nije primenljivo", r"nije primjenjivo", r"ne odnosi se", r"ne primenjuje se", r"greška anketara",
    r"prekid intervjua", r"prekinut intervju", r"preskočeno", r"није применљиво", r"не односи се",
    r"грешка анкетара", r"прекид интервјуа", r"прекинут интервју", r"прескочено",
    # German
    r"entfällt", r"nicht zutreffend", r"interviewerfehler", r"interview abgebrochen", r"abbruch",
    r"fehlender wert", r"nicht erhoben", r"nicht gefragt",
    # French
    r"sans objet", r"non applicable", r"ne s'applique pas", r"non concerné", r"erreur (?:de l'|d'|de l )?enquêteur",
    r"entretien interrompu", r"valeur manquante", r"question non posée", r"non posée",
    # Spanish
    r"no aplica", r"no aplicable", r"no procede", r"no corresponde", r"error del? entrevistador",
    r"entrevista interrumpida", r"valor perdido", r"sin datos?", r"no se preguntó", r"no preguntado",
    # Russian, and transliterated
    r"не применимо", r"неприменимо", r"не относится", r"ошибка интервьюера", r"прерванное интервью",
    r"интервью прервано", r"пропущено", r"нет данных", r"ne primenimo", r"neprimenimo",
    r"oshibka intervyuera", r"net dannykh",
    # Georgian, and transliterated
    r"არ ეხება", r"ინტერვიუერის შეცდომა", r"ar exeba", r"ar ekheba", r"intervieweris shecdoma",
]

_PREFIX = r"^[\s\"'«“„(\[*\u200e\u200f]*(?:-?\d+(?:\.\d+)?[\])]?[\s.:=)\-–]+)?[\s\"'«“„(\[*]*"
"""Leading quotes, brackets and a code ("-1. ", "(98) ", "8 = ")."""
_SEPARATOR = (
    r"(?=$|\s*[/()\[\],;:.|*+&\-–—]|\s+(?:or|and|ili|ose|dhe|ou|et|o|y|oder|und|или|и)(?!\w))"
)
"""What may follow a phrase: nothing, punctuation, or another alternative ("DK or refused")."""
_SHORT_END = r"(?=$|\s*[/()\[\],;|])"
"""What may follow an abbreviation: not " - " ("DK - Denmark" is a country)."""


def _fold(text: str) -> str:
    """Accents stripped (Cyrillic, Georgian and Arabic letters kept), case folded."""
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).replace("ß", "ss").casefold()


def normalise_label(text: str) -> str:
    """Lower case, accents stripped (Cyrillic and Arabic kept), curly apostrophes made straight."""
    text = _fold(str(text))
    text = text.replace("’", "'").replace("‘", "'").replace("`", "'")
    return " ".join(text.split())


def _pattern(phrases: list[str], end: str) -> re.Pattern[str]:
    return re.compile(_PREFIX + "(?:" + "|".join(_fold(p) for p in phrases) + ")" + end)


_COMPILED: list[tuple[LabelKind, re.Pattern[str]]] = [
    ("dk", _pattern(_DK, _SEPARATOR)),
    ("dk", _pattern(_DK_SHORT, _SHORT_END)),
    ("refused", _pattern(_REFUSED, _SEPARATOR)),
    ("refused", _pattern(_REFUSED_SHORT, _SHORT_END)),
    ("na", _pattern(_NA, _SEPARATOR)),
    ("na", _pattern(_NA_SHORT, _SHORT_END)),
    ("na", _pattern(_NA_OPEN, r"(?!\w)")),
]


def label_kind(text: str | None) -> LabelKind | None:
    """"dk", "refused" or "na" when a value label says so, else None. A label naming two
    ("DK/Refused") counts as the first it names."""
    if not text:
        return None
    norm = normalise_label(text)
    for kind, pattern in _COMPILED:
        if pattern.match(norm):
            return kind
    return None
