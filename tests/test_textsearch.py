"""Search ignores case, diacritics and Serbian script, and needs every word of the query; the
ranked search finds codebook questions by words in any of the four languages."""

from __future__ import annotations

import re

import pytest

from barometer.textsearch import (
    INFLECTED,
    PREFIX,
    WHOLE_WORD,
    SearchIndex,
    fold,
    indicator_index,
    matches,
    search_blob,
    word_strength,
)

FINDS = [  # (query, texts searched): the query must find them
    ("siguri", ["sigurí"]),
    ("bezbednost", ["Безбедност у заједници"]),
    ("korupcija", ["корупција"]),
    ("KORUPCIJA", ["Korupcija je raširena"]),
    ("Корупција", ["korupcija"]),
    ("korrupsion", ["Korrupsioni në gjyqësor"]),
    ("kercenim", ["Kërcënimet e sigurisë"]),
    ("besim", ["Besimi në policinë"]),
    ("ceka", ["čeka", "ćeka"]),
    ("djordje", ["Ђорђе"]),
    ("Đorđe", ["Djordje"]),
    ("zena", ["Жена"]),
    ("pretnje", ["Претње и безбедност"]),
    ("polic", ["Trust in the police"]),
    ("korupc polic", ["Korupcija u policiji"]),
    ("trust polic", ["Trust in the army", "Поверење у полицију"]),
    ("  ", ["anything"]),
]

MISSES = [  # (query, texts searched): the query must not find them
    ("bezbednost", ["корупција"]),
    ("korupcija vojska", ["korupcija u policiji"]),
    ("siguri", ["Besimi në policinë"]),
    ("polic", []),
]


@pytest.mark.parametrize(("query", "texts"), FINDS)
def test_finds(query, texts):
    assert matches(query, texts)


@pytest.mark.parametrize(("query", "texts"), MISSES)
def test_misses(query, texts):
    assert not matches(query, texts)


def test_fold():
    assert fold("  Sigurí  NË\tBallkan ") == "siguri ne ballkan"
    assert fold("ЉУБАВ и Његош") == "ljubav i njegos"
    assert fold("Đorđe") == fold("Ђорђе") == fold("Djordje") == "djordje"


def dropdown_filter_finds(query: str, blob: str) -> bool:
    """Dash's dropdown filter, as its code does it (js-search indexing every part of every word,
    lower case): each word typed is part of some word of the option."""
    words = blob.lower().split()
    return all(any(typed in word for word in words) for typed in query.lower().split())


def test_search_blob_finds_every_word_of_its_texts_written_or_folded():
    texts = ["Безбедност у заједници", "Siguria në lagje", "safe_neighbourhood",
             "Safety in the neighbourhood?", ""]
    blob = search_blob(texts)
    for text in texts:
        for word in re.findall(r"\w+", f"{text} {fold(text)}"):
            for typed in (word, word[:3], word[-3:], word.upper()):
                assert dropdown_filter_finds(typed, blob), (typed, blob)
    assert dropdown_filter_finds("bezbednost zajednici", blob)
    assert not dropdown_filter_finds("police", blob)
    words = blob.split()
    assert len(words) == len(set(words)) and blob == blob.lower()
    assert "neighbourhood" not in words and "u" not in words  # parts of other words: no need


# -- ranked search ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("word", "words", "strength"), [
    ("police", ["the", "police"], WHOLE_WORD),
    ("polic", ["the", "police"], PREFIX),
    ("policiju", ["policija"], INFLECTED),   # Serbian case ending
    ("extremist", ["extremism"], INFLECTED),
    ("police", ["political"], 0.0),           # five letters kept: "polic" is no prefix
    ("poli", ["police"], PREFIX),
    ("zen", ["zena"], PREFIX),
    ("trust", ["distrust"], 0.0),             # words start where they start
])
def test_word_strength(word, words, strength):
    assert word_strength(word, words) == strength


def test_ranking_puts_complete_matches_first_then_heavier_fields():
    index = SearchIndex({
        "in_answers": {"question": ["Who should decide?"], "answers": ["The police", "Courts"]},
        "in_question": {"question": ["Do you trust the police?"], "answers": ["Yes", "No"]},
        "both_words_late": {"question": ["Trust"], "answers": ["Police"]},
        "nothing": {"question": ["Weather"], "answers": ["Sunny"]},
    }, {"question": 3.0, "answers": 1.0})
    # "police": whole word in a question (3) beats one among the answers (1); ties keep the
    # documents' order
    assert [h.key for h in index.search("police")] == ["in_question", "in_answers",
                                                        "both_words_late"]
    hits = index.search("trust police")
    assert [h.key for h in hits] == ["in_question", "both_words_late", "in_answers"]
    assert [h.complete for h in hits] == [True, True, False]
    # 3 + 3 for both words in the question; 3 + 1 when one is only among the answers
    assert [h.score for h in hits[:2]] == [6.0, 4.0]
    assert hits[0].fields == ("question",)
    assert [h.key for h in index.search("trust police", partial=False)] == ["in_question",
                                                                           "both_words_late"]
    assert index.search("   ") == [] and index.search("xyzzy") == []


@pytest.fixture(scope="module")
def codebook_index():
    from barometer.codebook import load_codebook
    from barometer.paths import PROJECT_ROOT

    return indicator_index(load_codebook(PROJECT_ROOT / "data" / "codebook.yaml"))


def keys(index, query, top=None):
    return [h.key for h in index.search(query)][:top]


@pytest.mark.parametrize(("query", "first"), [
    ("trust in police", "trust_police"),
    ("police trust", "trust_police"),                     # any order
    ("Trust: Police", "trust_police"),
    ("besimi në polici", "trust_police"),                 # Albanian
    ("besim polic", "trust_police"),                      # prefixes
    ("поверење у полицију", "trust_police"),              # Serbian Cyrillic, inflected
    ("poverenje u policiju", "trust_police"),             # Serbian Latin
    ("корупција у судовима", "corruption_courts"),
    ("korrupsioni gjykatat", "corruption_courts"),
    ("Korupcija: Sudovi", "corruption_courts"),
    ("bribe", "bribe_paid"),
    ("ryshfet", "bribe_paid"),
    ("мито", "bribe_paid"),
    ("women safe", "women_less_safe"),
])
def test_the_codebook_question_is_found_first(codebook_index, query, first):
    assert keys(codebook_index, query, 1) == [first]


def test_extremism_finds_the_violent_extremism_topic(codebook_index):
    topic = ["extremism_threat", "returnees_reintegration", "radicalisation_drivers"]
    for query in ("extremism", "ekstremizmi", "екстремизам", "violent extremism"):
        hits = codebook_index.search(query)
        assert set(topic) <= {h.key for h in hits if h.complete}, query
        assert hits[0].key == "extremism_threat", query   # in its question and label


def test_support_eu_finds_eu_questions(codebook_index):
    hits = codebook_index.search("support EU")
    # the codebook's keywords of the EU referendum say "support EU membership"
    assert hits[0].key == "eu_referendum" and hits[0].complete
    assert "keywords" in hits[0].fields
    assert {"eu_referendum", "view_eu", "trust_eu"} <= set(keys(codebook_index, "support EU", 10))
    assert keys(codebook_index, "подржавате ЕУ", 1) == ["nato_support"]
