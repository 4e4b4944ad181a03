"""What the MCP tests ask every transport (stdio, HTTP, in-process) and how an answer is held
against the API's document for the same view."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

# (tool, arguments): every view tool, arguments in the forms an assistant sends (strings, lists,
# numbers, booleans), and the API query that asks the same.
VIEW_CALLS: dict[str, tuple[str, dict[str, Any]]] = {
    "crosstab": ("crosstab", {"indicator": "trust_police", "by": "gender",
                              "country": "AL,RS", "year": "2024"}),
    "crosstab_filtered": ("crosstab", {"indicator": "safe_at_night", "by": "age_group",
                                       "country": ["XK"], "filter": ["gender:female"],
                                       "lang": "sq"}),
    "frequencies": ("frequencies", {"indicator": "eu_referendum", "country": "XK", "year": 2025,
                                    "weighted": True, "missing": "show"}),
    "trend": ("trend", {"indicator": "trust_eu", "country": "AL,XK", "category": "trust"}),
    "compare": ("compare", {"indicator": "trust_eu", "pool": "population", "year": "2024"}),
}

# (tool, arguments, the parameter the error must name)
BAD_CALLS: list[tuple[str, dict[str, Any], str]] = [
    ("crosstab", {"indicator": "trust_polce"}, "indicator"),
    ("crosstab", {"country": "AL"}, "indicator"),
    ("crosstab", {"indicator": "trust_police", "country": "AL,XX"}, "country"),
    ("crosstab", {"indicator": "trust_police", "year": 1999}, "year"),
    ("crosstab", {"indicator": "trust_police", "by": "trust_police"}, "by"),
    ("crosstab", {"indicator": "trust_police", "filter": ["gender:alien"]}, "filter"),
    ("crosstab", {"indicator": "trust_police", "weighted": "maybe"}, "weighted"),
    ("crosstab", {"indicator": "trust_police", "colour": "red"}, "colour"),
    ("frequencies", {"indicator": "trust_police", "by": "gender"}, "by"),
    ("trend", {"indicator": "trust_police", "category": "zzz"}, "category"),
    ("compare", {"indicator": "trust_eu", "year": "2024,2025"}, "year"),
    ("compare", {"indicator": "trust_eu", "pool": "everyone"}, "pool"),
    # disclosure control: fewer respondents than the minimum base in every group
    ("crosstab", {"indicator": "trust_police", "country": "AL", "year": "2025",
                  "filter": ["region:al_gjirokaster"]}, "filter"),
    ("describe_indicator", {"indicator": "nothing_like_it"}, "indicator"),
    ("search_indicators", {"query": ""}, "query"),
    ("search_indicators", {"query": "police", "limit": 500}, "limit"),
    ("search_indicators", {"query": "police", "lang": "de"}, "lang"),
]
TOO_BIG = ("crosstab", {"indicator": "trust_police", "by": "region", "year": "2024,2025"})


def api_query(arguments: Mapping[str, Any]) -> str:
    """The API query string asking what the tool arguments ask."""
    items: list[tuple[str, str]] = []
    for name, value in arguments.items():
        values = value if isinstance(value, list) and name == "filter" else [value]
        for one in values:
            if isinstance(one, bool):
                one = "1" if one else "0"
            elif isinstance(one, list):
                one = ",".join(one)
            items.append((name, str(one)))
    return urlencode(items)


def api_part(answer: Mapping[str, Any], api_document: Mapping[str, Any]) -> dict[str, Any]:
    """The part of a tool answer that the API's document holds (every key of it)."""
    return {key: answer.get(key) for key in api_document}
