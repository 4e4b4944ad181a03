"""The URL is the state: query strings parse into views and views encode back to the same query."""

from __future__ import annotations

import pytest

from barometer.codebook import parse_codebook
from barometer.params import ParamError, ViewParams, encode_params, parse_params

CODEBOOK = parse_codebook("""
dataset: {id: demo, title: Demo}
countries:
  AL: {name: Albania}
  XK: {name: Kosovo}
  RS: {name: Serbia}
topics: [{id: trust, label: Trust}, {id: people, label: People}]
scales:
  trust4:
    - {code: full, label: Full trust}
    - {code: some, label: Some trust}
    - {code: none, label: No trust}
    - {code: dk, label: Don't know, missing: dk}
sources:
  - {id: AL-2024, country: AL, year: 2024, file: a.sav}
  - {id: XK-2025, country: XK, year: 2025, file: b.sav}
indicators:
  - id: trust_police
    topic: trust
    type: ordinal
    question: How much do you trust the police?
    categories: trust4
    nets: [{code: trust_any, label: Trust, categories: [full, some]}]
  - id: trust_courts
    topic: trust
    type: ordinal
    question: How much do you trust the courts?
    categories: trust4
  - id: gender
    topic: people
    type: single
    demographic: true
    question: Gender
    categories: [{code: male, label: Male}, {code: female, label: Female}]
  - id: age
    topic: people
    type: numeric
    demographic: true
    question: Age in years
    bins: [{code: 18-29, label: 18-29, low: 18, high: 29}, {code: 30+, label: 30+, low: 30, high: 120}]
""")
YEARS = (2024, 2025)
DEFAULT = parse_params("", CODEBOOK, YEARS)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ViewParams(indicator="trust_police", category="trust_any", years=(2025,))),
        ("indicator=trust_courts", ViewParams(indicator="trust_courts", category="full", years=(2025,))),
        ("indicator=trust_courts&by=gender&country=XK,AL&year=2024,2025",
         ViewParams(indicator="trust_courts", category="full", by="gender", countries=("AL", "XK"), years=(2024, 2025))),
        ("filter=gender:female&filter=age:18-29",
         ViewParams(indicator="trust_police", category="trust_any", years=(2025,),
                    filters=(("gender", ("female",)), ("age", ("18-29",))))),
        ("weighted=0&percent=row&missing=show&chart=stacked&lang=sq&pool=equal",
         ViewParams(indicator="trust_police", category="trust_any", years=(2025,), weighted=False, percent="row",
                    missing="show", chart="stacked", lang="sq", pool="equal")),
        ("country=xk", ViewParams(indicator="trust_police", category="trust_any", countries=("XK",), years=(2025,))),
        ("lang=sr-Cyrl", ViewParams(indicator="trust_police", category="trust_any", years=(2025,), lang="sr-Cyrl")),
    ],
)
def test_parse(query, expected):
    assert parse_params(query, CODEBOOK, YEARS, strict=True) == expected


@pytest.mark.parametrize(
    ("query", "view", "expected"),
    [
        # a trend spans every wave and follows the first net unless told otherwise
        ("", "trend", ViewParams(indicator="trust_police", years=(), category="trust_any",
                                 chart=None)),
        ("category=full&year=2024", "trend",
         ViewParams(indicator="trust_police", years=(2024,), category="full", chart=None)),
        ("indicator=trust_courts", "trend",
         ViewParams(indicator="trust_courts", years=(), category="full", chart=None)),
        ("country=AL&pool=equal", "compare",
         ViewParams(indicator="trust_police", countries=("AL",), years=(2025,), pool="equal",
                    category="trust_any")),
        # a map on Compare and Trends (a trend's own chart, lines, is no value)
        ("chart=map&category=full", "compare",
         ViewParams(indicator="trust_police", years=(2025,), chart="map", category="full")),
        ("chart=map", "trend",
         ViewParams(indicator="trust_police", years=(), chart="map", category="trust_any")),
    ],
)
def test_parse_per_view(query, view, expected):
    assert parse_params(query, CODEBOOK, YEARS, view=view, strict=True) == expected


