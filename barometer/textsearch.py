"""Search that ignores case, diacritics and Serbian script: "siguri" finds "sigurí",
"bezbednost" finds "безбедност". `matches` filters; `SearchIndex` ranks documents (the
codebook's questions: `indicator_index`) by where the words of a query occur."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from barometer.codebook import Codebook
from barometer.translit import cyrillic_to_latin

_NOT_DECOMPOSED = str.maketrans({"đ": "dj", "Đ": "dj", "ł": "l", "ø": "o", "ß": "ss"})
_WORD = re.compile(r"[^\W_]+")
_BLOB_WORD = re.compile(r"\w+")

WHOLE_WORD, PREFIX, INFLECTED = 1.0, 0.8, 0.5
"""How strongly a query word matches a text word: equal, a prefix of it, or equal to it but for
an ending (the query word less its last one or two letters, at least five left, is a prefix:
"policiju" finds "policija", "extremist" finds "extremism")."""
STEM_LENGTH = 5
OTHER_FIELD_BONUS = 0.1
"""Added per further field holding the same word, so a word in the label and the question ranks
above a word in the label alone."""


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
    """The words of texts as written and folded, for a picker's client-side option search:
    lower case, each once, and none that is part of another (that filter, Dash's dropdown, finds
    a typed word in any part of a word, and indexes every part of every word it is given: the
    words of four languages made it the costliest step of a page's start)."""
    words = dict.fromkeys(word for text in texts if text
                          for word in _BLOB_WORD.findall(f"{text} {fold(text)}".lower()))
    kept = ""
    for word in sorted(words, key=len, reverse=True):
        if word not in kept:
            kept += " " + word
    return " ".join(word for word in words if f" {word} " in kept + " ")


def words_of(text: str) -> tuple[str, ...]:
    """The folded words of a text, in order, each once (punctuation splits words)."""
    return tuple(dict.fromkeys(_WORD.findall(fold(text))))


def word_strength(query_word: str, words: Sequence[str] | str) -> float:
    """How well `query_word` matches the best of `words` (0 when none); `words` may be given
    joined as " w1 w2 … " (what `SearchIndex` keeps: one substring test per kind of match)."""
    joined = words if isinstance(words, str) else " " + " ".join(words) + " "
    if f" {query_word} " in joined:
        return WHOLE_WORD
    if f" {query_word}" in joined:
        return PREFIX
    stem = query_word[:max(STEM_LENGTH, len(query_word) - 2)]
    if len(query_word) >= STEM_LENGTH and f" {stem}" in joined:
        return INFLECTED
    return 0.0


@dataclass(frozen=True)
class Hit:
    """A ranked document: `matched` of the query's `asked` words were found (`complete` when
    all), in `fields`; `score` adds each word's best field weight times its strength."""

    key: str
    score: float
    matched: int
    asked: int
    fields: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return self.matched == self.asked


class SearchIndex:
    """Documents (key -> field name -> texts) with their words folded once; `weights` rank the
    fields (a word found in a heavier field counts more)."""

    def __init__(self, documents: Mapping[str, Mapping[str, Iterable[str]]],
                 weights: Mapping[str, float]) -> None:
        self.weights = dict(weights)
        self.documents: dict[str, dict[str, str]] = {
            key: {name: " " + " ".join(dict.fromkeys(
                w for text in texts if text for w in words_of(text))) + " "
                for name, texts in fields.items()}
            for key, fields in documents.items()}

    def search(self, query: str, *, partial: bool = True) -> list[Hit]:
        """Documents holding the query's words, in any order, each word whole, as a prefix or
        inflected. Those holding every word first, then (when `partial`) those holding the most
        words; within each, by score, then in the documents' order."""
        asked = words_of(query)
        if not asked:
            return []
        hits = []
        for key, fields in self.documents.items():
            score, matched, found_in = 0.0, 0, set()
            for word in asked:
                strengths = {name: word_strength(word, words) * self.weights.get(name, 1.0)
                             for name, words in fields.items()}
                found = {name: s for name, s in strengths.items() if s > 0}
                if not found:
                    continue
                matched += 1
                found_in |= set(found)
                score += max(found.values()) + OTHER_FIELD_BONUS * (len(found) - 1)
            if matched == len(asked) or (partial and matched):
                order = tuple(name for name in fields if name in found_in)
                hits.append(Hit(key, round(score, 3), matched, len(asked), order))
        ranked = sorted(enumerate(hits), key=lambda ih: (-ih[1].matched, -ih[1].score, ih[0]))
        return [hit for _, hit in ranked]


INDICATOR_FIELDS: dict[str, float] = {"question": 3.0, "label": 3.0, "keywords": 2.5,
                                      "topic": 2.0, "answers": 1.0}
"""Where a word is looked for in the codebook, and how much a hit there counts: the question and
its short label first."""


def indicator_index(codebook: Codebook) -> SearchIndex:
    """Every indicator's question, short label, keywords (words people search it by, from the
    codebook), topic label and answer labels (categories other than don't know / refused, nets,
    bands) in all four languages."""
    topics = {t.id: t.label for t in codebook.topics}
    documents = {}
    for ind in codebook.indicators:
        answers = [c.label for c in codebook.categories_of(ind) if not c.missing]
        answers += [n.label for n in ind.nets] + [b.label for b in ind.bins]
        topic = topics.get(ind.topic)
        documents[ind.id] = {
            "question": ind.question.all_texts(),
            "label": ind.short.all_texts() if ind.short else [],
            "keywords": ind.keywords.all_texts() if ind.keywords else [],
            "topic": topic.all_texts() if topic else [ind.topic],
            "answers": [text for label in answers for text in label.all_texts()],
        }
    return SearchIndex(documents, INDICATOR_FIELDS)


_INDEXES: dict[str, SearchIndex] = {}


def codebook_index(codebook: Codebook) -> SearchIndex:
    """`indicator_index` of a codebook, built once per codebook content (its fingerprint)."""
    index = _INDEXES.get(codebook.fingerprint)
    if index is None:
        index = _INDEXES.setdefault(codebook.fingerprint, indicator_index(codebook))
    return index
