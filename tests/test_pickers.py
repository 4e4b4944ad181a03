"""Pickers that search on the server: what they list for what the visitor typed, and what their
first render carries (no search text of their own: Dash's dropdown indexes every part of every
word of its options when it first draws, the costliest step of a page's start)."""

from __future__ import annotations

import json

import pytest

from barometer.web.components import (
    breakdown_options,
    indicator_options,
    question_search,
    searched_options,
)
from barometer.web.pages.explore import more_breakdown_options

PERMALINK = "/?indicator=trust_police&by=gender&country=XK&year=2024"

# (typed, the picker's language, first option found): labels and question texts of the demo
# codebook, in a language other than the page's, without diacritics, in another script
BREAKDOWN_SEARCHES = [
    ("gjini", "en", "gender"),                 # Albanian label "Gjinia"
    ("Образовање", "sq", "education"),         # Serbian Cyrillic label
    ("obrazovanja", "en", "education"),        # a word of the Serbian question only
    ("komsiluk", "sq", "safe_neighbourhood"),  # "komšiluku", folded
]


@pytest.mark.parametrize(("typed", "lang", "first"), BREAKDOWN_SEARCHES)
def test_the_breakdown_picker_finds_by_any_language(dataset, typed, lang, first):
    offered = breakdown_options(dataset.codebook, lang, "trust_police", searched_on_server=True)
    found = searched_options(dataset.codebook, typed, offered, "gender")
    assert found[0]["value"] == first


def test_a_search_lists_only_what_the_picker_offers_and_keeps_the_choice(dataset):
    codebook = dataset.codebook
    offered = breakdown_options(codebook, "en", "trust_police", searched_on_server=True)
    found = searched_options(codebook, "police", offered, "gender")
    values = [o["value"] for o in found]
    assert "trust_police" not in values  # the question itself cannot break itself down
    assert values[-1] == "gender" and values.count("gender") == 1  # the choice keeps its label
    assert set(values) <= {o["value"] for o in offered}
    more = more_breakdown_options(codebook, "en", "trust_police", searched_on_server=True)
    assert [o["value"] for o in searched_options(codebook, "", more, ["age_group"])] == [
        o["value"] for o in more]  # nothing typed: all of them
    several = searched_options(codebook, "gjini", more, ["age_group", "education"])
    assert [o["value"] for o in several][-2:] == ["age_group", "education"]


def test_question_search_ranks_the_whole_question_text(dataset):
    found = question_search(dataset.codebook, "koliko bezbedno", "en", "trust_police")
    assert found[0]["value"] == "safe_neighbourhood"


def test_pickers_that_ask_the_server_carry_no_search_text(client, dataset):
    layout = client.get("/_dash-layout", headers={"Referer": "http://localhost" + PERMALINK})
    dropdowns = {}

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "Dropdown":
                dropdowns[node["props"]["id"]] = node["props"].get("options") or []
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(layout.get_data()))
    for picker in ("indicator", "by", "by-more"):
        assert dropdowns[picker] and not any("search" in o for o in dropdowns[picker]), picker
    # the pickers that do not ask the server keep theirs (the tab book's, the filters')
    assert all("search" in o for o in indicator_options(dataset.codebook, "en")
               if not o.get("disabled"))