@pytest.mark.parametrize(
    ("query", "view", "param"),
    [
        ("category=full", "frequencies", "category"),
        ("pool=equal", "trend", "pool"),
        ("by=gender", "frequencies", "by"),
        ("by=gender", "compare", "by"),
    ],
)
def test_a_parameter_that_does_not_apply_to_the_view_is_refused(query, view, param):
    with pytest.raises(ParamError) as info:
        parse_params(query, CODEBOOK, YEARS, view=view, strict=True)
    assert info.value.param == param
    assert "does not apply" in str(info.value)
    # its default value is accepted (a link copied from another page), and so is the chart type
    default = {"category": "", "pool": "separate", "by": ""}[param]
    if default:
        parse_params(f"{param}={default}&chart=stacked", CODEBOOK, YEARS, view=view, strict=True)


@pytest.mark.parametrize(
    "params",
    [
        DEFAULT,
        ViewParams(indicator="trust_courts", by="gender", countries=("AL", "XK"), years=(2024, 2025),
                   filters=(("gender", ("male", "female")), ("age", ("30+",))), weighted=False,
                   percent="total", missing="show", chart="horizontal", lang="sr-Latn",
                   pool="population", category="none", sort="value"),
    ],
)
def test_encode_then_parse_round_trips(params):
    assert parse_params(encode_params(params), CODEBOOK, YEARS, strict=True) == params


def test_a_trend_round_trips_through_its_own_view():
    params = ViewParams(indicator="trust_courts", countries=("XK",), years=(), category="none",
                        weighted=False, lang="sq", chart=None)
    encoded = encode_params(params, "trend")
    assert "pool=" not in encoded  # not a parameter of a trend
    assert "chart=" not in encoded  # a trend's own chart (lines) is written as nothing
    assert parse_params(encoded, CODEBOOK, YEARS, view="trend", strict=True) == params


@pytest.mark.parametrize(
    ("query", "param", "closest"),
    [
        ("indicator=trust_polise", "indicator", "trust_police"),
        ("by=gendr", "by", "gender"),
        ("country=XX", "country", None),
        ("year=1999", "year", None),
        ("percent=diagonal", "percent", None),
        ("filter=gender", "filter", None),
        ("filter=nope:female", "filter", None),
        ("filter=gender:other", "filter", None),
        ("category=nope", "category", None),
        ("indicator=" + "x" * 10_000, "indicator", None),
        ("indicator=a&indicator=b", "indicator", None),
        ("lang=klingon", "lang", None),
        ("by=trust_police", "by", None),
    ],
)
def test_strict_errors_name_the_parameter(query, param, closest):
    with pytest.raises(ParamError) as info:
        parse_params(query, CODEBOOK, YEARS, strict=True)
    assert info.value.param == param
    if closest:
        assert info.value.allowed[0] == closest


def test_lenient_parse_falls_back_and_reports():
    params = parse_params("indicator=nope&country=AL,ZZ&chart=pie", CODEBOOK, YEARS)
    assert params.indicator == DEFAULT.indicator
    assert params.countries == ("AL",)
    assert params.chart == "headline"  # the default
    assert len(params.notices) == 3


def test_query_carries_every_choice():
    params = parse_params("indicator=trust_courts&by=gender&missing=show&weighted=0&pool=equal",
                          CODEBOOK, YEARS)
    query = params.query()
    assert (query.indicator, query.by, query.include_missing, query.weighted, query.pool) == (
        "trust_courts", "gender", True, False, "equal")


def test_a_multiple_response_breakdown_is_refused():
    codebook = parse_codebook("""
dataset: {id: demo, title: Demo}
countries: {AL: {name: Albania}}
topics: [{id: t, label: T}]
sources: [{id: AL-2024, country: AL, year: 2024, file: a.sav}]
indicators:
  - {id: q, topic: t, type: single, question: Q, categories: [{code: a, label: A}]}
  - {id: threats, topic: t, type: multiple, question: Threats,
     categories: [{code: crime, label: Crime}, {code: poverty, label: Poverty}]}
""")
    with pytest.raises(ParamError) as info:
        parse_params("indicator=q&by=threats", codebook, (2024,), strict=True)
    assert info.value.param == "by"
    assert parse_params("indicator=q&by=threats", codebook, (2024,)).by is None
