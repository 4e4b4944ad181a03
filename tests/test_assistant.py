"""The assistant's tools in-process: their arguments are the parameter table's, their answers the
API's documents (checked against the API on the same data) with a permalink that opens the same
view, bad input names the parameter, big views are refused; resources and prompt."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from mcp_support import BAD_CALLS, TOO_BIG, VIEW_CALLS, api_part, api_query

from barometer.assistant.content import news_prompt, read_resource
from barometer.assistant.tools import MAX_ROWS, Assistant, ToolError
from barometer.ingest import load_dataset
from barometer.params import MAX_FILTERS, PARAMETER_TABLE
from barometer.present.methods import methods_text
from barometer.web.app import create_app
from barometer.web.registry import page_at

BASE = "https://barometer.example.org"


@pytest.fixture(scope="module")
def dataset():
    return load_dataset()


@pytest.fixture(scope="module")
def assistant(dataset):
    return Assistant(dataset)


@pytest.fixture(scope="module")
def api(dataset):
    return create_app(dataset).server.test_client()


# -- the arguments are the parameter table's --------------------------------------------------


@pytest.mark.parametrize("view", ["crosstab", "frequencies", "trend", "compare"])
def test_view_tool_arguments_are_the_parameter_table_entries_of_the_view(assistant, dataset,
                                                                         view):
    schema = assistant.specs[view].input_schema
    expected = [p for p in PARAMETER_TABLE.in_view(view) if not p.presentation]
    assert list(schema["properties"]) == [p.name for p in expected]
    assert schema["required"] == ["indicator"] and schema["additionalProperties"] is False
    for param in expected:
        described = schema["properties"][param.name]
        assert described["description"].startswith(param.help)
        stated = param.describe_default(view)
        if stated:
            assert f"Default: {stated}." in described["description"]
    assert schema["properties"]["indicator"]["enum"] == [i.id for i in dataset.codebook.indicators]
    assert schema["properties"]["filter"]["type"] == "array"
    assert schema["properties"]["filter"]["maxItems"] == MAX_FILTERS
    assert str(MAX_ROWS) in assistant.specs[view].description


def test_the_tools_are_those_of_the_issue(assistant):
    assert list(assistant.specs) == ["search_indicators", "describe_indicator", "crosstab",
                                     "frequencies", "trend", "compare"]


# -- the answers are the API's -----------------------------------------------------------------


@pytest.mark.parametrize("key", list(VIEW_CALLS))
def test_view_answers_hold_the_api_document_for_the_same_query(assistant, api, key):
    tool, arguments = VIEW_CALLS[key]
    answer = assistant.call(tool, arguments, BASE)
    document = api.get(f"/api/v1/{tool}?{api_query(arguments)}").get_json()
    assert document["rows"], key
    assert api_part(answer, document) == document
    assert answer["synthetic"] is True and answer["warning"].startswith("SYNTHETIC")
    assert answer["permalink"] in answer["citation"]
    assert answer["citation"].endswith("(synthetic demonstration data)") or \
        answer["query"]["lang"] != "en"
    assert api.get(answer["api"].removeprefix(BASE)).get_json() == document


@pytest.mark.parametrize("key", list(VIEW_CALLS))
def test_the_permalink_opens_the_same_view_in_the_explorer(assistant, dataset, key):
    tool, arguments = VIEW_CALLS[key]
    answer = assistant.call(tool, arguments, BASE)
    link = urlsplit(answer["permalink"])
    assert f"{link.scheme}://{link.netloc}" == BASE
    page = page_at(link.path)
    assert page is not None and page.view == ("crosstab" if tool == "frequencies" else tool)
    from barometer.stats.query import data_years

    reopened = PARAMETER_TABLE.parse(link.query, dataset.codebook, data_years(dataset),
                                     view=page.view, strict=True)
    echoed = PARAMETER_TABLE.echo(reopened, page.view)
    assert {k: v for k, v in echoed.items() if k in answer["query"]} == \
        {k: v for k, v in answer["query"].items() if k in echoed}


# -- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("tool", "arguments", "param"), BAD_CALLS)
def test_bad_input_is_a_tool_error_naming_the_parameter(assistant, tool, arguments, param):
    with pytest.raises(ToolError) as caught:
        assistant.call(tool, arguments, BASE)
    problem = caught.value.document()["error"]
    assert problem["param"] == param
    assert problem["detail"]


def test_bad_input_answers_like_the_api(assistant, api):
    """The same message and closest names as the API's problem document."""
    arguments = {"indicator": "trust_police", "country": "AL,XX"}
    with pytest.raises(ToolError) as caught:
        assistant.call("crosstab", arguments, BASE)
    problem = api.get(f"/api/v1/crosstab?{api_query(arguments)}").get_json()
    assert caught.value.detail == problem["detail"]
    assert list(caught.value.allowed) == problem["allowed"]


