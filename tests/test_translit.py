"""Standard Serbian transliteration, both ways, on the letters that need care: lj, nj, dž, đ, ć, č,
š, ž; and the codebook deriving one Serbian script from the other."""

from __future__ import annotations

import pytest

from barometer.codebook import Text
from barometer.translit import cyrillic_to_latin, latin_to_cyrillic

PAIRS = [  # (Latin, Cyrillic), written out by hand
    ("ljubav", "љубав"),
    ("njegov", "његов"),
    ("džep", "џеп"),
    ("Đorđe", "Ђорђе"),
    ("ćevapčići", "ћевапчићи"),
    ("čaša", "чаша"),
    ("šuma", "шума"),
    ("žena", "жена"),
    ("NJEGOŠ", "ЊЕГОШ"),
    ("LJUBAV", "ЉУБАВ"),
    ("DŽEP", "ЏЕП"),
    ("Ljubljana", "Љубљана"),
    ("Njegoš", "Његош"),
    ("Džamija", "Џамија"),
    ("Ćuprija", "Ћуприја"),
    ("Šabac", "Шабац"),
    ("Žabljak", "Жабљак"),
    ("Čačak", "Чачак"),
    ("poverenje u policiju", "поверење у полицију"),
    ("Bezbednost i pretnje", "Безбедност и претње"),
    ("Korupcija je raširena", "Корупција је раширена"),
    ("Ljudi, NJIHOVA deca i džep", "Људи, ЊИХОВА деца и џеп"),
]


@pytest.mark.parametrize(("latin", "cyrillic"), PAIRS)
def test_latin_to_cyrillic(latin, cyrillic):
    assert latin_to_cyrillic(latin) == cyrillic


@pytest.mark.parametrize(("latin", "cyrillic"), PAIRS)
def test_cyrillic_to_latin(latin, cyrillic):
    assert cyrillic_to_latin(cyrillic) == latin


@pytest.mark.parametrize(("latin", "cyrillic"), PAIRS)
def test_round_trips(latin, cyrillic):
    assert cyrillic_to_latin(latin_to_cyrillic(latin)) == latin
    assert latin_to_cyrillic(cyrillic_to_latin(cyrillic)) == cyrillic


def test_every_letter_of_the_alphabet():
    cyrillic = "абвгдђежзијклљмнњопрстћуфхцчџш"
    latin = "abvgdđežzijklljmnnjoprstćufhcčdžš"
    assert cyrillic_to_latin(cyrillic) == latin
    assert latin_to_cyrillic(latin) == cyrillic
    assert cyrillic_to_latin(cyrillic.upper()) == latin.upper()
    assert latin_to_cyrillic(latin.upper()) == cyrillic.upper()


def test_other_text_passes_through():
    assert latin_to_cyrillic("2024: 45,3% (1.500)") == "2024: 45,3% (1.500)"
    assert cyrillic_to_latin("2024 — 45,3%; Kosovo") == "2024 — 45,3%; Kosovo"
    assert cyrillic_to_latin("") == latin_to_cyrillic("") == ""


def test_text_derives_cyrillic_from_latin():
    text = Text(en="Trust in the police", **{"sr-Latn": "Poverenje u policiju, ljudi i džep"})
    assert text.get("sr-Cyrl") == "Поверење у полицију, људи и џеп"
    assert text.get("sr-Latn") == "Poverenje u policiju, ljudi i džep"
    assert text.get("sr") == "Poverenje u policiju, ljudi i džep"


def test_text_derives_latin_from_cyrillic():
    text = Text(en="Neighbours", **{"sr-Cyrl": "Његош и Ђорђе у Ћуприји"})
    assert text.get("sr-Latn") == "Njegoš i Đorđe u Ćupriji"
    assert text.get("sr-Cyrl") == "Његош и Ђорђе у Ћуприји"


def test_text_keeps_both_scripts_when_both_are_given():
    text = Text(en="Corruption", **{"sr-Latn": "Korupcija", "sr-Cyrl": "Корупција (ћирилица)"})
    assert text.get("sr-Latn") == "Korupcija"
    assert text.get("sr-Cyrl") == "Корупција (ћирилица)"


def test_text_falls_back_to_english():
    text = Text(en="Corruption")
    assert [text.get(lang) for lang in ("sq", "sr-Latn", "sr-Cyrl", "xx")] == ["Corruption"] * 4
    assert Text(en="Corruption", sq="Korrupsioni").get("sq") == "Korrupsioni"
