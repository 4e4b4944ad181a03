"""Search ignores case, diacritics and Serbian script, and needs every word of the query."""

from __future__ import annotations

import pytest

from barometer.textsearch import fold, matches, search_blob

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


def test_search_blob_holds_original_and_folded_texts():
    blob = search_blob(["Безбедност", "Siguria", ""])
    assert "Безбедност" in blob and "bezbednost" in blob
    assert "Siguria" in blob and "siguria" in blob