def test_a_view_over_the_row_limit_is_refused_with_how_to_narrow_it(assistant, api):
    tool, arguments = TOO_BIG
    with pytest.raises(ToolError) as caught:
        assistant.call(tool, arguments, BASE)
    problem = caught.value.document()["error"]
    rows = len(api.get(f"/api/v1/{tool}?{api_query(arguments)}").get_json()["rows"])
    assert rows > MAX_ROWS and problem["rows"] == rows and problem["limit"] == MAX_ROWS
    assert "country or year" in problem["detail"]
    narrower = assistant.call(tool, {**arguments, "country": "AL"}, BASE)
    assert 0 < len(narrower["rows"]) <= MAX_ROWS


def test_unknown_tools_and_non_object_arguments_are_refused(assistant):
    with pytest.raises(ToolError, match="unknown tool"):
        assistant.call("delete_everything", {}, BASE)
    with pytest.raises(ToolError, match="JSON object"):
        assistant.call("crosstab", ["trust_police"], BASE)


# -- search and describe -------------------------------------------------------------------------


def test_search_finds_questions_with_where_they_were_asked(assistant, api):
    answer = assistant.call("search_indicators", {"query": "поверење полиција", "limit": 3},
                            BASE)
    assert [r["id"] for r in answer["results"]][0] == "trust_police"
    assert len(answer["results"]) == 3 and answer["more"] > 0
    codebook = {i["id"]: i for i in api.get("/api/v1/indicators").get_json()["indicators"]}
    for result in answer["results"]:
        asked = [{"country": c, "year": y} for c, years in result["asked_in"].items()
                 for y in years]
        assert asked == codebook[result["id"]]["availability"]
        assert result["question"] == codebook[result["id"]]["question"]
    assert answer["results"][0]["every_word_found"] is True
    assert answer["synthetic"] is True


def test_search_speaks_the_asked_language_and_says_when_nothing_matches(assistant):
    answer = assistant.call("search_indicators", {"query": "korupcija sudovi",
                                                  "lang": "sr-Cyrl"}, BASE)
    assert answer["results"][0]["id"] == "corruption_courts"
    assert answer["results"][0]["label"] == "Корупција: Судови"
    nothing = assistant.call("search_indicators", {"query": "xyzzy plugh"}, BASE)
    assert nothing["results"] == [] and "No question matches" in nothing["note"]


def test_describe_is_the_api_codebook_entry_with_availability_and_a_link(assistant, api):
    answer = assistant.call("describe_indicator", {"indicator": "trust_eu", "lang": "sq"}, BASE)
    entry = next(i for i in api.get("/api/v1/indicators?lang=sq").get_json()["indicators"]
                 if i["id"] == "trust_eu")
    described = answer["indicator"]
    assert {k: v for k, v in described.items() if k in entry and k != "availability"} == \
        {k: v for k, v in entry.items() if k != "availability"}
    assert [{"country": c, "year": y} for c, ys in described["availability"].items()
            for y in ys] == entry["availability"]
    assert described["default_trend_category"] == "trust"
    assert answer["permalink"].startswith(BASE + "/?indicator=trust_eu")


# -- a new table entry reaches the tools -------------------------------------------------------


def test_a_new_parameter_table_entry_is_a_checked_tool_argument(dataset):
    from test_param_table import TABLE

    assistant = Assistant(dataset, TABLE)
    described = assistant.specs["crosstab"].input_schema["properties"]["digits"]
    assert described["type"] == "integer" and "Decimals to show" in described["description"]
    assert "digits" not in assistant.specs["frequencies"].input_schema["properties"]
    answer = assistant.call("crosstab", {"indicator": "trust_police", "country": "XK",
                                         "digits": 2}, BASE)
    assert answer["query"]["digits"] == 2 and "digits=2" in answer["permalink"]
    with pytest.raises(ToolError) as caught:
        assistant.call("crosstab", {"indicator": "trust_police", "digits": 7}, BASE)
    assert caught.value.param == "digits"


# -- resources and the prompt -------------------------------------------------------------------


def test_resources_are_the_api_codebook_and_the_about_page_method(assistant, api, dataset):
    mime, text = read_resource(assistant, "barometer://codebook/sr-Cyrl")
    assert mime == "application/json"
    assert json.loads(text) == api.get("/api/v1/indicators?lang=sr-Cyrl").get_json()
    mime, text = read_resource(assistant, "barometer://methods")
    assert mime == "text/markdown"
    assert text == methods_text(dataset.codebook, dataset.version, len(dataset),
                                len(dataset.codebook.sources), "en")
    about = api.get("/about")  # the page and the resource share the words
    assert about.status_code == 200
    assert "Kish" in text and "Rao-Scott" in text and "fewer than 50 respondents" in text


def test_the_news_prompt_carries_the_honesty_rules_and_the_data_facts(assistant):
    text = news_prompt(assistant, {"indicator": "trust_police", "country": "AL", "lang": "sq"})
    assert "How much do you trust the police?" in text and "Shqip" in text
    assert '"country": "AL"' in text
    for rule in ("95% confidence interval", "base under 50", "base under 30",
                 "never estimate", "SYNTHETIC demonstration data", "citation and the permalink"):
        assert rule in text, rule
    with pytest.raises(ValueError, match="not an indicator id"):
        news_prompt(assistant, {"indicator": "nope"})


# -- the command line ----------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "env", "named"), [
    (["--base-url", "ftp://example.org"], {}, "--base-url"),
    (["--base-url", "https://example.org/?x=1"], {}, "--base-url"),
    ([], {"BAROMETER_PUBLIC_URL": "example.org"}, "BAROMETER_PUBLIC_URL"),
])
def test_a_bad_public_address_is_refused_naming_where_it_came_from(args, env, named):
    from click.testing import CliRunner

    from barometer.cli import main

    done = CliRunner().invoke(main, ["mcp", *args], env=env)
    assert done.exit_code == 2 and named in done.output


def test_the_public_address_comes_from_the_option_then_the_setting(monkeypatch):
    from barometer.cli.assistant_cmds import DEFAULT_PUBLIC_URL, public_url

    monkeypatch.delenv("BAROMETER_PUBLIC_URL", raising=False)
    assert public_url(None) == DEFAULT_PUBLIC_URL
    monkeypatch.setenv("BAROMETER_PUBLIC_URL", "https://survey.example.org/")
    assert public_url(None) == "https://survey.example.org"
    assert public_url("http://localhost:9000") == "http://localhost:9000"


def test_disclosure_control_applies_to_the_tools(assistant, api):
    """Hidden cells are the API's (no figures) and a view of too few people is refused like the
    API refuses it."""
    arguments = {"indicator": "safe_neighbourhood", "by": "region", "country": "AL",
                 "year": "2025"}
    answer = assistant.call("crosstab", arguments, BASE)
    hidden = [row for row in answer["rows"] if row["suppressed"]]
    assert hidden and all(row["percent"] is None and row["ci_low"] is None for row in hidden)
    assert answer["rows"] == api.get(f"/api/v1/crosstab?{api_query(arguments)}").get_json()["rows"]
    too_few = {"indicator": "trust_police", "country": "AL", "year": "2025",
               "filter": ["region:al_gjirokaster"]}
    with pytest.raises(ToolError) as caught:
        assistant.call("crosstab", too_few, BASE)
    problem = api.get(f"/api/v1/crosstab?{api_query(too_few)}").get_json()
    assert "too-few-respondents" in problem["type"]
    assert caught.value.param == problem["param"] == "filter"
    assert caught.value.document()["error"]["min_base"] == problem["min_base"]
